/**
 * Which side sent some bytes, by what they say: for a connection the capture joined late, whose
 * client and server were guessed from the ports (DecoderSpec.rolesReversed).
 */
import type { Dir } from './model';

export type Side = 'client' | 'server';

/**
 * True when the heads say the guess is backwards: a message only a server sends in the bytes taken
 * for the client's, or one only a client sends in the server's, and nothing that says the guess is right.
 */
export function rolesBackwards(heads: Record<Dir, Uint8Array>, sidesOf: (head: Uint8Array) => ReadonlySet<Side>): boolean {
  const c2s = sidesOf(heads.c2s);
  const s2c = sidesOf(heads.s2c);
  return (c2s.has('server') || s2c.has('client')) && !c2s.has('client') && !s2c.has('server');
}
