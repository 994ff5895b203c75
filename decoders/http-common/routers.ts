/**
 * Body-level protocols carried by HTTP (Wireshark's `media_type` table): the HTTP decoders
 * offer each finished exchange to these routers in order; the first that matches turns the
 * HTTP call into its own protocol's call. Keep this file a plain list: one import + one entry
 * per protocol.
 */
import type { Call } from '../core/model';
import type { DecoderSession } from '../core/decoder';
import { xmlrpcRouter } from '../xmlrpc/index';
import { jsonrpcRouter } from '../jsonrpc/index';
import { grpcWebRouter } from '../grpc/web';
import { connectRouter } from '../connect/index';
import { soapRouter } from '../soap/index';
import { thriftHttpRouter } from '../thrift/http';
import { socketIoPollingRouter } from '../websocket/polling';
import { sockJsHttpRouter } from '../websocket/sockjs-http';
import { graphqlRouter } from '../graphql/http';
import { trpcRouter } from '../trpc/index';
import { twirpRouter } from '../twirp/index';
import { tripleHttpRouter } from '../dubbo/triple-http';
import { hessianRouter } from '../hessian/index';

/** A body-level protocol carried by HTTP (XML-RPC, JSON-RPC, SOAP, gRPC-Web…). */
export interface BodyRouter {
  id: string;
  /** true when this exchange is this protocol (by content type and body) */
  match(call: Call): boolean;
  /**
   * turn the HTTP call into this protocol's call(s): set protocol/method/target/status/
   * request.value/response.value/fields; may create and emit child calls via session (batch,
   * multicall); must not emit `call` itself
   */
  apply(call: Call, session: DecoderSession): void;
}

export const BODY_ROUTERS: BodyRouter[] = [xmlrpcRouter, jsonrpcRouter, tripleHttpRouter, connectRouter, grpcWebRouter, soapRouter, thriftHttpRouter, socketIoPollingRouter, sockJsHttpRouter, graphqlRouter, trpcRouter, twirpRouter, hessianRouter];
