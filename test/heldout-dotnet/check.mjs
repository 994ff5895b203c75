// check.mjs OUT: compare what the .NET clients logged (one JSON line per call) with what callscope decoded
// (`node dist/cli.js CAPTURE --format jsonl`, with the WSDL files beside the captures, and again with
// --no-discover: typed by the WSDL fetched inside the capture), and WebSocket frames with tshark's count.
// One line per capture; exit 1 when anything differs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? '/tmp/heldout-dotnet';
const cli = join(import.meta.dirname, '../../dist/cli.js');
let failed = 0;
const decode = (pcap, ...opts) =>
  execFileSync('node', [cli, join(out, pcap), '--format', 'jsonl', ...opts], { encoding: 'utf8', maxBuffer: 1 << 28 })
    .trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const log = (name) => readFileSync(join(out, name), 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
function report(name, checks) {
  const bad = checks.filter(([, want, got]) => !same(want, got));
  failed += bad.length;
  const show = (v) => {
    const t = JSON.stringify(v) ?? 'undefined';
    return t.length > 160 ? `${t.slice(0, 150)}…(${t.length} chars)` : t;
  };
  console.log(`${bad.length ? 'FAIL' : 'ok  '} ${name}: ${checks.map(([what, want, got]) => `${what} ${show(got)}${same(want, got) ? '' : ` (want ${show(want)})`}`).join(', ')}`);
}
const warnings = (calls) => calls.flatMap((c) => c.warnings.map((w) => `${c.method}: ${w}`));

/** A value as both sides can be compared: dates as instants, keys sorted, a DataContract/XmlSerializer array wrapper ({string: […]}) as its array. */
function norm(v) {
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v)) return new Date(v).toISOString();
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === 'object') {
    const ks = Object.keys(v);
    if (ks.length === 1 && Array.isArray(v[ks[0]])) return norm(v[ks[0]]);
    return Object.fromEntries(ks.sort().map((k) => [k, norm(v[k])]));
  }
  return v;
}

/** The SOAP calls against the client's log: operation, arguments (the parts, in order), result or fault. */
function soapChecks(calls, logged, wrapped, service) {
  const soap = calls.filter((c) => c.protocol === 'soap');
  const args = (c) => {
    const p = c.request?.value?.parts;
    return norm(Object.values(wrapped && p?.parameters ? p.parameters : p ?? {}));
  };
  const result = (c) => {
    const p = c.response?.value?.parts;
    const v = p ? Object.values(wrapped && p.parameters ? p.parameters : p)[0] : null;
    return norm(v ?? null);
  };
  return [
    ['operations', logged.map((l) => l.op), soap.map((c) => c.method)],
    ['arguments', logged.map((l) => norm(Array.isArray(l.args) ? l.args : [l.args])), soap.map(args)],
    ['results', logged.map((l) => (l.fault ? 'fault' : norm(l.result))), soap.map((c) => (c.status?.ok === false ? 'fault' : result(c)))],
    ['fault texts', logged.filter((l) => l.fault).map((l) => l.fault.split('\n')[0].replace(/^System\.Web\.Services\.Protocols\.SoapException: /, '')), soap.filter((c) => c.status?.ok === false).map((c) => c.status.text.split('\n')[0].replace(/^System\.Web\.Services\.Protocols\.SoapException: /, ''))],
    ['linked to the WSDL', soap.length, soap.filter((c) => c.definition || c.fields['soap.wsdl']).length],
    ['service (the WSDL binding)', soap.map(() => service), soap.map((c) => c.fields['soap.service'])],
  ];
}

for (const m of ['basic', 'soap12']) {
  const pcap = `wcf-${m}.pcap`;
  if (!existsSync(join(out, pcap))) continue;
  const logged = log(`wcf-${m}.log`);
  for (const opts of [[], ['--no-discover']]) {
    const calls = decode(pcap, ...opts);
    const soap = calls.filter((c) => c.protocol === 'soap');
    const fd = soap.find((c) => c.method === 'FailDetail');
    const want = logged.find((l) => l.op === 'FailDetail')?.detail;
    report(`WCF ${m === 'basic' ? 'BasicHttpBinding (SOAP 1.1)' : 'SOAP 1.2 + WS-Addressing'}${opts.length ? ', WSDL learned from the capture' : ', WSDL beside the capture'}`, [
      ...soapChecks(calls, logged, true, 'service'),
      ['actions', soap.map((c) => `http://callscope.test/shop/IShop/${c.method}`), soap.map((c) => c.fields['soap.action'])],
      ['fault detail', want ? { Code: String(want.Code), Why: want.Why } : null, fd?.response?.value?.Body?.Fault?.detail?.OrderFault ?? fd?.response?.value?.Body?.Fault?.Detail?.OrderFault ?? null],
      ['warnings', [], warnings(calls).filter((w) => !/^HTTP: response without a request: the client sent none/.test(w))],
    ]);
  }
}

for (const v of ['11', '12']) {
  const pcap = `asmx${v}.pcap`;
  if (!existsSync(join(out, pcap))) continue;
  const logged = log(`asmx${v}.log`);
  const soapLogged = logged.filter((l, i) => i < logged.length - (v === '11' ? 3 : 0));
  for (const opts of [[], ['--no-discover']]) {
    const calls = decode(pcap, ...opts);
    const soap = calls.filter((c) => c.protocol === 'soap');
    // rpc/encoded (Concat): the parts are the operation's children; document/literal wrapped: one `parameters` part
    const checks = soapChecks(calls, soapLogged, true, 'Calc');
    const forms = calls.filter((c) => c.protocol === 'http' && /^\/Calc\.asmx\/\w+/.test(c.target ?? ''));
    const formsLogged = logged.slice(soapLogged.length);
    report(`.asmx SOAP ${v === '11' ? '1.1' : '1.2'}${opts.length ? ', WSDL learned from the capture' : ', WSDL beside the capture'}`, [
      ...checks,
      ['versions', soap.map(() => (v === '11' ? '1.1' : '1.2')), soap.map((c) => c.fields['soap.version'])],
      ['fault codes', logged.filter((l) => l.fault).map((l) => l.code), soap.filter((c) => c.status?.ok === false).map((c) => c.status.code.replace(/^soap:/, ''))],
      ['HTTP GET/POST forms', formsLogged.map((l) => l.status ?? 200), forms.map((c) => c.http?.status)],
      ['form results', formsLogged.filter((l) => l.result).map((l) => l.result), forms.filter((c) => c.http?.status === 200).map((c) => c.response?.body?.text)],
      ['warnings', [], warnings(calls)],
    ]);
  }
}

if (existsSync(join(out, 'http.pcap'))) {
  const logged = log('http.log');
  const calls = decode('http.pcap');
  const http = calls.filter((c) => c.protocol === 'http' && c.http?.method);
  const ws = calls.filter((c) => c.protocol === 'websocket');
  const httpLogged = logged.filter((l) => l.op !== 'ws');
  // a redirect the client followed, and a 401 challenge it answered with its credentials, are two exchanges on the wire
  const wire = http.filter((c) => c.http.status !== 302 && c.http.status !== 401 && c.http.status !== 101);
  // (a JSON body is decoded as its value)
  const bodyOf = (c) => (c.response?.body?.value !== undefined ? c.response.body.value : c.response?.body?.text);
  const loggedBody = (l) => (/^[{[]/.test(l.body) ? JSON.parse(l.body) : l.body);
  const tshark = execFileSync('tshark', ['-r', join(out, 'http.pcap'), '-Y', 'websocket', '-T', 'fields', '-e', 'tcp.srcport', '-e', 'websocket.opcode', '-e', 'websocket.fin'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .trim().split('\n').filter(Boolean).map((r) => r.split('\t'));
  const wsMsgs = ws.filter((c) => c.method === 'text' || c.method === 'binary');
  const wsText = (c) => { const b = c.request?.body ?? c.response?.body; return b?.text ?? (b?.size === 0 ? '' : undefined); };
  const wsLogged = logged.filter((l) => l.op === 'ws' && l.dir);
  report('HttpClient / HttpWebRequest / WebClient / ClientWebSocket', [
    ['exchanges', httpLogged.map((l) => `${l.op.split('?')[0].replace('/redirect', '/echo')} ${l.status}`), wire.map((c) => `${c.http.method} ${c.target.split('?')[0]} ${c.http.status}`)],
    ['redirect', 1, http.filter((c) => c.http.status === 302).length],
    ['bodies', httpLogged.filter((l) => typeof l.body === 'string').map(loggedBody), wire.filter((_c, i) => typeof httpLogged[i]?.body === 'string').map(bodyOf)],
    ['401 then the credentials', ['401 /auth', '200 /auth'], http.filter((c) => c.target === '/auth').map((c) => `${c.http.status} ${c.target}`)],
    ['chunked upload', 3003, http.find((c) => c.target === '/echo?chunked')?.request?.body?.size],
    ['HTTP/1.0 request', 'HTTP/1.0', http.find((c) => c.target === '/cookie?http10')?.http.version],
    ['1 MiB body size', 1 << 20, http.find((c) => c.target === '/big')?.response?.body?.size],
    ['Expect: 100-continue interim', 1, http.filter((c) => c.http.interim?.some((i) => i.status === 100)).length],
    ['websocket messages (client log)', wsLogged.map((l) => `${l.dir} ${l.type} ${l.len}`), wsMsgs.map((c) => `${c.fields['websocket.dir']} ${c.method} ${c.fields['websocket.payload_size'] ?? c.messages?.reduce((n, m) => n + m.size, 0)}`)],
    ['websocket messages (tshark: final data frames)', tshark.filter(([, op, fin]) => op !== '8' && fin === '1').length, wsMsgs.length],
    ['fragmented message', 2, wsMsgs.find((c) => c.fields['websocket.dir'] === 'c2s' && wsText(c) === 'frag-mented')?.frames.length],
    ['echoed texts', wsLogged.filter((l) => l.dir === 's2c' && l.text !== undefined).map((l) => l.text), wsMsgs.filter((c) => c.fields['websocket.dir'] === 's2c' && c.method === 'text' && wsText(c)?.length < 100).map(wsText)],
    ['close', '1000', ws.find((c) => c.method === 'close')?.status?.code?.toString()],
    ['warnings', [], warnings(calls).filter((w) => !/^HTTP: response without a request: the client sent none/.test(w))],
  ]);
}

if (existsSync(join(out, 'amqp.pcap'))) {
  const logged = log('amqp.log');
  const calls = decode('amqp.pcap');
  const text = (c) => c.request?.body?.text ?? c.response?.body?.text;
  for (const v of ['0-8', '0-9']) {
    const l = logged.filter((x) => x.proto === v);
    const cs = calls.filter((c) => c.fields['amqp.version'] === v);
    const pubs = cs.filter((c) => c.method === 'basic.publish');
    const dels = cs.filter((c) => c.kind === 'deliver');
    report(`RabbitMQ.Client 1.x, AMQP ${v}`, [
      ['publishes', l.filter((x) => x.what === 'publish').map((x) => x.body), pubs.map(text)],
      ['deliveries', l.filter((x) => x.what === 'get' && x.body || x.what === 'deliver').map((x) => x.body), dels.map(text)],
      ['get-empty', l.filter((x) => x.what === 'get-empty').length, cs.filter((c) => c.status?.code === 'get-empty' || c.status?.text === 'get-empty').length],
      ['rejected', l.filter((x) => x.what === 'reject').length, dels.filter((c) => c.fields['amqp.ack'] === 'reject').length],
      ['rolled back', ['rolled back'], pubs.filter((c) => text(c) === 'tx-rollback').map((c) => c.status?.code)],
      ['refused', l.filter((x) => x.what === 'refused').map((x) => x.code), cs.filter((c) => c.method === 'queue.declare' && c.status?.ok === false).map((c) => c.status.code)],
      ['connection.close', 1, cs.filter((c) => c.method === 'connection.close' && c.status?.ok !== false).length],
      ['headers (a Hashtable: any order)', norm({ n: 7, s: 'x' }), norm(pubs[0]?.request?.value?.properties?.headers)],
      ['warnings', [], warnings(cs)],
    ]);
  }
  report('AMQP 0-8/0-9 connections', [['undecoded', 0, calls.filter((c) => c.method === 'protocol-header').length]]);
}

process.exit(failed ? 1 : 0);
