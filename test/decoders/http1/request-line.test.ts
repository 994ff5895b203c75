/**
 * Request lines that break RFC 9112 §3 (`method SP request-target SP HTTP-version`, single spaces)
 * and §3.2 (a request-target holds no whitespace), as vulnerability scanners send them: the server
 * may answer 400 or read the line word by word; the request is shown either way, with a warning.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { probeHttp1 } from '../../../decoders/http1/index';
import { parseRequestLine } from '../../../decoders/http1/message';
import { calls, enc } from './feed';

const SPACED = 'GET /cgi-bin/handler/netsonar;cat /etc/passwd|?data=Download HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

describe('request lines outside RFC 9112 §3', () => {
  it('a target with spaces is probed once its line is in (§3.2: invalid, but a request)', () => {
    assert.equal(probeHttp1(enc(SPACED), 'c2s'), 'accept');
    // the line not finished: wait for it
    assert.equal(probeHttp1(enc(SPACED.slice(0, 70)), 'c2s'), 'need-more');
    // a line whose last word is no HTTP version is not HTTP
    assert.equal(probeHttp1(enc('GET /some words that go on and on past sixty-four bytes of head\r\n'), 'c2s'), 'reject');
    assert.equal(probeHttp1(enc(`GET /a b${' c'.repeat(3000)}`), 'c2s'), 'reject');
    // short lines decide at once
    assert.equal(probeHttp1(enc('GET /a b HTTP/1.0\r\n'), 'c2s'), 'accept');
    assert.equal(probeHttp1(enc('GET /a b HTTP/9\r\n'), 'c2s'), 'reject');
  });

  it('parseRequestLine and the decoder take the target up to the last space before the version', () => {
    assert.deepEqual(parseRequestLine('GET /a b  HTTP/1.1'), { method: 'GET', uri: '/a b', version: 'HTTP/1.1' });
    assert.equal(parseRequestLine('GET a b HTTP/1.1'), undefined);
    const [c] = calls([
      { dir: 'c2s', data: SPACED },
      { dir: 's2c', data: 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n' },
    ]);
    assert.equal(c.method, 'GET');
    assert.equal(c.target, '/cgi-bin/handler/netsonar;cat /etc/passwd|?data=Download');
    assert.equal(c.status?.code, 400);
    assert.deepEqual(c.warnings, ['request line: the target holds spaces (RFC 9112 §3.2 allows none); read up to the last space before the version']);
  });

  it('runs of spaces between the parts are read (§3: a recipient MAY) and said', () => {
    const [c] = calls([
      { dir: 'c2s', data: 'GET      /x HTTP/1.1\r\nHost: a\r\n\r\n' },
      { dir: 's2c', data: 'HTTP/1.1 204 No Content\r\n\r\n' },
    ]);
    assert.equal(c.target, '/x');
    assert.deepEqual(c.warnings, ['request line: its three parts are not separated by single spaces (RFC 9112 §3)']);
    const [ok] = calls([
      { dir: 'c2s', data: 'GET /x HTTP/1.1\r\nHost: a\r\n\r\n' },
      { dir: 's2c', data: 'HTTP/1.1 204 No Content\r\n\r\n' },
    ]);
    assert.deepEqual(ok.warnings, []);
  });
});
