/**
 * What a stream message is: the bytes a publisher sent, stored and delivered unchanged. The stream
 * clients (Java, Go, .NET, the JS client, rstream) encode an AMQP 1.0 message (OASIS AMQP 1.0 Part 3
 * §3.2: header, annotations, properties, application-properties, data / amqp-sequence /
 * amqp-value, footer), read here with decoders/amqp1's type system; bytes that do not start with a
 * described section are a raw payload.
 *
 * Sub-batch entries (osiris_log.erl "SubBatchEntry"; the Java client's sub-entry batching): several
 * messages, each an int32 size and its bytes, compressed as a whole (0 none, 1 gzip, 2 snappy,
 * 3 lz4, 4 zstd). None and gzip are read here; the others are named.
 */
import type { Call } from '../core/model';
import type { DecoderEnv } from '../core/env';
import { be32 } from '../core/bytes';
import { type DecodedMessage, decodeMessage } from '../amqp1/message';

export { decodeMessage, type DecodedMessage } from '../amqp1/message';

const COMPRESSION = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Fill the message side of a publish (`request`) or delivery (`response`) from its bytes. */
export function fillMessage(call: Call, side: 'request' | 'response', bytes: Uint8Array, wire: number, env: DecoderEnv): DecodedMessage {
  const m = decodeMessage(bytes, env, call.warnings);
  const part = (call[side] = { value: m.value, wireBytes: wire } as NonNullable<Call['request']>);
  if (m.headers) part.headers = m.headers;
  if (m.body) part.body = m.body;
  if (m.props['message-id'] !== undefined) call.fields['rabbitstream.message_id'] = m.props['message-id'];
  if (m.props['correlation-id'] !== undefined) {
    call.fields['rabbitstream.correlation_id'] = m.props['correlation-id'];
    call.fields['msg.correlation_id'] = m.props['correlation-id'];
  }
  if (m.props.subject !== undefined) call.fields['rabbitstream.subject'] = m.props.subject;
  if (m.props['reply-to'] !== undefined) call.fields['msg.reply_to'] = m.props['reply-to'];
  return m;
}

export interface SubBatch {
  compression: string;
  records: number;
  uncompressedSize: number;
  /** The compressed (or not) body as sent: what publish and delivery share. */
  data: Uint8Array;
  /** The messages inside, when the body could be read. */
  messages?: Uint8Array[];
  warning?: string;
}

/**
 * A sub-batch entry's header from its first byte on (1 bit set, 3 bits compression, 4 reserved;
 * uint16 records; uint32 uncompressed length; uint32 length; body). `b` holds at least the entry.
 * Returns the entry and its size, or a reason it cannot be read.
 */
export function readSubBatch(b: Uint8Array, o: number, env: DecoderEnv): { entry: SubBatch; size: number } | string {
  if (b.length - o < 11) return 'sub-batch entry header runs past the end';
  const t = b[o];
  const cmp = (t >> 4) & 0x07;
  const records = (b[o + 1] << 8) | b[o + 2];
  const uncompressedSize = be32(b, o + 3);
  const length = be32(b, o + 7);
  if (length > b.length - o - 11) return `sub-batch entry of ${length} bytes runs past the end (${b.length - o - 11} left)`;
  const data = b.subarray(o + 11, o + 11 + length);
  const entry: SubBatch = { compression: COMPRESSION[cmp] ?? `type ${cmp}`, records, uncompressedSize, data };
  let plainBytes: Uint8Array | undefined;
  if (cmp === 0) plainBytes = data;
  else if (cmp === 1) {
    if (uncompressedSize > env.limits.maxDecompressedBytes) entry.warning = `gzip sub-batch of ${uncompressedSize} bytes uncompressed is larger than the decompression limit: not decoded`;
    else {
      try {
        plainBytes = env.compression.gunzip(data, env.limits.maxDecompressedBytes);
      } catch (e) {
        entry.warning = `gzip sub-batch: ${(e as Error).message}`;
      }
    }
  } else entry.warning = `${entry.compression} sub-batch: its messages are not decoded`;
  if (plainBytes) {
    const msgs: Uint8Array[] = [];
    let p = 0;
    while (p + 4 <= plainBytes.length && msgs.length < records && msgs.length < 10_000) {
      const n = be32(plainBytes, p);
      if (n > plainBytes.length - p - 4) {
        entry.warning = `sub-batch message ${msgs.length} of ${n} bytes runs past the end`;
        break;
      }
      msgs.push(plainBytes.subarray(p + 4, p + 4 + n));
      p += 4 + n;
    }
    if (!entry.warning && msgs.length !== records) entry.warning = `sub-batch says ${records} records, holds ${msgs.length}`;
    entry.messages = msgs;
  }
  return { entry, size: 11 + length };
}
