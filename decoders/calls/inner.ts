/**
 * The inner calls of a call that carries several (a JSON-RPC batch, an XML-RPC or JSON-RPC `system.multicall`): each
 * a child with the parent's timing, frames and target, at most `limits.maxMessagesPerCall` of them (one warning on
 * the parent past that). The parent's `childIds` are set from what `make` returned.
 */
import type { Call } from '../core/model';
import type { DecoderSession } from '../core/decoder';

export function innerCalls<T>(parent: Call, session: DecoderSession, protocol: string, items: readonly T[], what: string, make: (child: Call, item: T, index: number) => void): void {
  const at = { frame: parent.frames[0] ?? 0, tsUs: parent.timing.startUs, streamOffset: parent.ranges?.request?.[0]?.offset ?? 0 };
  const limit = session.env.limits.maxMessagesPerCall;
  const ids: number[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i >= limit) {
      parent.warnings.push(`${what}: only the first ${limit} ${what === 'batch' ? 'requests' : 'calls'} listed`);
      break;
    }
    const child = session.newCall(protocol, at);
    child.kind = 'unary';
    child.parentId = parent.id;
    child.timing = { ...parent.timing };
    child.frames = parent.frames.slice();
    child.target = parent.target;
    make(child, items[i], i);
    ids.push(child.id);
    session.emit(child);
  }
  parent.childIds = ids;
}
