import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../../decoders/core/model';
import { parseXmlRpc, dateTimeToIso } from '../../../decoders/xmlrpc/index';
import { calls } from '../http1/feed';

/** One HTTP POST /RPC2 exchange carrying these XML documents. */
function exchange(requestXml: string, responseXml?: string, ct = 'text/xml'): Call[] {
  const rq = new TextEncoder().encode(requestXml);
  const head = `POST /RPC2 HTTP/1.1\r\nHost: localhost:8000\r\nUser-Agent: Python-xmlrpc/3.12\r\nContent-Type: ${ct}\r\nContent-Length: ${rq.length}\r\n\r\n`;
  const packets = [{ dir: 'c2s' as const, data: head + requestXml }];
  if (responseXml !== undefined) {
    const rs = new TextEncoder().encode(responseXml);
    packets.push({ dir: 's2c' as const, data: `HTTP/1.0 200 OK\r\nServer: BaseHTTP/0.6 Python/3.12\r\nContent-type: text/xml\r\nContent-length: ${rs.length}\r\n\r\n${responseXml}` } as never);
  }
  return calls(packets);
}

const call = (name: string, params: string[]) =>
  `<?xml version='1.0'?>\n<methodCall>\n<methodName>${name}</methodName>\n<params>\n${params.map((p) => `<param>\n<value>${p}</value>\n</param>\n`).join('')}</params>\n</methodCall>\n`;
const response = (value: string) => `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value>${value}</value>\n</param>\n</params>\n</methodResponse>\n`;
const fault = (code: number, text: string) =>
  `<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>${code}</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>${text}</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n`;

describe('XML-RPC spec: request (methodCall) and response', () => {
  it('turns POST /RPC2 into an xmlrpc call: fun_add(2, 3) → 5', () => {
    const cs = exchange(call('fun_add', ['<int>2</int>', '<int>3</int>']), response('<int>5</int>'));
    assert.equal(cs.length, 1);
    const c = cs[0];
    assert.equal(c.protocol, 'xmlrpc');
    assert.equal(c.method, 'fun_add');
    assert.equal(c.target, '/RPC2');
    assert.deepEqual(c.request?.value, [2, 3]);
    assert.equal(c.response?.value, 5);
    assert.deepEqual(c.status, { code: 200, text: 'OK', ok: true });
    assert.equal(c.fields['xmlrpc.method'], 'fun_add');
    assert.equal(c.fields['http.request.method'], 'POST');
    assert.equal(c.http?.method, 'POST');
    assert.deepEqual(c.warnings, []);
  });
  it('reports a fault as status {faultCode, faultString, ok: false}', () => {
    const c = exchange(call('fun_div', ['<int>1</int>', '<int>0</int>']), fault(1, "&lt;class 'ZeroDivisionError'&gt;:division by zero"))[0];
    assert.deepEqual(c.status, { code: 1, text: "<class 'ZeroDivisionError'>:division by zero", ok: false });
    assert.deepEqual(c.response?.value, { faultCode: 1, faultString: "<class 'ZeroDivisionError'>:division by zero" });
    assert.equal(c.fields['xmlrpc.fault.code'], 1);
  });
  it('matches without a content type, not with an unrelated XML root', () => {
    assert.equal(exchange(call('a', []), response('<int>1</int>'), '')[0].protocol, 'xmlrpc');
    // Another root is not XML-RPC (here SOAP's router may claim it).
    assert.notEqual(exchange('<soap:Envelope xmlns:soap="x"/>', '<ok/>')[0].protocol, 'xmlrpc');
  });
  it('keeps the request when the response has not come', () => {
    const c = exchange(call('slow', ['<string>x</string>']))[0];
    assert.equal(c.protocol, 'xmlrpc');
    assert.equal(c.state, 'incomplete');
    assert.deepEqual(c.request?.value, ['x']);
  });
});

describe('XML-RPC spec: scalar values', () => {
  const v = (xml: string) => {
    const w: string[] = [];
    const d = parseXmlRpc(call('m', [xml]), 64, w);
    assert.equal(d.kind, 'call');
    return (d as { params: unknown[] }).params[0];
  };
  it('i4, int, i8 (beyond 2^53 as a string)', () => {
    assert.equal(v('<i4>-12</i4>'), -12);
    assert.equal(v('<int> 42 </int>'), 42);
    assert.equal(v('<i8>9007199254740993</i8>'), '9007199254740993');
    assert.equal(v('<ex:i8>5</ex:i8>'), 5);
  });
  it('boolean, double, string and untyped string', () => {
    assert.equal(v('<boolean>1</boolean>'), true);
    assert.equal(v('<boolean>0</boolean>'), false);
    assert.equal(v('<double>-12.214</double>'), -12.214);
    assert.equal(v('<string>a &amp; b &#x263A; &#65;</string>'), 'a & b ☺ A');
    assert.equal(v('  untyped  '), '  untyped  ');
    assert.equal(v('<string><![CDATA[<raw> &amp;]]></string>'), '<raw> &amp;');
    assert.equal(v('<string></string>'), '');
  });
  it('dateTime.iso8601 keeps the text and adds ISO 8601', () => {
    assert.deepEqual(v('<dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>'), { dateTime: '19980717T14:08:55', iso: '1998-07-17T14:08:55' });
    assert.equal(dateTimeToIso('2024-01-02T03:04:05Z'), '2024-01-02T03:04:05Z');
  });
  it('base64 decodes to {base64, size, text}', () => {
    assert.deepEqual(v('<base64>eW91IGNhbid0IHJlYWQgdGhpcyE=</base64>'), { base64: 'eW91IGNhbid0IHJlYWQgdGhpcyE=', size: 20, text: "you can't read this!" });
    assert.deepEqual(v('<base64>AP8=</base64>'), { base64: 'AP8=', size: 2 });
  });
  it('nil and ex:nil', () => {
    assert.equal(v('<nil/>'), null);
    assert.equal(v('<ex:nil/>'), null);
  });
});

describe('XML-RPC spec: struct and array', () => {
  it('decodes nested structs and arrays in order', () => {
    const w: string[] = [];
    const d = parseXmlRpc(
      call('m', [
        '<struct><member><name>name</name><value><string>Ada</string></value></member><member><name>tags</name><value><array><data><value><int>1</int></value><value>two</value><value><array><data></data></array></value></data></array></value></member><member><name>__proto__</name><value>p</value></member></struct>',
      ]),
      64,
      w,
    ) as { params: unknown[] };
    const s = d.params[0] as Record<string, unknown>;
    assert.equal(s.name, 'Ada');
    assert.deepEqual(s.tags, [1, 'two', []]);
    assert.equal(Object.getOwnPropertyDescriptor(s, '__proto__')?.value, 'p');
    assert.deepEqual(w, []);
  });
  it('bounds nesting depth', () => {
    let x = '<int>1</int>';
    for (let i = 0; i < 100; i++) x = `<array><data><value>${x}</value></data></array>`;
    assert.throws(() => parseXmlRpc(call('deep', [x]), 16, []), /nested deeper/);
    const c = exchange(call('deep', [x]), response('<int>1</int>'))[0];
    assert.ok(c.warnings.some((w) => /nested deeper/.test(w)));
  });
});

describe('system.multicall (the de-facto extension)', () => {
  it('becomes a batch with one child per inner call, results and faults paired', () => {
    const entry = (name: string, args: string) => `<value><struct><member><name>methodName</name><value><string>${name}</string></value></member><member><name>params</name><value><array><data>${args}</data></array></value></member></struct></value>`;
    const rq = call('system.multicall', [`<array><data>${entry('add', '<value><int>2</int></value><value><int>3</int></value>')}${entry('div', '<value><int>1</int></value><value><int>0</int></value>')}</data></array>`]);
    const rs = response(
      `<array><data><value><array><data><value><int>5</int></value></data></array></value><value><struct><member><name>faultCode</name><value><int>1</int></value></member><member><name>faultString</name><value><string>division by zero</string></value></member></struct></value></data></array>`,
    );
    const cs = exchange(rq, rs);
    const outer = cs.find((c) => c.method === 'system.multicall')!;
    assert.equal(outer.kind, 'batch');
    assert.equal(outer.childIds?.length, 2);
    const kids = outer.childIds!.map((id) => cs.find((c) => c.id === id)!);
    assert.deepEqual(
      kids.map((k) => [k.method, k.request?.value, k.response?.value, k.status?.ok, k.parentId]),
      [
        ['add', [2, 3], 5, true, outer.id],
        ['div', [1, 0], { faultCode: 1, faultString: 'division by zero' }, false, outer.id],
      ],
    );
    assert.equal(kids[1].status?.text, 'division by zero');
  });
});

describe('XML 1.0 §4.2 entity declarations are refused (billion laughs)', () => {
  it('refuses a DTD with entities, never expands them', () => {
    const lol = `<?xml version="1.0"?>\n<!DOCTYPE methodCall [\n<!ENTITY lol "lol">\n<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n<methodCall><methodName>&lol3;</methodName></methodCall>`;
    const t0 = Date.now();
    const c = exchange(lol, response('<int>1</int>'))[0];
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(c.protocol, 'xmlrpc');
    assert.ok(c.warnings.some((w) => /DTD or entities: refused/.test(w)), JSON.stringify(c.warnings));
    assert.ok(!JSON.stringify(c).includes('lollollol'));
  });
  it('leaves unknown entity references literal', () => {
    const d = parseXmlRpc(call('m', ['<string>&ext;</string>']), 64, []) as { params: unknown[] };
    assert.equal(d.params[0], '&ext;');
  });
});

describe('system.multicall refused at the HTTP level (RFC 9110 §15.5.5 404 for the whole batch)', () => {
  // Python xmlrpc.client MultiCall → npm xmlrpc 1.3 server, which has no system.multicall: HTTP 404, empty chunked body.
  const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));
  const head = hex('504f5354202f5250433220485454502f312e310d0a486f73743a203132372e302e302e313a393435300d0a4163636570742d456e636f64696e673a20677a69700d0a436f6e74656e742d547970653a20746578742f786d6c0d0a557365722d4167656e743a20507974686f6e2d786d6c7270632f332e31310d0a436f6e74656e742d4c656e6774683a203637380d0a0d0a');
  const body = hex('3c3f786d6c2076657273696f6e3d27312e30273f3e0a3c6d6574686f6443616c6c3e0a3c6d6574686f644e616d653e73797374656d2e6d756c746963616c6c3c2f6d6574686f644e616d653e0a3c706172616d733e0a3c706172616d3e0a3c76616c75653e3c61727261793e3c646174613e0a3c76616c75653e3c7374727563743e0a3c6d656d6265723e0a3c6e616d653e6d6574686f644e616d653c2f6e616d653e0a3c76616c75653e3c737472696e673e6164643c2f737472696e673e3c2f76616c75653e0a3c2f6d656d6265723e0a3c6d656d6265723e0a3c6e616d653e706172616d733c2f6e616d653e0a3c76616c75653e3c61727261793e3c646174613e0a3c76616c75653e3c696e743e313c2f696e743e3c2f76616c75653e0a3c76616c75653e3c696e743e323c2f696e743e3c2f76616c75653e0a3c2f646174613e3c2f61727261793e3c2f76616c75653e0a3c2f6d656d6265723e0a3c2f7374727563743e3c2f76616c75653e0a3c76616c75653e3c7374727563743e0a3c6d656d6265723e0a3c6e616d653e6d6574686f644e616d653c2f6e616d653e0a3c76616c75653e3c737472696e673e6164643c2f737472696e673e3c2f76616c75653e0a3c2f6d656d6265723e0a3c6d656d6265723e0a3c6e616d653e706172616d733c2f6e616d653e0a3c76616c75653e3c61727261793e3c646174613e0a3c76616c75653e3c696e743e333c2f696e743e3c2f76616c75653e0a3c76616c75653e3c696e743e343c2f696e743e3c2f76616c75653e0a3c2f646174613e3c2f61727261793e3c2f76616c75653e0a3c2f6d656d6265723e0a3c2f7374727563743e3c2f76616c75653e0a3c2f646174613e3c2f61727261793e3c2f76616c75653e0a3c2f706172616d3e0a3c2f706172616d733e0a3c2f6d6574686f6443616c6c3e0a');
  const resp = hex('485454502f312e3120343034204e6f7420466f756e640d0a446174653a205361742c203231204e6f7620323032362032313a34333a303020474d540d0a436f6e6e656374696f6e3a206b6565702d616c6976650d0a4b6565702d416c6976653a2074696d656f75743d350d0a5472616e736665722d456e636f64696e673a206368756e6b65640d0a0d0a300d0a0d0a');
  it('gives every entry the batch answer (404, not ok), complete and without a warning', () => {
    const cs = calls([{ dir: 'c2s', data: head }, { dir: 'c2s', data: body }, { dir: 's2c', data: resp }]);
    const outer = cs.find((c) => c.method === 'system.multicall')!;
    assert.equal(outer.kind, 'batch');
    assert.deepEqual(outer.status, { code: 404, text: 'Not Found', ok: false });
    const inner = cs.filter((c) => c.parentId === outer.id);
    assert.deepEqual(inner.map((c) => [c.method, c.request?.value]), [['add', [1, 2]], ['add', [3, 4]]]);
    for (const c of inner) {
      assert.equal(c.state, 'complete');
      assert.deepEqual(c.status, { code: 404, text: 'Not Found', ok: false });
      assert.deepEqual(c.warnings, []);
    }
  });
});

describe('Bodies not captured whole (snaplen, loss): XML 1.0 §2.1 well-formedness is not assumed of a cut document', () => {
  /** The exchange with the last `cut` bytes of each body replaced by a capture gap. */
  function cutExchange(requestXml: string, responseXml: string, cutReq: number, cutResp: number): Call[] {
    const rq = new TextEncoder().encode(requestXml);
    const rs = new TextEncoder().encode(responseXml);
    return calls([
      { dir: 'c2s', data: `POST /RPC2 HTTP/1.1\r\nHost: h\r\nContent-Type: text/xml\r\nContent-Length: ${rq.length}\r\n\r\n` + requestXml.slice(0, rq.length - cutReq) },
      ...(cutReq ? [{ dir: 'c2s' as const, data: '', gap: cutReq }] : []),
      { dir: 's2c', data: `HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${rs.length}\r\n\r\n` + responseXml.slice(0, rs.length - cutResp) },
      ...(cutResp ? [{ dir: 's2c' as const, data: '', gap: cutResp }] : []),
    ]);
  }
  it('a cut request keeps its method and the params captured whole, never a value invented from an unclosed tag', () => {
    // as npm xmlrpc sends it, cut inside the second <double>
    const req = '<?xml version="1.0"?><methodCall><methodName>add</methodName><params><param><value><double>1.5</double></value></param><param><value><double>2.25</double></value></param></params></methodCall>';
    const [c] = cutExchange(req, response('<double>3.75</double>'), 48, 0);
    assert.equal(c.protocol, 'xmlrpc');
    assert.equal(c.method, 'add');
    assert.deepEqual(c.request?.value, [1.5]);
    assert.equal(c.response?.value, 3.75);
    assert.ok(c.warnings.includes('XML-RPC request: body not captured whole: only its first 1 param read'), c.warnings.join('; '));
  });
  it('a request cut before its first param still names the method; a cut fault is still a fault', () => {
    const [c] = cutExchange(call('fun_div', ['<int>1</int>', '<int>0</int>']), fault(1, 'division by zero'), 100, 40);
    assert.equal(c.method, 'fun_div');
    assert.deepEqual(c.request?.value, []);
    assert.deepEqual(c.status, { code: 'fault', text: 'fault not captured whole', ok: false });
  });
});
