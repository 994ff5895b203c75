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
import { keyLogEntry, keyLogLines } from '../../decoders/tls/keylog';
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
