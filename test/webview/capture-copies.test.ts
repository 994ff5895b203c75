import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyRows } from '../../webview/capture-copies';
import type { Call, FlowSummary } from '../../decoders/core/model';

const call = (o: Partial<Call> = {}): Call => ({ id: 1, protocol: 'http', kind: 'unary', state: 'complete', flowId: 1, client: { ip: '10.0.0.1', port: 40000 }, server: { ip: '10.99.1.1', port: 28380 }, method: 'GET', timing: { startUs: 0 }, fields: {}, frames: [], warnings: [], ...o });
const flow = (o: Partial<FlowSummary> = {}): FlowSummary => ({
  id: 1, transport: 'tcp', client: { ip: '10.0.0.1', port: 40000 }, server: { ip: '10.99.1.1', port: 28380 }, protocol: 'http', dispatch: 'port',
  c2sBytes: 0, s2cBytes: 0, packets: 2, firstFrame: 1, startUs: 0, endUs: 0, synSeen: true, roleFrom: 'syn', gapBytes: { c2s: 0, s2c: 0 }, calls: 1, warnings: [], ...o,
});

describe('the Layers tab says what was captured more than once', () => {
  it('copies from other interfaces and the addresses after NAT', () => {
    const seen = [{ client: { ip: '10.0.0.1', port: 40000 }, server: { ip: '10.99.0.2', port: 80 }, interfaces: ['ifindex 2', 'veth1'] }];
    assert.deepEqual(copyRows(call({ alsoSeenAs: seen }), flow({ copies: { frames: 14, bytes: 2048, interfaces: ['br0'] } })), [
      ['Copies not counted', '14 frames (2 KiB) on br0: the same packets captured on other interfaces'],
      ['Also seen as (NAT)', '10.0.0.1:40000 → 10.99.0.2:80 on ifindex 2, veth1'],
    ]);
  });
  it("the flow's NAT when the call has none (a call from before it was known), nothing for an ordinary connection", () => {
    assert.equal(copyRows(call(), flow({ alsoSeenAs: [{ client: { ip: 'a', port: 1 }, server: { ip: 'b', port: 2 }, interfaces: [] }] }))[0][1], 'a:1 → b:2');
    assert.deepEqual(copyRows(call(), flow()), []);
    // IPv6 (a dual-stack cluster's NAT66): bracketed, as the CLI table and flow warnings write them
    const v6 = [{ client: { ip: 'fd00::5', port: 40000 }, server: { ip: 'fd00:99::2', port: 80 }, interfaces: ['ifindex 3'] }];
    assert.deepEqual(copyRows(call({ alsoSeenAs: v6 }), undefined), [['Also seen as (NAT)', '[fd00::5]:40000 → [fd00:99::2]:80 on ifindex 3']]);
    assert.deepEqual(copyRows(call(), undefined), []);
  });
});
