/**
 * Progress of a long run on stderr, one line rewritten in place, as `dd status=progress` or curl do:
 * only when stderr is a terminal (never in pipes, files or tests), only after the first second, at
 * most five times a second, and cleared before anything else is printed there.
 */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export class Progress {
  private shown = false;
  private last = 0;
  private readonly start: number;

  constructor(
    private readonly out: ProgressStream,
    /** False when the report would land among the output (stdout on the same terminal, streamed). */
    private readonly enabled = out.isTTY === true,
    private readonly delayMs = 1000,
    private readonly now: () => number = Date.now,
  ) {
    this.start = now();
  }

  /** How far the capture has been read. */
  decoding(bytesRead: number, fileBytes: number, calls?: number): void {
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.start < this.delayMs || t - this.last < 200) return;
    this.last = t;
    const pct = fileBytes > 0 ? Math.min(100, Math.floor((100 * bytesRead) / fileBytes)) : 0;
    const mb = (n: number) => (n / 1e6).toFixed(n < 1e8 ? 1 : 0);
    const counted = calls !== undefined ? `, ${calls.toLocaleString('en-US')} calls` : '';
    // (a pipe has no size: what came so far)
    let line = fileBytes > 0 ? `callscope: decoding ${pct}% (${mb(bytesRead)} of ${mb(fileBytes)} MB${counted})` : `callscope: decoding (${mb(bytesRead)} MB read${counted})`;
    // (a terminal that reports no width: 80 columns)
    const width = (this.out.columns || 80) - 1;
    if (line.length > width) line = line.slice(0, Math.max(0, width));
    this.out.write(`\r\x1b[K${line}`);
    this.shown = true;
  }

  /** Remove the line (before a warning, before the output, at the end). */
  clear(): void {
    if (!this.shown) return;
    this.out.write('\r\x1b[K');
    this.shown = false;
  }
}
