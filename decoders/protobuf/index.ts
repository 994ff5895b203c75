/**
 * Protobuf: schema loading from .proto texts (the `proto` entry of env.definitions) and wire
 * decoding with or without a schema. Not a stream decoder: gRPC (decoders/grpc) calls it for
 * each message. See definitions.ts and decode.ts.
 */
export {
  buildProtoDefinitions,
  emptyProtoDefinitions,
  lookupMethod,
  protoDefinitionsOf,
  wellKnownTypes,
  type ProtoDefinitions,
  type ProtoFile,
  type ProtoMethodInfo,
  type SourcePos,
} from './definitions';
export { decodeProtobuf, decodeRaw, resolverFor, type DecodeResult, type TypeResolver } from './decode';
export { rpcStatusTypes } from './rpc-status';
