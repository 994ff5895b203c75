/**
 * Why a call that is still waiting when its connection closes never got its answer. A connection
 * that ended (FIN both ways, RST) will never bring it: the exchange was cut short ('aborted'); at the
 * end of the capture (or when the ports were reused) the answer may simply not have been captured
 * ('incomplete'). Shared by the broker decoders' close().
 */
import type { CloseReason } from '../core/decoder';

/** 'reset (TCP RST)' / 'closed (TCP FIN both ways)', or undefined when the connection did not end. */
export function endedBy(how?: CloseReason): string | undefined {
  return how === 'rst' ? 'reset (TCP RST)' : how === 'fin' ? 'closed (TCP FIN both ways)' : undefined;
}

/** State and warning for a call left waiting at close: `what` names the missing answer ("reply", "receipt"…). */
export function leftWaiting(how: CloseReason | undefined, what: string, atCaptureEnd: string): { state: 'aborted' | 'incomplete'; warning: string } {
  const gone = endedBy(how);
  return gone ? { state: 'aborted', warning: `no ${what}: the connection was ${gone} first` } : { state: 'incomplete', warning: atCaptureEnd };
}
