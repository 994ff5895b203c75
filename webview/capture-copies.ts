/**
 * The details' Layers rows about copies of a connection's packets: the frames captured again on
 * other interfaces (FlowSummary.copies) and the other addresses it was captured with (NAT:
 * Call.alsoSeenAs, FlowSummary.alsoSeenAs). See docs/decoders.md, "Copies of a packet".
 */
import type { Call, FlowSummary } from '../decoders/core/model';
import { endpointLabel } from '../decoders/export/common';
import { formatSize } from './format';

export function copyRows(call: Call, flow: FlowSummary | undefined): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const c = flow?.copies;
  if (c) rows.push(['Copies not counted', `${c.frames} frames (${formatSize(c.bytes)})${c.interfaces.length ? ` on ${c.interfaces.join(', ')}` : ''}: the same packets captured on other interfaces`]);
  for (const a of call.alsoSeenAs ?? flow?.alsoSeenAs ?? []) {
    rows.push(['Also seen as (NAT)', `${endpointLabel(a.client)} → ${endpointLabel(a.server)}${a.interfaces.length ? ` on ${a.interfaces.join(', ')}` : ''}`]);
  }
  return rows;
}
