/**
 * Which files beside a capture are key logs, and a stamp of them — without the decoders (the
 * extension host imports this for its analysis cache key; reading them is platform/keylog.ts).
 */
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';

/** Key logs read beside one capture, at most. */
export const MAX_FILES = 16;

/** Does this file name look like a key log (`*.keys`, `*.keylog`, `sslkeylog*.txt|log`, `keylog*.txt|log`)? */
export function isKeyLogName(name: string): boolean {
  const n = name.toLowerCase();
  return n.endsWith('.keys') || n.endsWith('.keylog') || /^(ssl)?keylog.*\.(txt|log)$/.test(n);
}

/** The paths of the key logs beside a capture (its folder, not below): at most MAX_FILES, sorted by name; none when the folder cannot be listed. */
export async function keyLogFilesBeside(captureFile: string): Promise<string[]> {
  const dir = path.dirname(path.resolve(captureFile));
  try {
    return (await readdir(dir)).filter(isKeyLogName).sort().slice(0, MAX_FILES).map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

/**
 * What changes when the key logs of a capture change (the named files and those beside it: name,
 * size, time): part of the editor's analysis cache key, so a grown key log decodes again.
 */
export async function keyLogStamp(files: string[], captureFile: string): Promise<string> {
  const parts: string[] = [];
  for (const f of [...files, ...(await keyLogFilesBeside(captureFile))]) {
    try {
      const st = await stat(f);
      parts.push(`${f}:${st.size}:${Math.floor(st.mtimeMs)}`);
    } catch {
      parts.push(`${f}:-`);
    }
  }
  return parts.join('|');
}

