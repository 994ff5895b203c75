/**
 * Key log files (NSS `SSLKEYLOGFILE` format) for TLS decryption: the ones the user names
 * (`--tls-keylog FILE`, the `callscope.tls.keylogFile` setting) and the ones found beside the
 * capture: in the capture's folder (not below), files whose name ends in `.keys` or `.keylog`, or
 * starts with `sslkeylog` or `keylog` and ends in `.txt` / `.log`. Bounded: at most MAX_FILES
 * files found beside, each read up to MAX_FILE_BYTES.
 */
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError, osReason } from './analyze';
import { MAX_LINE, keyLogEntry, keyLogLines } from '../../decoders/tls/keylog';
import { keyLogFilesBeside } from './keylog-files';

export const MAX_FILE_BYTES = 64 << 20;

/** Read one key log (at most MAX_FILE_BYTES). Throws UserError with the OS reason. */
export async function readKeyLog(file: string): Promise<string> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new UserError(`${file}: ${osReason(e)}`);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new UserError(`${file}: is a directory`);
    const n = Math.min(st.size, MAX_FILE_BYTES);
    const buf = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      const { bytesRead } = await fh.read(buf, got, n - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got).toString('latin1');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${file}: ${osReason(e)}`);
  } finally {
    await fh.close();
  }
}

/**
 * The key logs in the capture's folder (see the header), sorted by name, but those in `skip`
 * (absolute paths: already read). Unreadable ones are skipped.
 */
export async function keyLogsBeside(captureFile: string, skip: string[] = []): Promise<{ text: string }> {
  let text = '';
  for (const file of await keyLogFilesBeside(captureFile)) {
    if (skip.includes(file)) continue;
    try {
      text += `${await readKeyLog(file)}\n`;
    } catch {
      // a directory or an unreadable file with a key log's name: not one
    }
  }
  return { text };
}

/**
 * Why a key log the user named is of no use (no entry callscope reads), or undefined. Stops at its
 * first entry: the text is parsed into the store once, by the decoding environment.
 */
export function keyLogProblem(file: string, text: string): string | undefined {
  let malformed = 0;
  let found = false;
  keyLogLines(text, (line) => {
    const e = line === undefined ? 'malformed' : keyLogEntry(line);
    if (e === 'malformed') malformed++;
    else if (e) found = true;
    return found;
  });
  if (found) return undefined;
  return malformed > 0
    ? `${file}: ${malformed} key log line${malformed === 1 ? '' : 's'} could not be read (expected LABEL <64 hex digits> <hex secret>): no TLS secrets from it`
    : `${file}: no TLS secrets in it (expected NSS key log lines: CLIENT_RANDOM …, CLIENT_TRAFFIC_SECRET_0 …)`;
}

/**
 * The named key logs (one without secrets is a warning; a missing or unreadable one a UserError,
 * or with `unreadable: 'warn'` a warning), then, with `captureFile`, those beside it.
 */
export async function loadKeyLogs(opts: { files: string[]; captureFile?: string; unreadable?: 'throw' | 'warn' }): Promise<{ text: string; warnings: string[] }> {
  let text = '';
  const read: string[] = [];
  const warnings: string[] = [];
  for (const f of opts.files) {
    let t: string;
    try {
      t = await readKeyLog(f);
    } catch (e) {
      if (opts.unreadable !== 'warn' || !(e instanceof UserError)) throw e;
      warnings.push(`${e.message} (not read)`);
      continue;
    }
    const problem = keyLogProblem(f, t);
    if (problem) warnings.push(problem);
    text += `${t}\n`;
    read.push(path.resolve(f));
  }
  if (opts.captureFile) text += (await keyLogsBeside(opts.captureFile, read)).text;
  return { text, warnings };
}

// ── live capture: following a key log as it grows ────────────────────────────────────────────

/** How often a followed key log is looked at (ms). */
export const TAIL_INTERVAL_MS = 250;
/** Read in steps of this many bytes. */
const TAIL_STEP = 1 << 20;
/** Bytes kept from the end of what was read, to tell a file rewritten in place from one appended to. */
const TAIL_CHECK = 64;

export interface KeyLogTailOptions {
  /** Default TAIL_INTERVAL_MS. */
  intervalMs?: number;
  /** Bytes read at most over the whole follow, re-reads included (default MAX_FILE_BYTES). */
  maxBytes?: number;
  /** A problem with the file (said once each). */
  warn?(message: string): void;
}

/**
 * Follows a key log while a live capture runs: the client appends a line per handshake, so what is
 * new since the last look (every `intervalMs`) is read and handed on, whole lines only (an
 * unfinished last line waits for its end). A file truncated, rewritten or replaced (another inode:
 * rotation, an editor's save) is read again from its start (the store keeps each secret once). A
 * missing file is waited for (the client creates it with its first handshake). Bounded: `maxBytes`
 * read in all, then it stops following, said once.
 */
export class KeyLogTail {
  private readonly intervalMs: number;
  private readonly maxBytes: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** The file being read (device:inode), how far, and the bytes before that point. */
  private ident: string | undefined;
  private offset = 0;
  private last = new Uint8Array(0);
  /** The start of an unfinished last line. */
  private partial = '';
  private warned = new Set<string>();
  /** Bytes read so far (all files, re-reads included). */
  bytesRead = 0;
  /** Times the file was read again from its start (truncated, rewritten, replaced). */
  restarts = 0;

  constructor(
    readonly file: string,
    private readonly onText: (text: string) => void,
    private readonly opts: KeyLogTailOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? TAIL_INTERVAL_MS;
    this.maxBytes = opts.maxBytes ?? MAX_FILE_BYTES;
  }

  /** Read what is there now, then look again every `intervalMs` until `stop`. */
  async start(): Promise<void> {
    await this.poll();
    if (this.stopped || this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref?.();
  }

  /** One look (a look already under way is waited for instead). */
  poll(): Promise<void> {
    this.running ??= this.read().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stop following, after a last look; an unfinished last line is handed on as it is. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    await this.poll();
    this.stopped = true;
    if (this.partial) this.emit(`${this.partial}\n`);
    this.partial = '';
  }

  private warn(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.opts.warn?.(message);
  }

  private emit(text: string): void {
    try {
      this.onText(text);
    } catch (e) {
      this.warn('consumer', `could not take its secrets: ${(e as Error).message}`);
    }
  }

  private restart(ident: string | undefined): void {
    if (this.ident !== undefined && this.offset > 0) this.restarts++;
    this.ident = ident;
    this.offset = 0;
    this.last = new Uint8Array(0);
    this.partial = '';
  }

  private async read(): Promise<void> {
    if (this.stopped) return;
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(this.file, 'r');
    } catch (e) {
      // Not there (yet, or any more: a new one is read from its start when it comes).
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') this.restart(undefined);
      else this.warn('open', `cannot read it: ${osReason(e)}`);
      return;
    }
    try {
      const st = await fh.stat();
      if (st.isDirectory()) return this.warn('dir', 'is a directory, not a key log');
      const ident = `${st.dev}:${st.ino}`;
      if (ident !== this.ident || st.size < this.offset) this.restart(ident);
      while (st.size > this.offset && !this.stopped) {
        const room = this.maxBytes - this.bytesRead;
        if (room <= 0) return this.warn('max', `${this.maxBytes} bytes read from it: the rest is not followed`);
        // Read again the bytes before `offset`: changed, the file was rewritten, and is read from its start.
        const back = this.last.length;
        const n = Math.min(st.size - this.offset, room, TAIL_STEP);
        const buf = Buffer.alloc(back + n);
        let got = 0;
        while (got < buf.length) {
          const { bytesRead } = await fh.read(buf, got, buf.length - got, this.offset - back + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        if (got < back || !buf.subarray(0, back).equals(this.last)) {
          this.restart(ident);
          continue;
        }
        const fresh = buf.subarray(back, got);
        if (fresh.length === 0) return;
        this.bytesRead += fresh.length;
        this.offset += fresh.length;
        const keep = buf.subarray(Math.max(0, got - TAIL_CHECK), got);
        this.last = new Uint8Array(keep);
        this.take(fresh.toString('latin1'));
      }
    } catch (e) {
      this.warn('read', `cannot read it: ${osReason(e)}`);
    } finally {
      await fh.close();
    }
  }

  /** Hand on the whole lines; keep the unfinished last one (an overlong one goes on as it is: the store counts it as malformed). */
  private take(text: string): void {
    const all = this.partial + text;
    const cut = all.lastIndexOf('\n');
    if (cut < 0) {
      this.partial = all;
    } else {
      this.partial = all.slice(cut + 1);
      this.emit(all.slice(0, cut + 1));
    }
    if (this.partial.length > MAX_LINE) {
      this.emit(`${this.partial}\n`);
      this.partial = '';
    }
  }
}

/**
 * A key log named for a live capture: 'missing' when it does not exist yet (the client will write
 * it), else undefined. A directory or a file that cannot be read: UserError.
 */
export async function liveKeyLogState(file: string): Promise<'missing' | undefined> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new UserError(`${file}: ${osReason(e)}`);
  }
  try {
    if ((await fh.stat()).isDirectory()) throw new UserError(`${file}: is a directory`);
    return undefined;
  } finally {
    await fh.close();
  }
}
