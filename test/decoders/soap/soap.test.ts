import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { soapRouter } from '../../../decoders/soap/index';
import { parseEnvelope, looksLikeEnvelope } from '../../../decoders/soap/envelope';
import { buildWsdlDefinitions, findOperation } from '../../../decoders/soap/wsdl';
import type { Call, HeaderList } from '../../../decoders/core/model';
import { nodeEnv } from '../../../cli/platform/node-env';
import { testSession } from '../../helpers/session';

function httpCall(reqCt: string, reqText: string, respText: string | undefined, status = 200, extra: HeaderList = []): Call {
  return {
    id: 1,
    protocol: 'http',
    kind: 'unary',
    state: 'complete',
    flowId: 1,
    client: { ip: '127.0.0.1', port: 1 },
    server: { ip: '127.0.0.1', port: 8700 },
    method: 'POST',
    target: '/svc',
    timing: { startUs: 0 },
    fields: {},
    frames: [1],
    warnings: [],
    http: {
      version: 'HTTP/1.1',
      method: 'POST',
      uri: '/svc',
      status,
      requestHeaders: [['Content-Type', reqCt], ...extra],
      requestBody: { size: reqText.length, kind: 'xml', contentType: reqCt, text: reqText },
      ...(respText !== undefined ? { responseBody: { size: respText.length, kind: 'xml' as const, contentType: reqCt, text: respText } } : {}),
    },
  };
}

function route(call: Call, env = nodeEnv()): Call {
  const s = testSession({ env });
  assert.ok(soapRouter.match(call));
  soapRouter.apply(call, s);
  return call;
}

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const S12 = 'http://www.w3.org/2003/05/soap-envelope';
const env11 = (body: string, header = '') => `<?xml version="1.0"?>\n<!-- c --><SOAP-ENV:Envelope xmlns:SOAP-ENV="${S11}">${header}<SOAP-ENV:Body>${body}</SOAP-ENV:Body></SOAP-ENV:Envelope>`;
const env12 = (body: string) => `<env:Envelope xmlns:env="${S12}"><env:Body>${body}</env:Body></env:Envelope>`;

describe('SOAP 1.1 (W3C Note 08 May 2000, section 4: Envelope, Header, Body; 4.4 Fault; 6.1.1 SOAPAction)', () => {
  it('request/response: operation from the first Body element, SOAPAction, header blocks, values as a tree', () => {
    const req = env11('<m:GetLastTradePrice xmlns:m="Some-URI"><symbol>DIS</symbol><symbol>IBM</symbol><when xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></m:GetLastTradePrice>', '<SOAP-ENV:Header><t:Transaction xmlns:t="some-URI" SOAP-ENV:mustUnderstand="1">5</t:Transaction></SOAP-ENV:Header>');
    const resp = env11('<m:GetLastTradePriceResponse xmlns:m="Some-URI"><Price>34.5</Price><Note>a &amp; b &lt;c&gt;</Note></m:GetLastTradePriceResponse>');
    const c = route(httpCall('text/xml; charset="utf-8"', req, resp, 200, [['SOAPAction', '"Some-URI"']]));
    assert.equal(c.protocol, 'soap');
    assert.equal(c.method, 'GetLastTradePrice');
    assert.deepEqual([c.fields['soap.version'], c.fields['soap.action'], c.fields['soap.header']], ['1.1', 'Some-URI', 'Transaction']);
    assert.deepEqual(c.request?.value, {
      Header: { Transaction: { '@SOAP-ENV:mustUnderstand': '1', '#text': '5' } },
      Body: { GetLastTradePrice: { symbol: ['DIS', 'IBM'], when: null } },
    });
    assert.deepEqual(c.response?.value, { Body: { GetLastTradePriceResponse: { Price: '34.5', Note: 'a & b <c>' } } });
    assert.deepEqual(c.warnings, []);
  });
  it('Fault: faultcode, faultstring, detail → error status', () => {
    const resp = env11('<SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode><faultstring>Server Error</faultstring><detail><e:myfaultdetails xmlns:e="Some-URI"><message>My application didn\'t work</message><errorcode>1001</errorcode></e:myfaultdetails></detail></SOAP-ENV:Fault>');
    const c = route(httpCall('text/xml', env11('<m:X xmlns:m="u"/>'), resp, 500, [['SOAPAction', '""']]));
    assert.deepEqual(c.status, { code: 'SOAP-ENV:Server', text: 'Server Error', ok: false });
    assert.equal(c.fields['soap.fault.string'], 'Server Error');
    assert.deepEqual(c.warnings, []);
  });
  it('missing SOAPAction is warned about', () => {
    const c = route(httpCall('text/xml', env11('<m:X xmlns:m="u"/>'), undefined));
    assert.ok(c.warnings.some((w) => /SOAPAction/.test(w)));
  });
});

describe('SOAP 1.2 (W3C Recommendation Part 1, 5.4 Fault: Code/Value/Subcode, Reason/Text; Part 2, 7.1.4 action parameter)', () => {
  it('action from the content type, Fault with subcodes and language-tagged reasons', () => {
    const fault = `<env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value xmlns:rpc="http://www.w3.org/2003/05/soap-rpc">rpc:BadArguments</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang="fr">Erreur</env:Text><env:Text xml:lang="en-US">Processing error</env:Text></env:Reason><env:Detail><e:myFaultDetails xmlns:e="http://travelcompany.example.org/faults"><e:errorcode>999</e:errorcode></e:myFaultDetails></env:Detail></env:Fault>`;
    const c = route(httpCall('application/soap+xml; charset=utf-8; action="http://ex/act"', env12('<p:reserve xmlns:p="http://ex"><p:n>1</p:n></p:reserve>'), env12(fault), 400));
    assert.equal(c.fields['soap.version'], '1.2');
    assert.equal(c.fields['soap.action'], 'http://ex/act');
    assert.equal(c.method, 'reserve');
    assert.deepEqual(c.status, { code: 'env:Sender', text: 'Processing error', ok: false });
    assert.equal(c.fields['soap.fault.subcode'], 'rpc:BadArguments');
    assert.deepEqual(c.warnings, []);
  });
  it('an unknown envelope namespace is read with a warning', () => {
    const e = parseEnvelope('<Envelope xmlns="urn:x"><Body><a/></Body></Envelope>', 64);
    assert.equal(e.first?.local, 'a');
    assert.equal(e.warnings.length, 1);
  });
});

describe('Refusals (XML 1.0 section 2.8/4.2: DTDs and entity declarations are never processed)', () => {
  it('a billion-laughs body is refused with a warning, never expanded', () => {
    let dtd = '<!DOCTYPE lolz [<!ENTITY lol "lol">';
    for (let i = 1; i < 10; i++) dtd += `<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`;
    dtd += ']>';
    const text = `<?xml version="1.0"?>${dtd}<soap:Envelope xmlns:soap="${S11}"><soap:Body><m:X xmlns:m="u">&lol9;</m:X></soap:Body></soap:Envelope>`;
    assert.ok(looksLikeEnvelope(text));
    const c = route(httpCall('text/xml', text, undefined, 200, [['SOAPAction', 'x']]));
    assert.equal(c.protocol, 'soap');
    assert.ok(c.warnings.some((w) => /DTD or entities: refused/.test(w)));
    assert.equal(c.request?.value, undefined);
    assert.ok(JSON.stringify(c).length < 10000);
  });
  it('nesting deeper than the limit is refused', () => {
    const deep = '<a>'.repeat(200) + '</a>'.repeat(200);
    const c = route(httpCall('text/xml', env11(deep), undefined, 200, [['SOAPAction', 'x']]));
    assert.ok(c.warnings.some((w) => /deeper/.test(w)));
  });
  it('XML-RPC and JSON bodies are not SOAP', () => {
    assert.equal(soapRouter.match(httpCall('text/xml', '<methodCall><methodName>a</methodName></methodCall>', undefined)), false);
    assert.equal(soapRouter.match(httpCall('application/json', '{"Envelope":1}', undefined)), false);
  });
});

const WSDL = `<?xml version="1.0"?>
<definitions name="StockQuote" targetNamespace="http://example.com/stockquote.wsdl"
  xmlns:tns="http://example.com/stockquote.wsdl" xmlns:xsd1="http://example.com/stockquote.xsd"
  xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns="http://schemas.xmlsoap.org/wsdl/">
  <message name="GetLastTradePriceInput"><part name="body" element="xsd1:TradePriceRequest"/></message>
  <message name="GetLastTradePriceOutput"><part name="body" element="xsd1:TradePrice"/></message>
  <message name="In2"><part name="tickerSymbol" type="xsd:string"/><part name="time" type="xsd:string"/></message>
  <portType name="StockQuotePortType">
    <operation name="GetLastTradePrice">
      <input message="tns:GetLastTradePriceInput"/><output message="tns:GetLastTradePriceOutput"/>
    </operation>
  </portType>
  <portType name="RpcPort">
    <operation name="GetTradePrice"><input message="tns:In2"/></operation>
  </portType>
  <binding name="StockQuoteSoapBinding" type="tns:StockQuotePortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="GetLastTradePrice"><soap:operation soapAction="http://example.com/GetLastTradePrice"/></operation>
  </binding>
  <binding name="RpcBinding" type="tns:RpcPort">
    <soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="GetTradePrice"><soap:operation soapAction=""/></operation>
  </binding>
  <service name="StockQuoteService"><port name="StockQuotePort" binding="tns:StockQuoteSoapBinding"><soap:address location="http://example.com/stockquote"/></port></service>
</definitions>`;

describe('WSDL 1.1 (W3C Note 15 March 2001: 2.3 messages/parts, 2.4 portTypes, 3.2–3.4 SOAP binding style and soapAction)', () => {
  const defs = buildWsdlDefinitions([{ path: '/w/stock.wsdl', text: WSDL }]);
  it('indexes operations with style, action, parts and positions', () => {
    assert.deepEqual(defs.warnings, []);
    const op = defs.operations[0];
    assert.deepEqual([op.name, op.portType, op.service, op.style, op.soapAction, op.line, op.column], ['GetLastTradePrice', 'StockQuotePortType', 'StockQuoteService', 'document', 'http://example.com/GetLastTradePrice', 9, 5]);
    assert.deepEqual(op.input, [{ name: 'body', element: 'TradePriceRequest' }]);
    assert.equal(defs.operations[1].style, 'rpc');
    assert.equal(findOperation(defs, '""', 'GetTradePrice', undefined)?.name, 'GetTradePrice');
  });
  it('links the call (document style by element, rpc style by name) and names the parts', () => {
    const env = { ...nodeEnv(), definitions: { wsdl: defs } };
    const c = route(httpCall('text/xml', env11('<x:TradePriceRequest xmlns:x="http://example.com/stockquote.xsd"><tickerSymbol>MSFT</tickerSymbol></x:TradePriceRequest>'), env11('<x:TradePrice xmlns:x="http://example.com/stockquote.xsd"><price>74.5</price></x:TradePrice>'), 200, [['SOAPAction', '"http://example.com/GetLastTradePrice"']]), env);
    assert.equal(c.method, 'GetLastTradePrice');
    assert.deepEqual(c.definition, { kind: 'wsdl-operation', name: 'StockQuotePortType.GetLastTradePrice', file: '/w/stock.wsdl', line: 9, column: 5 });
    assert.deepEqual((c.request?.value as { parts: unknown }).parts, { body: { tickerSymbol: 'MSFT' } });
    assert.deepEqual((c.response?.value as { parts: unknown }).parts, { body: { price: '74.5' } });
    const r = route(httpCall('text/xml', env11('<m:GetTradePrice xmlns:m="u"><tickerSymbol>X</tickerSymbol><time>now</time></m:GetTradePrice>'), undefined, 200, [['SOAPAction', '""']]), env);
    assert.deepEqual((r.request?.value as { parts: unknown }).parts, { tickerSymbol: 'X', time: 'now' });
    assert.equal(r.definition?.name, 'RpcPort.GetTradePrice');
  });
  it('a WSDL with a DTD is refused with a warning', () => {
    const d = buildWsdlDefinitions([{ path: 'x.wsdl', text: '<!DOCTYPE x [<!ENTITY a "b">]><definitions/>' }]);
    assert.equal(d.operations.length, 0);
    assert.equal(d.warnings.length, 1);
  });
});
