/**
 * gRPC over HTTP/2 (PROTOCOL-HTTP2.md) and gRPC-Web (PROTOCOL-WEB.md). Not a stream decoder:
 * the HTTP/2 decoder hands it streams whose content-type is application/grpc[+codec]; the HTTP
 * body routers hand it gRPC-Web exchanges. Messages are decoded by decoders/protobuf.
 */
export { GrpcCallBuilder, parseTrailerBlock, type GrpcFinishInfo } from './call';
export { LengthPrefixedReader, decodeGrpcMessage, grpcDecompress, type LpMessage } from './messages';
export { grpcWebRouter, decodeConcatenatedBase64 } from './web';
export * from './status';
