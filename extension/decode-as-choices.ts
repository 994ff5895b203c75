/**
 * The decoders the Decode As… command offers (no `vscode` import: test/extension checks the list
 * against the registry, so a new decoder cannot be forgotten here).
 */
/** Decoders a flow can be forced to with Decode As…, with what they are (the transports it decodes: TCP unless said). */
export const DECODE_AS_CHOICES: Array<{ id: string; label: string; detail: string; transports?: Array<'tcp' | 'udp'> }> = [
  { id: 'http', label: 'HTTP/1.x', detail: 'REST, XML-RPC, JSON-RPC, SOAP over HTTP/1.0 and 1.1' },
  { id: 'http2', label: 'HTTP/2 (h2c)', detail: 'gRPC and HTTP/2 cleartext' },
  { id: 'websocket', label: 'WebSocket', detail: 'RFC 6455 frames without the HTTP upgrade' },
  { id: 'jsonrpc', label: 'JSON-RPC over TCP', detail: 'JSON texts or Content-Length framing on a raw connection' },
  { id: 'amqp', label: 'AMQP 0-9-1', detail: 'RabbitMQ' },
  { id: 'mqtt', label: 'MQTT', detail: 'MQTT 3.1.1 and 5' },
  { id: 'kafka', label: 'Kafka', detail: 'Kafka wire protocol' },
  { id: 'rabbitstream', label: 'RabbitMQ Streams', detail: 'the stream protocol (rabbitmq_stream plugin)' },
  { id: 'redis', label: 'Redis (RESP)', detail: 'RESP2/RESP3' },
  { id: 'stomp', label: 'STOMP', detail: 'STOMP 1.0–1.2' },
  { id: 'nats', label: 'NATS', detail: 'NATS client protocol' },
  { id: 'zmtp', label: 'ZeroMQ (ZMTP)', detail: 'ZMTP 3.x' },
  { id: 'thrift', label: 'Thrift', detail: 'binary/compact, framed or buffered' },
  { id: 'dubbo', label: 'Dubbo', detail: 'Apache Dubbo' },
  { id: 'dns', label: 'DNS', detail: 'queries and answers (UDP, or TCP with length prefixes)', transports: ['udp', 'tcp'] },
  { id: 'tls', label: 'TLS', detail: 'handshake only: names the server, version and ALPN (the calls inside stay encrypted)' },
  { id: 'quic', label: 'QUIC', detail: 'long headers only: version and connection ids (encrypted)', transports: ['udp'] },
];
