/**
 * XML-RPC bodies cut by the capture (second HTTP held-out round, go-lab cut by editcap -s 256).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { calls } from '../http1/feed';

describe('XML-RPC request cut inside <methodName> by a snaplen', () => {
  it('is an xmlrpc call named "?" whose response is still read, not "POST (XML-RPC)" with a parser error', () => {
    const rq = '<?xml version="1.0"?><methodCall><methodName>echo</methodName><params><param><value><int>1</int></value></param></params></methodCall>';
    const rs = '<?xml version="1.0"?><methodResponse><params><param><value><int>1</int></value></param></params></methodResponse>';
    const keep = rq.indexOf('<methodName>') + 8;
    const [c] = calls([
      { dir: 'c2s', data: `POST /RPC2 HTTP/1.1\r\nHost: h\r\nContent-Type: text/xml\r\nContent-Length: ${rq.length}\r\n\r\n${rq.slice(0, keep)}` },
      { dir: 'c2s', data: '', gap: rq.length - keep },
      { dir: 's2c', data: `HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${rs.length}\r\n\r\n${rs}` },
    ]);
    assert.equal(c.protocol, 'xmlrpc');
    assert.equal(c.method, '?');
    assert.equal(c.fields['xmlrpc.method'], undefined);
    assert.equal(c.request?.value, undefined);
    assert.equal(c.response?.value, 1);
    assert.ok(c.warnings.includes('XML-RPC request: body not captured whole: method name not read'), c.warnings.join(' | '));
    assert.ok(!c.warnings.some((w) => /not well-formed/.test(w)), c.warnings.join(' | '));
  });
});
