/**
 * Resynchronisation after a capture gap or a PDU that made no sense: the shared scan of the
 * length-framed decoders (AMQP, MQTT, Kafka, WebSocket, ZMTP). Each decoder says where a PDU may
 * start (`plausible`); this drops the bytes before the first such offset, a bounded window at a
 * time, so a stream of garbage costs linear time and no memory.
 */

/** Can a PDU start at `b[i]`? 'more': not enough bytes yet to tell. */
export type StartVerdict = 'yes' | 'no' | 'more';

/** What a scan needs of a decoder's buffer of one direction. */
export interface ScanBuffer {
  readonly length: number;
  /** The first `n` buffered bytes in one piece (it may give more). */
  view(n: number): Uint8Array;
  consume(n: number): void;
}

export interface ScanResult {
  /** A PDU starts at the head of the buffer now. */
  found: boolean;
  /** Whether the head is still the first byte after the gap (no byte was dropped since). */
  afterGap: boolean;
}

/**
 * Drop buffered bytes up to the first offset where `plausible` says a PDU starts. `afterGap`: the
 * head is the first byte after a gap, where a decoder may accept a start on less evidence
 * (`strict` false); everywhere else `strict` is true. `final`: a gap follows the buffered bytes,
 * so a start cut short must be judged on what there is. Returns when a start is at the head, when
 * more bytes are needed to tell, or when the buffer is empty.
 */
export function scanForStart(
  buf: ScanBuffer,
  afterGap: boolean,
  final: boolean,
  plausible: (b: Uint8Array, i: number, final: boolean, strict: boolean) => StartVerdict,
  window = 64 * 1024,
): ScanResult {
  while (buf.length > 0) {
    const n = Math.min(buf.length, window);
    const b = buf.view(n);
    const last = n === buf.length;
    let i = 0;
    for (; i < n; i++) {
      const v = plausible(b, i, final && last, i > 0 || !afterGap);
      if (v === 'yes') {
        buf.consume(i);
        return { found: true, afterGap: false };
      }
      if (v === 'more') break;
    }
    buf.consume(i);
    if (i > 0) afterGap = false;
    if (i < n) return { found: false, afterGap };
  }
  return { found: false, afterGap };
}
