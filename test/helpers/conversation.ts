/** One TCP conversation (tcpConversation) through the whole pipeline with every decoder: its calls and flows. */
import { Pipeline } from '../../decoders/pipeline';
import { ALL_DECODERS } from '../../decoders/registry';
import type { Call, FlowSummary } from '../../decoders/core/model';
import { nodeEnv } from '../../cli/platform/node-env';
import { pcapFile, tcpConversation } from './pcap-builder';

/** 10.0.0.1:45000 → 10.0.0.2:`port`; `handshake` false: the capture joined the connection late. */
export function decodeConversation(port: number, exchanges: Array<{ dir: 'c2s' | 's2c'; data: Uint8Array }>, handshake: boolean): { calls: Call[]; flows: FlowSummary[] } {
  const calls: Call[] = [];
  const flows: FlowSummary[] = [];
  const p = new Pipeline({ env: nodeEnv(), decoders: ALL_DECODERS }, { call: (c) => calls.push(c), flow: (f) => flows.push(f) });
  p.push(pcapFile(tcpConversation({ client: { ip: '10.0.0.1', port: 45000 }, server: { ip: '10.0.0.2', port }, handshake, exchanges })));
  p.end();
  return { calls, flows };
}
