/**
 * Every decoder callscope knows. Order matters only as a tie-break after `probeOrder`.
 * Body-level protocols (XML-RPC, JSON-RPC, SOAP, gRPC messages, protobuf) are not stream
 * decoders: the HTTP decoders route bodies to them by content type.
 */
import type { DecoderSpec } from './core/decoder';
import { spec as http } from './http1/index';
import { spec as http2 } from './http2/index';
import { spec as websocket } from './websocket/index';
import { spec as amqp } from './amqp/index';
import { spec as mqtt } from './mqtt/index';
import { spec as kafka } from './kafka/index';
import { spec as rabbitstream } from './rabbitstream/index';
import { spec as redis } from './redis/index';
import { spec as stomp } from './stomp/index';
import { spec as nats } from './nats/index';
import { spec as zmtp } from './zmtp/index';
import { spec as thrift } from './thrift/index';
import { spec as dubbo } from './dubbo/index';
import { spec as jsonrpcTcp } from './jsonrpc/stream';
import { spec as tls } from './tls/index';
import { setInnerDecoders } from './tls/inner';
import { spec as quic } from './quic/index';
import { spec as dns, tcpSpec as dnsTcp } from './dns/index';

export const ALL_DECODERS: DecoderSpec[] = [http, http2, websocket, amqp, mqtt, kafka, rabbitstream, redis, stomp, nats, zmtp, thrift, dubbo, jsonrpcTcp, tls, quic, dns, dnsTcp];

// What a decrypted TLS connection can be handed to (tls/inner.ts cannot import this file: a cycle).
setInnerDecoders(ALL_DECODERS);

export function decoderById(id: string): DecoderSpec | undefined {
  return ALL_DECODERS.find((d) => d.id === id);
}
