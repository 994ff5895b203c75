/**
 * Key log files (NSS `SSLKEYLOGFILE` format) for TLS decryption: the ones the user names
 * (`--tls-keylog FILE`, the `callscope.tls.keylogFile` setting) and the ones found beside the
 * capture: in the capture's folder (not below), files whose name ends in `.keys` or `.keylog`, or
 * starts with `sslkeylog` or `keylog` and ends in `.txt` / `.log`. Bounded: at most MAX_FILES
 * files found beside, each read up to MAX_FILE_BYTES.
 */
import { open, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError, osReason } from './analyze';
import { KeyLog } from '../../decoders/tls/keylog';
import { MAX_FILES, isKeyLogName } from './keylog-files';

export { isKeyLogName, keyLogStamp } from './keylog-files';

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

/** The key logs in the capture's folder (see the header), sorted by name. Unreadable ones are skipped. */
export async function keyLogsBeside(captureFile: string): Promise<{ text: string; files: string[] }> {
  const dir = path.dirname(path.resolve(captureFile));
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return { text: '', files: [] };
  }
  const files: string[] = [];
  let text = '';
  for (const name of names.filter(isKeyLogName).sort().slice(0, MAX_FILES)) {
    const file = path.join(dir, name);
    try {
      text += `${await readKeyLog(file)}\n`;
      files.push(file);
    } catch {
      // a directory or an unreadable file with a key log's name: not one
    }
  }
  return { text, files };
}

/** Why a key log the user named is of no use (no entry callscope reads), or undefined. */
export function keyLogProblem(file: string, text: string): string | undefined {
  const k = new KeyLog();
  k.add(text);
  if (k.size > 0) return undefined;
  return k.malformed > 0
    ? `${file}: ${k.malformed} key log line${k.malformed === 1 ? '' : 's'} could not be read (expected LABEL <64 hex digits> <hex secret>): no TLS secrets from it`
    : `${file}: no TLS secrets in it (expected NSS key log lines: CLIENT_RANDOM …, CLIENT_TRAFFIC_SECRET_0 …)`;
}

/**
 * The named key logs (a missing one is a UserError; one without secrets a warning), then, with
 * `captureFile`, those beside it.
 */
export async function loadKeyLogs(opts: { files: string[]; captureFile?: string }): Promise<{ text: string; files: string[]; warnings: string[] }> {
  let text = '';
  const files: string[] = [];
  const warnings: string[] = [];
  for (const f of opts.files) {
    const t = await readKeyLog(f);
    const problem = keyLogProblem(f, t);
    if (problem) warnings.push(problem);
    text += `${t}\n`;
    files.push(path.resolve(f));
  }
  if (opts.captureFile) {
    const beside = await keyLogsBeside(opts.captureFile);
    for (const f of beside.files) if (!files.includes(f)) files.push(f);
    text += beside.text;
  }
  return { text, files, warnings };
}
