/** The starting shape of every call (what `DecoderSession.newCall` returns). */
import type { Call } from './model';
import type { FlowInfo, Position } from './decoder';

export function newCallOn(flow: FlowInfo, id: number, protocol: string, at: Position): Call {
  return {
    id,
    protocol,
    kind: 'unary',
    state: 'pending',
    flowId: flow.id,
    client: flow.client,
    server: flow.server,
    method: '',
    timing: { startUs: at.tsUs },
    fields: {},
    frames: [at.frame],
    warnings: [],
  };
}
