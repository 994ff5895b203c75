import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/http1/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { testSession } from '../../helpers/session';

const T = (s: string) => new TextEncoder().encode(s);

describe('RFC 9112 §2.2 message parsing when a capture cut the header section (snaplen)', () => {
  it('the request and status lines captured before the gap still make an (incomplete) call', () => {
    const s = testSession();
    const d = spec.create(s) as StreamDecoder;
    const req = 'GET /persons/1234 HTTP/1.1\r\nHost: 127.0.0.1:8010\r\nUser-Ag';
    d.data('c2s', T(req), { frame: 4, tsUs: 1_000, streamOffset: 0 });
    d.gap('c2s', 80, { frame: 4, tsUs: 1_000, streamOffset: req.length });
    const resp = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConte';
    d.data('s2c', T(resp), { frame: 6, tsUs: 2_000, streamOffset: 0 });
    d.gap('s2c', 300, { frame: 6, tsUs: 2_000, streamOffset: resp.length });
    d.close({ frame: 7, tsUs: 3_000, streamOffset: 0 });
    assert.equal(s.calls.length, 1);
    const c = s.calls[0];
    assert.equal(c.method, 'GET');
    assert.equal(c.target, '/persons/1234');
    assert.equal(c.status?.code, 200);
    assert.equal(c.state, 'incomplete');
    assert.ok(c.warnings.some((w) => /cut by the capture gap/.test(w)));
  });
  it('bytes that are not a start line before the gap make no call', () => {
    const s = testSession();
    const d = spec.create(s) as StreamDecoder;
    d.data('c2s', T('xx garbage'), { frame: 1, tsUs: 1, streamOffset: 0 });
    d.gap('c2s', 10, { frame: 1, tsUs: 1, streamOffset: 10 });
    d.close({ frame: 2, tsUs: 2, streamOffset: 0 });
    assert.equal(s.calls.length, 0);
  });
});
