/**
 * A body cut at the preview limit (maxBodyBytes: our limit, the capture has the bytes) is told
 * apart from one the capture cut (snaplen, a gap): the warnings of the JSON body, of the content
 * coding and of the RPC routers (JSON-RPC, XML-RPC, SOAP) say which.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { calls, type Packet } from '../http1/feed';
import { nodeEnv } from '../../../cli/platform/node-env';
import { bodyCut, cutOf, decodeContentCodings, decodeHttpBody } from '../../../decoders/http-common/body';

const env = nodeEnv({ limits: { maxBodyBytes: 40 } });
const PREVIEW = 'longer than the 40 bytes preview (--max-body, callscope.maxBodyBytes)';

function post(ct: string, request: string, response?: string, extra = ''): Packet[] {
  const p: Packet[] = [{ dir: 'c2s', data: `POST /rpc HTTP/1.1\r\nHost: h\r\nContent-Type: ${ct}\r\n${extra}Content-Length: ${Buffer.byteLength(request, 'latin1')}\r\n\r\n${request}` }];
  if (response !== undefined) p.push({ dir: 's2c', data: `HTTP/1.1 200 OK\r\nContent-Type: ${ct}\r\nContent-Length: ${Buffer.byteLength(response, 'latin1')}\r\n\r\n${response}` });
  return p;
}

describe('a body cut at the preview limit is not said to be cut by the capture', () => {
  it('cutOf and bodyCut: fewer bytes than the limit kept means the capture had no more', () => {
    assert.equal(cutOf(40, 40, env.limits), undefined);
    assert.equal(cutOf(40, 41, env.limits), 'preview');
    assert.equal(cutOf(39, 41, env.limits), 'capture');
    const big = decodeHttpBody(new TextEncoder().encode('{"a":"' + 'x'.repeat(34)), 100, [['Content-Type', 'application/json']], env);
    assert.equal(bodyCut(big.body), 'preview');
    assert.deepEqual(big.warnings, ['JSON body longer than the 40 bytes preview (--max-body, callscope.maxBodyBytes), not cut by the capture: kept as text']);
    const small = decodeHttpBody(new TextEncoder().encode('{"a":1'), 100, [['Content-Type', 'application/json']], env);
    assert.equal(bodyCut(small.body), 'capture');
  });

  it('a content coding that fails on a cut body says which cut it was', () => {
    const failing = { ...env, compression: { ...env.compression, gunzip: () => { throw new Error('unexpected end of file'); } } };
    const w: string[] = [];
    decodeContentCodings(new Uint8Array(40), ['gzip'], failing, w, 'preview');
    decodeContentCodings(new Uint8Array(10), ['gzip'], failing, w, 'capture');
    decodeContentCodings(new Uint8Array(10), ['gzip'], failing, w);
    assert.deepEqual(w, [`gzip body ${PREVIEW}: the preview alone could not be decoded`, 'gzip body not captured whole: not decoded', 'gzip body is corrupt: unexpected end of file']);
  });

  it('JSON-RPC: a request and a response longer than the preview (the JSON body says so too: shown as text)', () => {
    const req = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'put', params: ['y'.repeat(60)] });
    const resp = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { data: 'z'.repeat(60) } });
    const [c] = calls(post('application/json', req, resp), { env });
    assert.equal(c.method, 'put');
    assert.ok(c.warnings.includes(`JSON-RPC request: body ${PREVIEW}: params not read`), c.warnings.join(' | '));
    assert.ok(c.warnings.includes(`JSON-RPC response: body ${PREVIEW}: result read in part`), c.warnings.join(' | '));
    assert.ok(c.warnings.includes(`request body: JSON body ${PREVIEW}, not cut by the capture: kept as text`), c.warnings.join(' | '));
    assert.ok(!c.warnings.some((w) => /captured whole/.test(w)), c.warnings.join(' | '));
  });

  it('XML-RPC: params past the preview', () => {
    const req = `<?xml version="1.0"?><methodCall><methodName>m</methodName><params><param><value><i4>1</i4></value></param><param><value><string>${'s'.repeat(60)}</string></value></param></params></methodCall>`;
    const [c] = calls(post('text/xml', req), { env: nodeEnv({ limits: { maxBodyBytes: 110 } }) });
    assert.equal(c.method, 'm');
    assert.ok(c.warnings.includes('XML-RPC request: body longer than the 110 bytes preview (--max-body, callscope.maxBodyBytes): only its first 1 param read'), c.warnings.join(' | '));
    assert.ok(!c.warnings.some((w) => /captured/.test(w)), c.warnings.join(' | '));
  });

  it('SOAP: an envelope past the preview', () => {
    const req = `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Get><id>${'1'.repeat(80)}</id></Get></soap:Body></soap:Envelope>`;
    const [c] = calls(post('text/xml', req, undefined, 'SOAPAction: "urn:Get"\r\n'), { env: nodeEnv({ limits: { maxBodyBytes: 130 } }) });
    assert.equal(c.protocol, 'soap');
    assert.ok(c.warnings.includes('SOAP request body longer than the 130 bytes preview (--max-body, callscope.maxBodyBytes): operation named, values not read'), c.warnings.join(' | '));
    assert.ok(!c.warnings.some((w) => /captured/.test(w)), c.warnings.join(' | '));
  });
});
