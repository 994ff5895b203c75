/**
 * The call model: plain, serializable data that crosses worker and webview boundaries.
 *
 * One `Call` per request/response exchange, per streamed RPC, per published message or per
 * delivery. Times are microseconds since the Unix epoch (`…Us`), sizes are bytes (`…Bytes`).
 * Direction is always `c2s` (client → server) or `s2c` (server → client).
 *
 * Field keys in `fields` use Wireshark's display-filter vocabulary (`http.status`,
 * `grpc.status`, `mqtt.topic`) so filters, goldens and docs speak one language.
 */

/** Direction of bytes on a connection: client → server or server → client. */
export type Dir = 'c2s' | 's2c';

/** One side of a connection. `ip` is dotted IPv4 or compressed IPv6 text. */
export interface Endpoint {
  ip: string;
  port: number;
}

export type CallKind =
  | 'unary' // request → response
  | 'client-stream'
  | 'server-stream'
  | 'bidi'
  | 'oneway' // request with no response expected (notification, oneway Thrift)
  | 'publish' // message sent to a broker
  | 'deliver' // message delivered by a broker to a consumer
  | 'event' // anything else worth a row (heartbeat, connection-level event)
  | 'batch'; // a container of inner calls (JSON-RPC batch, system.multicall)

export type CallState = 'complete' | 'pending' | 'aborted' | 'incomplete';

export interface CallStatus {
  /** Protocol status: HTTP status number, gRPC status number, AMQP reply code, JSON-RPC error code… */
  code: number | string;
  /** Human text: reason phrase, gRPC status name, fault string. */
  text?: string;
  /** False for errors and faults. */
  ok: boolean;
}

export interface CallTiming {
  /** First byte of the request. */
  startUs: number;
  /** Last byte of the request. */
  requestEndUs?: number;
  /** First byte of the (final) response. */
  responseStartUs?: number;
  /** Last byte of the response, or of the call. */
  endUs?: number;
}

/** A header list in wire order: [name as sent, value]. Look up with lower-cased names. */
export type HeaderList = Array<[string, string]>;

/** How a body was decoded. */
export type BodyKind =
  | 'none'
  | 'json'
  | 'xml'
  | 'form'
  | 'text'
  | 'binary'
  | 'protobuf'
  | 'protobuf-raw'
  | 'xmlrpc'
  | 'jsonrpc'
  | 'soap'
  | 'thrift'
  | 'hessian'
  | 'resp'
  | 'msgpack'
  | 'avro'
  | 'unknown';

/**
 * A body as seen on the wire. Large bodies are not kept: `size` is always the full size,
 * `value`/`text`/`hex` hold at most the configured preview (see `truncated`).
 */
export interface Body {
  /** Size in bytes after transfer decoding (de-chunked), before content decoding. */
  size: number;
  /** Size after content decoding (gzip, deflate, br), when it was decoded. */
  decodedSize?: number;
  contentType?: string;
  /** Content-Encoding / grpc-encoding applied on the wire. */
  encoding?: string;
  kind: BodyKind;
  /** Decoded structured value (JSON body as a nested object, XML-RPC params as values…). */
  value?: unknown;
  /** Text, for text-like bodies (XML, plain text, forms). */
  text?: string;
  /**
   * A JSON body's text as sent (whitespace, `1.50`, digits beyond 2^53), for exports that show the
   * body itself (HAR `content.text`). Not enumerable (see http-common/body `HttpBody`): left out of JSON Lines,
   * goldens and structured clones, which have `value`.
   */
  readonly jsonText?: string;
  /** Lower-case hex of the first bytes, for binary bodies. */
  hex?: string;
  /** True when the body was larger than the preview limit and was cut. */
  truncated?: boolean;
}

/** One side of an exchange. */
export interface CallPart {
  headers?: HeaderList;
  trailers?: HeaderList;
  body?: Body;
  /**
   * The protocol-level decoded value: XML-RPC/JSON-RPC params or result, protobuf message,
   * AMQP method arguments, MQTT payload… (numbers stay numbers).
   */
  value?: unknown;
  /** Bytes on the wire for this side, including protocol framing. */
  wireBytes?: number;
}

/** One message inside a streamed call or a broker exchange. */
export interface StreamMessage {
  dir: Dir;
  /** 0-based index within its direction. */
  index: number;
  tsUs: number;
  /** Payload size in bytes. */
  size: number;
  /** Frame number (1-based) where the message ended. */
  frame?: number;
  /** Short label: 'DATA', 'PUBLISH', 'basic.deliver'… */
  label?: string;
  compressed?: boolean;
  value?: unknown;
  /** Protocol facts of the message beyond its value (server-sent events: `event`, `id`, `retry`). */
  meta?: Record<string, string | number>;
  warnings?: string[];
}

/** The HTTP layer of a call carried by HTTP (XML-RPC, JSON-RPC, SOAP, gRPC-Web…). */
export interface HttpLayer {
  version: string; // 'HTTP/1.1', 'HTTP/2'
  method?: string;
  uri?: string;
  host?: string;
  status?: number;
  reason?: string;
  requestHeaders?: HeaderList;
  responseHeaders?: HeaderList;
  requestBody?: Body;
  responseBody?: Body;
  /** 1xx responses seen before the final one. */
  interim?: Array<{ status: number; reason?: string; tsUs: number }>;
}

/** Where a call is defined in the workspace (proto rpc, OpenAPI operation, AsyncAPI channel…). */
export interface DefinitionRef {
  kind: 'proto-rpc' | 'proto-message' | 'openapi-operation' | 'asyncapi-channel' | 'thrift-method' | 'wsdl-operation' | 'graphql-field';
  /** Fully-qualified name: `pkg.Service.Method`, `GET /persons/{id}`, channel name. */
  name: string;
  file: string;
  /** 1-based line and column. */
  line: number;
  column: number;
}

/** A reference to a byte range of a TCP/UDP stream, for the hex view and on-demand decoding. */
export interface StreamRange {
  flowId: number;
  dir: Dir;
  /** Offset in the reassembled stream of that direction. */
  offset: number;
  length: number;
}

export interface Call {
  /** Unique within one analysis, in order of creation. */
  id: number;
  /** Decoder id (Wireshark filter name): 'http', 'xmlrpc', 'jsonrpc', 'grpc', 'http2', 'amqp', 'mqtt'… */
  protocol: string;
  kind: CallKind;
  state: CallState;
  /** The connection (flow) this call travelled on. */
  flowId: number;
  client: Endpoint;
  server: Endpoint;
  /** What was called: HTTP method, RPC method name, AMQP method, MQTT packet type… */
  method: string;
  /** What it was called on: URI path, gRPC `/pkg.Service/Method`, topic, queue, subject, key. */
  target?: string;
  status?: CallStatus;
  timing: CallTiming;
  request?: CallPart;
  response?: CallPart;
  /** Messages of a streamed call or broker exchange, in time order. */
  messages?: StreamMessage[];
  /** The HTTP exchange that carried this call, when it was carried by HTTP. */
  http?: HttpLayer;
  /** Flat filterable facts in Wireshark vocabulary: { 'http.status': 404, 'grpc.status': 5 }. */
  fields: Record<string, string | number | boolean>;
  /** Frame numbers (1-based) that carried this call, request then response; at most 64 kept. */
  frames: number[];
  /** Byte ranges of the request and response in their streams. */
  ranges?: { request?: StreamRange[]; response?: StreamRange[] };
  /** The batch/multicall this call is part of. */
  parentId?: number;
  /** Inner calls of a batch/multicall, in order. */
  childIds?: number[];
  /** Publish → delivery linkage across connections, and broker RPC pairing. */
  links?: {
    /** For a delivery: the publish it came from. */
    publishId?: number;
    /** For a publish: the deliveries of that message. */
    deliveryIds?: number[];
    /** For a broker RPC request: the reply, and vice versa. */
    replyId?: number;
    requestId?: number;
  };
  definition?: DefinitionRef;
  warnings: string[];
  /** The connection was also captured with other addresses, before or after NAT (FlowSummary.alsoSeenAs). */
  alsoSeenAs?: SeenAs[];
  /**
   * For the flow correlator only, removed before the call leaves the pipeline: earlier calls of this flow that
   * this one says failed after all (a broker closing a channel for a publish already reported as sent). The
   * correlator updates those it still holds.
   */
  failsCalls?: Array<{ id: number; status: CallStatus; warning?: string }>;
}

/**
 * The same TCP connection captured with other addresses: a capture on a host that translates it
 * (Docker's or Kubernetes' published ports, DNAT; MASQUERADE, SNAT) records it before and after the
 * translation. Linux NAT keeps sequence numbers, so the copies of each packet are recognised (see
 * docs/decoders.md, "Copies of a packet"); the calls are decoded once, from the addresses seen first.
 */
export interface SeenAs {
  client: Endpoint;
  server: Endpoint;
  /** Interfaces it was captured on with these addresses: pcapng interface names, `ifindex N` (SLL2). */
  interfaces: string[];
}

/** A connection or UDP conversation, listed whether or not a decoder claimed it. */
export interface FlowSummary {
  id: number;
  transport: 'tcp' | 'udp';
  client: Endpoint;
  server: Endpoint;
  /** Decoder id, or 'tcp'/'udp' when none claimed it. */
  protocol: string;
  /** How the decoder was chosen. */
  dispatch: 'decode-as' | 'port' | 'probe' | 'handoff' | 'none';
  c2sBytes: number;
  s2cBytes: number;
  packets: number;
  firstFrame: number;
  startUs: number;
  endUs: number;
  /** SYN seen (the connection start is in the capture). */
  synSeen: boolean;
  /** SYN → SYN-ACK → ACK round-trip time as seen at the capture point. */
  handshakeRttUs?: number;
  /** Times of the three handshake packets and of FIN/RST, for drawing. */
  synUs?: number;
  synAckUs?: number;
  ackUs?: number;
  finUs?: { c2s?: number; s2c?: number };
  rstUs?: number;
  /**
   * How roles were decided: from the SYN, from the well-known server port, from what the protocol's
   * messages say (a connection the capture joined late, whose guess its decoder turned round), or guessed.
   */
  roleFrom: 'syn' | 'port' | 'payload' | 'guess';
  /** Bytes never seen (lost or cut by snaplen), per direction. */
  gapBytes: { c2s: number; s2c: number };
  calls: number;
  warnings: string[];
  /**
   * Copies of this connection's packets captured on other interfaces (`tcpdump -i any` on a host with
   * a bridge and veth pairs records each packet once per interface it crosses): not counted in
   * `packets` and the byte counts, not decoded again. `interfaces`: where the copies were captured.
   */
  copies?: { frames: number; bytes: number; interfaces: string[] };
  /** The connection as captured with other addresses (NAT); its copies are not counted either. */
  alsoSeenAs?: SeenAs[];
}

/** Warnings about the capture file itself (truncation, unknown link types…). */
export interface CaptureWarning {
  message: string;
  frame?: number;
  fileOffset?: number;
}
