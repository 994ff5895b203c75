/**
 * Put TLS secrets into a pcapng capture file, as `editcap --inject-secrets tls,KEYLOG` does: one or
 * more Decryption Secrets Blocks right after the first Section Header Block, so that any reader
 * (callscope, Wireshark) knows them before the first packet. The file is rewritten through a
 * temporary file beside it (streamed: never the whole capture in memory) and renamed over it.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { firstSectionHeader, tlsSecretsBlock } from '../../decoders/capture/dsb';

/** Key log text per block at most (the reader takes DSBs of up to 16 MiB). */
const BLOCK_TEXT = 8 << 20;

/** Key log text cut at line ends into pieces of at most BLOCK_TEXT characters. */
export function keyLogPieces(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + BLOCK_TEXT);
    if (end < text.length) {
      const nl = text.lastIndexOf('\n', end - 1);
      if (nl >= start) end = nl + 1;
    }
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

/**
 * Rewrite `file` with `keyLog` (NSS key log lines) in Decryption Secrets Blocks after its Section
 * Header Block. False (the file untouched) when it is not a pcapng file or there is nothing to add.
 */
export async function injectTlsSecrets(file: string, keyLog: string): Promise<boolean> {
  if (!keyLog) return false;
  const head = new Uint8Array(12);
  const fh = await open(file, 'r');
  let got: number;
  try {
    ({ bytesRead: got } = await fh.read(head, 0, 12, 0));
  } finally {
    await fh.close();
  }
  const shb = firstSectionHeader(head.subarray(0, got));
  if (!shb) return false;
  const blocks = keyLogPieces(keyLog).map((t) => tlsSecretsBlock(t, shb.littleEndian));
  const tmp = `${file}.secrets-${process.pid}.tmp`;
  try {
    await pipeline(
      async function* () {
        yield* createReadStream(file, { start: 0, end: shb.end - 1 });
        for (const b of blocks) yield b;
        yield* createReadStream(file, { start: shb.end });
      },
      createWriteStream(tmp),
    );
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  return true;
}
