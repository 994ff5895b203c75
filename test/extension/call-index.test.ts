import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CallIndex } from '../../extension/analysis/call-index';
import { toRow } from '../../extension/analysis/rows';
import type { Call } from '../../decoders/core/model';
import { makeCall } from './builders';

describe('call index columns as narrow as their values', () => {
  const n = 70_000;
  const callAt = (i: number): Call =>
    makeCall({
      id: i + 1,
      flowId: i * 70,
      method: `M${i % 300}`,
      target: `/t/${i}`,
      client: { ip: '10.0.0.1', port: 1000 + (i % 400) },
      status: { code: 100 + (i % 280), ok: true },
      timing: { startUs: 1_000_000 + i, endUs: 1_000_000 + i + (i % 1000) },
      request: { headers: [], wireBytes: i * 3 },
    } as Partial<Call>);
  const dec = (i: number) => ({ defId: i % 5 === 0 ? -1 : i % 300, warnings: i === 69_999 ? 100_000 : i % 400 });
  const ix = new CallIndex();
  for (let i = 0; i < n; i++) ix.add(callAt(i), i * 1000, i, dec(i));

  test('values recorded before a column widened are kept', () => {
    for (let i = 0; i < n; i += i < 300 ? 1 : 97) {
      const c = callAt(i);
      const { warnings, hasDefinition, ...row } = ix.row(i, {});
      const { warnings: _w, hasDefinition: _h, ...want } = toRow(c);
      assert.deepEqual(row, want, `position ${i}`);
      assert.equal(warnings, Math.min(0xffff, dec(i).warnings));
      assert.equal(hasDefinition, dec(i).defId >= 0);
      assert.equal(ix.defIdAt(i), dec(i).defId);
      assert.equal(ix.lengths[i], i);
      assert.equal(ix.field(i, 'size'), i * 3);
      assert.equal(ix.field(i, 'flow'), i * 70);
    }
    assert.equal(ix.warningsAt(69_999), 0xffff);
  });

  test('columns are no wider than their values need', () => {
    assert.equal(ix.method.BYTES_PER_ELEMENT, 2);
    assert.equal(ix.target.BYTES_PER_ELEMENT, 4);
    assert.equal(ix.status.BYTES_PER_ELEMENT, 2);
    assert.equal(ix.host.BYTES_PER_ELEMENT, 1);
    assert.equal(ix.server.BYTES_PER_ELEMENT, 1);
    assert.equal(ix.client.BYTES_PER_ELEMENT, 2);
    assert.equal(ix.flowId.BYTES_PER_ELEMENT, 4);
  });

  test('decoration set again (relinking) widens too', () => {
    const small = new CallIndex();
    small.add(makeCall({ id: 1 }), 0, 1, { defId: -1, warnings: 0 });
    small.add(makeCall({ id: 2 }), 2, 1, { defId: 3, warnings: 2 });
    small.setDecoration(0, { defId: 1000, warnings: 300 });
    small.setDecoration(1, { defId: -1, warnings: 0 });
    assert.equal(small.defIdAt(0), 1000);
    assert.equal(small.warningsAt(0), 300);
    assert.equal(small.row(0, {}).hasDefinition, true);
    assert.equal(small.defIdAt(1), -1);
    assert.equal(small.row(1, {}).hasDefinition, false);
  });

  test('sorts read the narrow columns the same', () => {
    const positions = Uint32Array.from({ length: n }, (_, i) => i);
    positions.sort(ix.comparator({ key: 'target', dir: 'asc' }));
    for (let k = 1; k < n; k++) assert.ok(`/t/${positions[k - 1]}` < `/t/${positions[k]}`, `at ${k}`);
    positions.sort(ix.comparator({ key: 'size', dir: 'desc' }));
    assert.equal(positions[0], n - 1);
  });
});

describe('lifeline names through a forward proxy (RFC 9110 §9.3.6 CONNECT)', () => {
  const proxy = { ip: '127.0.0.1', port: 23750 };
  const http = (method: string, host: string, fields: Record<string, string> = {}) =>
    makeCall({ method, protocol: 'http', server: proxy, target: method === 'CONNECT' ? host : '/', http: { version: 'HTTP/1.1', method, uri: '/', host }, fields } as Partial<Call>);
  test('a CONNECT, the calls inside its tunnel and an absolute-form request name the proxy, not the Host they carry; other calls keep their Host', () => {
    const absolute = http('GET', 'origin.example');
    absolute.http!.uri = 'http://origin.example/ok.json';
    const calls = [http('CONNECT', '127.0.0.1:23751'), http('GET', '127.0.0.1:23751', { 'http.proxy_tunnel': '127.0.0.1:23751' }), absolute, http('GET', 'api.example')];
    const ix = new CallIndex();
    calls.forEach((c, i) => ix.add(c, i * 100, 100, { defId: -1, warnings: 0 }));
    const want = ['proxy :23750', 'proxy :23750', 'proxy :23750', 'api.example'];
    assert.deepEqual(calls.map((c) => toRow(c).serverName), want);
    assert.deepEqual(calls.map((_, i) => ix.row(i, {}).serverName), want);
  });
});
