import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { soapRouter } from '../../../decoders/soap/index';
import { parseEnvelope, looksLikeEnvelope } from '../../../decoders/soap/envelope';
import { buildWsdlDefinitions, findOperation } from '../../../decoders/soap/wsdl';
import type { Call } from '../../../decoders/core/model';
import { nodeEnv } from '../../../cli/platform/node-env';
import { testSession } from '../../helpers/session';
import { serialize } from 'node:v8';
import { httpCall } from './http-call';

/** Is this string stored one byte per character? (V8's serializer tags one-byte strings `"`, two-byte `c`) */
function isOneByte(s: string): boolean {
  return serialize(s)[2] === 0x22;
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
    assert.deepEqual(op.input, [{ name: 'body', element: 'TradePriceRequest', elementQ: { ns: 'http://example.com/stockquote.xsd', local: 'TradePriceRequest' } }]);
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
  it('names that go into every call are stored one byte per character, even from a two-byte WSDL text', () => {
    // "→" makes V8 hold the whole text two bytes per character; names sliced from it would stay so.
    const two = buildWsdlDefinitions([{ path: '/w/stock.wsdl', text: WSDL.replace('<definitions', '<!-- → --><definitions') }]);
    const op = two.operations[0];
    assert.deepEqual([op.name, op.portType, op.service], ['GetLastTradePrice', 'StockQuotePortType', 'StockQuoteService']);
    assert.equal(isOneByte(op.name), true);
    assert.equal(isOneByte(op.portType), true);
    assert.equal(isOneByte(op.service!), true);
  });
  it('a WSDL with a DTD is refused with a warning', () => {
    const d = buildWsdlDefinitions([{ path: 'x.wsdl', text: '<!DOCTYPE x [<!ENTITY a "b">]><definitions/>' }]);
    assert.equal(d.operations.length, 0);
    assert.equal(d.warnings.length, 1);
  });
});

const XSI_DECL = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';
const ENC11 = 'http://schemas.xmlsoap.org/soap/encoding/';

describe('Values typed by xsi:type (XML Schema Part 1 section 2.6.1; SOAP 1.1 section 5.1 rule 2, 5.4.2 arrays; SOAP 1.2 Part 2 section 3.1.4)', () => {
  it('built-ins become numbers and booleans, encoded arrays become arrays, without any WSDL', () => {
    // as Perl SOAP::Lite writes rpc/encoded calls: every value carries its xsi:type
    const req = env11(`<m:describe xmlns:m="urn:Inventory" ${XSI_DECL} xmlns:soapenc="${ENC11}"><c-gensym5><size xsi:type="xsd:int">3</size><ratio xsi:type="xsd:float">2.5</ratio><big xsi:type="xsd:long">9007199254740993</big><ok xsi:type="xsd:boolean">1</ok><name xsi:type="xsd:string"> box </name><when xsi:type="xsd:dateTime">2024-01-02T03:04:05Z</when><none xsi:nil="true"/></c-gensym5><Array soapenc:arrayType="xsd:string[2]" xsi:type="soapenc:Array"><item xsi:type="xsd:string">a</item><item xsi:type="xsd:string">b</item></Array></m:describe>`);
    const c = route(httpCall('text/xml', req, undefined, 200, [['SOAPAction', '"urn:Inventory#describe"']]));
    assert.deepEqual(c.request?.value, {
      Body: { describe: { 'c-gensym5': { size: 3, ratio: 2.5, big: '9007199254740993', ok: true, name: ' box ', when: '2024-01-02T03:04:05Z', none: null }, Array: ['a', 'b'] } },
    });
    assert.deepEqual(c.warnings, []);
  });
  it('the array item type comes from soapenc:arrayType when the items carry none; SOAP 1.2 enc:itemType too', () => {
    const req = env11(`<m:sum xmlns:m="u" ${XSI_DECL} xmlns:SOAP-ENC="${ENC11}"><values SOAP-ENC:arrayType="xsd:int[3]"><item>1</item><item>-2</item><item>30</item></values></m:sum>`);
    const c = route(httpCall('text/xml', req, undefined, 200, [['SOAPAction', '""']]));
    assert.deepEqual(c.request?.value, { Body: { sum: { values: [1, -2, 30] } } });
    const req12 = env12(`<m:sum xmlns:m="u" ${XSI_DECL} xmlns:enc="http://www.w3.org/2003/05/soap-encoding"><values enc:itemType="xsd:double" enc:arraySize="2"><item>0.5</item><item>1e3</item></values></m:sum>`);
    const c12 = route(httpCall('application/soap+xml', req12, undefined));
    assert.deepEqual(c12.request?.value, { Body: { sum: { values: [0.5, 1000] } } });
  });
  it('a value that is not of its type stays text, with a warning', () => {
    const c = route(httpCall('text/xml', env11(`<m:x xmlns:m="u" ${XSI_DECL}><n xsi:type="xsd:int">12abc</n><b xsi:type="xsd:boolean">yes</b><d xsi:type="xsd:double">INF</d></m:x>`), undefined, 200, [['SOAPAction', '""']]));
    assert.deepEqual(c.request?.value, { Body: { x: { n: '12abc', b: 'yes', d: 'INF' } } });
    assert.deepEqual(c.warnings, ['SOAP request: <n>: "12abc" is not a valid xsd:int', 'SOAP request: <b>: "yes" is not a valid xsd:boolean']);
  });
});

const TYPED_WSDL = `<?xml version="1.0"?>
<wsdl:definitions targetNamespace="urn:shop" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
  xmlns:tns="urn:shop" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:soapenc="${ENC11}">
  <wsdl:types>
    <xs:schema targetNamespace="urn:shop" elementFormDefault="qualified">
      <xs:complexType name="Item"><xs:sequence><xs:element name="sku" type="xs:string"/><xs:element name="qty" type="xs:integer"/><xs:element name="price" type="xs:double"/></xs:sequence></xs:complexType>
      <xs:complexType name="ItemArray"><xs:sequence><xs:element name="Item" type="tns:Item" minOccurs="0" maxOccurs="unbounded"/></xs:sequence></xs:complexType>
      <xs:complexType name="Base"><xs:sequence><xs:element name="id" type="xs:long"/></xs:sequence></xs:complexType>
      <xs:complexType name="Order"><xs:complexContent><xs:extension base="tns:Base"><xs:sequence>
        <xs:element name="paid" type="xs:boolean"/><xs:element name="items" type="tns:ItemArray"/><xs:element name="notes" type="xs:string" maxOccurs="unbounded"/>
        <xs:element ref="tns:weight"/><xs:element name="money"><xs:complexType><xs:simpleContent><xs:extension base="tns:Amount"><xs:attribute name="cur" type="xs:string"/></xs:extension></xs:simpleContent></xs:complexType></xs:element>
      </xs:sequence></xs:extension></xs:complexContent></xs:complexType>
      <xs:simpleType name="Amount"><xs:restriction base="xs:decimal"><xs:fractionDigits value="2"/></xs:restriction></xs:simpleType>
      <xs:element name="weight" type="xs:float"/>
      <xs:element name="place"><xs:complexType><xs:sequence><xs:element name="order" type="tns:Order"/></xs:sequence></xs:complexType></xs:element>
      <xs:element name="placeResponse"><xs:complexType><xs:sequence><xs:element name="ok" type="xs:boolean"/></xs:sequence></xs:complexType></xs:element>
      <xs:element name="trace" type="xs:int"/>
      <xs:complexType name="IntArray"><xs:complexContent><xs:restriction base="soapenc:Array"><xs:attribute ref="soapenc:arrayType" wsdl:arrayType="xs:int[]"/></xs:restriction></xs:complexContent></xs:complexType>
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="placeIn"><wsdl:part name="parameters" element="tns:place"/></wsdl:message>
  <wsdl:message name="placeOut"><wsdl:part name="parameters" element="tns:placeResponse"/></wsdl:message>
  <wsdl:message name="sumIn"><wsdl:part name="values" type="tns:IntArray"/><wsdl:part name="scale" type="xs:double"/></wsdl:message>
  <wsdl:message name="sumOut"><wsdl:part name="total" type="xs:long"/></wsdl:message>
  <wsdl:portType name="Shop">
    <wsdl:operation name="place"><wsdl:input message="tns:placeIn"/><wsdl:output message="tns:placeOut"/></wsdl:operation>
  </wsdl:portType>
  <wsdl:portType name="Calc">
    <wsdl:operation name="sum"><wsdl:input message="tns:sumIn"/><wsdl:output message="tns:sumOut"/></wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="ShopB" type="tns:Shop"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="place"><soap:operation soapAction="urn:shop#place"/></wsdl:operation></wsdl:binding>
  <wsdl:binding name="CalcB" type="tns:Calc"><soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="sum"><soap:operation soapAction="urn:shop#sum"/></wsdl:operation></wsdl:binding>
</wsdl:definitions>`;

describe('Values typed by the WSDL schema (WSDL 1.1 sections 2.2 types, 2.3.1 parts, 3.5 soap:body; XML Schema Part 1 sections 3.3 elements, 3.4 complex types, 3.8 particles; Part 2 section 3.2 built-ins)', () => {
  const defs = buildWsdlDefinitions([{ path: '/w/shop.wsdl', text: TYPED_WSDL }]);
  const env = { ...nodeEnv(), definitions: { wsdl: defs } };
  it('document/literal: nested complex types, extension, element refs, simpleContent, maxOccurs > 1 always an array', () => {
    const order = '<s:order><s:id>7</s:id><s:paid>false</s:paid><s:items><s:Item><s:sku>A-1</s:sku><s:qty>2</s:qty><s:price>9.99</s:price></s:Item></s:items><s:notes>fragile</s:notes><s:weight>1.5</s:weight><s:money cur="EUR">12.30</s:money></s:order>';
    const c = route(httpCall('text/xml', env11(`<s:place xmlns:s="urn:shop">${order}</s:place>`, '<SOAP-ENV:Header><s:trace xmlns:s="urn:shop">5</s:trace></SOAP-ENV:Header>'), env11('<s:placeResponse xmlns:s="urn:shop"><s:ok>1</s:ok></s:placeResponse>'), 200, [['SOAPAction', '"urn:shop#place"']]), env);
    const typed = { order: { id: 7, paid: false, items: { Item: [{ sku: 'A-1', qty: 2, price: 9.99 }] }, notes: ['fragile'], weight: 1.5, money: { '@cur': 'EUR', '#text': 12.3 } } };
    assert.deepEqual(c.request?.value, { Header: { trace: 5 }, Body: { place: typed }, parts: { parameters: typed } });
    assert.deepEqual(c.response?.value, { Body: { placeResponse: { ok: true } }, parts: { parameters: { ok: true } } });
    assert.deepEqual(c.warnings, []);
  });
  it('rpc/encoded: parts typed by their type attribute, a restriction of soapenc:Array with wsdl:arrayType', () => {
    const c = route(httpCall('text/xml', env11(`<m:sum xmlns:m="urn:shop"><values><item>1</item><item>2</item></values><scale>0.5</scale></m:sum>`), env11('<m:sumResponse xmlns:m="urn:shop"><total>12345678901</total></m:sumResponse>'), 200, [['SOAPAction', '"urn:shop#sum"']]), env);
    assert.equal(c.definition?.name, 'Calc.sum');
    assert.deepEqual(c.request?.value, { Body: { sum: { values: [1, 2], scale: 0.5 } }, parts: { values: [1, 2], scale: 0.5 } });
    assert.deepEqual(c.response?.value, { Body: { sumResponse: { total: 12345678901 } }, parts: { total: 12345678901 } });
  });
  it('an xsi:type overrides the declared type; elements the schema does not declare stay text', () => {
    const c = route(httpCall('text/xml', env11(`<m:sum xmlns:m="urn:shop" ${XSI_DECL}><values><item xsi:type="xsd:string">007</item></values><scale>x</scale><extra>3</extra></m:sum>`), undefined, 200, [['SOAPAction', '"urn:shop#sum"']]), env);
    assert.deepEqual((c.request?.value as { Body: unknown }).Body, { sum: { values: ['007'], scale: 'x', extra: '3' } });
    assert.deepEqual(c.warnings, ['SOAP request: <scale>: "x" is not a valid xsd:double']);
  });
});

describe('Envelopes not captured whole (snaplen, loss): XML 1.0 §2.1 well-formedness is not assumed of a cut document', () => {
  const defs = buildWsdlDefinitions([{ path: '/w/shop.wsdl', text: TYPED_WSDL }]);
  const env = { ...nodeEnv(), definitions: { wsdl: defs } };
  it('a cut request names its operation (first Body child), links it, reads no values', () => {
    const whole = env11('<s:place xmlns:s="urn:shop"><s:order><s:id>7</s:id><s:paid>false</s:paid></s:order></s:place>');
    const c = httpCall('text/xml', whole.slice(0, whole.indexOf('<s:paid>') + 9), env11('<s:placeResponse xmlns:s="urn:shop"><s:ok>1</s:ok></s:placeResponse>'), 200, [['SOAPAction', '""']]);
    c.http!.requestBody!.truncated = true;
    route(c, env);
    assert.deepEqual([c.protocol, c.method, c.definition?.name, c.request?.value], ['soap', 'place', 'Shop.place', undefined]);
    assert.ok(c.warnings.includes('SOAP request not captured whole: operation named, values not read'), c.warnings.join('; '));
  });
  it('a cut response with a Fault is a fault; a cut response without one has no value', () => {
    const fault = env11('<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>no</faultstring></SOAP-ENV:Fault>');
    const c = httpCall('text/xml', env11('<m:x xmlns:m="u"/>'), fault.slice(0, fault.indexOf('<faultstring>')), 500, [['SOAPAction', '""']]);
    c.http!.responseBody!.truncated = true;
    route(c);
    assert.deepEqual(c.status, { code: 'Fault', text: 'fault not captured whole', ok: false });
    const ok = env11('<m:xResponse xmlns:m="u"><r>12</r></m:xResponse>');
    const d = httpCall('text/xml', env11('<m:x xmlns:m="u"/>'), ok.slice(0, ok.length - 30), 200, [['SOAPAction', '""']]);
    d.http!.responseBody!.truncated = true;
    route(d);
    assert.equal(d.response?.value, undefined);
    assert.ok(d.warnings.includes('SOAP response not captured whole: values not read'));
  });
});

describe('Multi-reference values (SOAP 1.1 section 5.4.1 href/id; SOAP 1.2 Part 2 section 3.1.5.1 enc:ref/enc:id)', () => {
  it('accessors show the value they refer to; the serialized-once targets are not Body entries of their own', () => {
    // as Perl SOAP::Lite 1.27 serializes a hash passed twice (and once inside an array)
    const body = `<pair xmlns:soapenc="${ENC11}" ${XSI_DECL}><c-gensym3 href="#ref-9"/><c-gensym5 href="#ref-9"/><soapenc:Array soapenc:arrayType="xsd:anyType[1]" xsi:type="soapenc:Array"><item href="#ref-9"/></soapenc:Array></pair><c-gensym7 id="ref-9" ${XSI_DECL}><name xsi:type="xsd:string">shared</name><n xsi:type="xsd:int">1</n></c-gensym7>`;
    const c = route(httpCall('text/xml', env11(body), undefined, 200, [['SOAPAction', '"urn:x#pair"']]));
    const shared = { name: 'shared', n: 1 };
    assert.deepEqual(c.request?.value, { Body: { pair: { 'c-gensym3': shared, 'c-gensym5': shared, Array: [shared] } } });
  });
  it('SOAP 1.2 enc:ref, and a reference cycle stops at the repeated node', () => {
    const E = 'http://www.w3.org/2003/05/soap-encoding';
    const body = `<m:link xmlns:m="u" xmlns:enc="${E}"><a enc:id="n1"><v>1</v><next enc:ref="n2"/></a><b enc:ref="n1"/></m:link><n2 xmlns:enc="${E}" enc:id="n2"><v>2</v><next enc:ref="n1"/></n2>`;
    const c = route(httpCall('application/soap+xml', env12(body), undefined));
    const v = (c.request?.value as { Body: { link: { a: unknown; b: unknown } } }).Body.link;
    assert.deepEqual(v.a, { v: '1', next: { v: '2', next: { '@enc:ref': 'n1' } } });
    assert.deepEqual(v.b, v.a);
  });
});

// soap4r 2.0.5 (Debian ruby-soap4r, SOAP 1.1 rpc/encoded), the HTTP bodies as captured
// (test/heldout-ruby-rpc/soap.rb): order(7, [{sku, price}, …]) — two Hashes in an encoded array, each
// an Apache SOAP Map whose keys are multi-reference values (href="#id…") serialized once after
// the call, each with env:encodingStyle (SOAP 1.1 section 4.1.1) —, echo's answer (a Map holding an
// array and a Map) and blob's (SOAP-ENC:base64, SOAP 1.1 section 5.2.3).
const SOAP4R_ORDER =
  '3c3f786d6c2076657273696f6e3d22312e302220656e636f64696e673d227574662d3822203f3e0a3c656e763a456e76656c6f706520786d6c6e733a7873693d22687474703a2f2f7777772e77332e6f' +
  '72672f323030312f584d4c536368656d612d696e7374616e6365220a20202020786d6c6e733a7873643d22687474703a2f2f7777772e77332e6f72672f323030312f584d4c536368656d61220a202020' +
  '20786d6c6e733a656e763d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f61702f656e76656c6f70652f223e0a20203c656e763a426f64793e0a202020203c6e313a6f7264' +
  '657220656e763a656e636f64696e675374796c653d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f61702f656e636f64696e672f220a2020202020202020786d6c6e733a6e' +
  '313d2275726e3a68656c646f75742d6c6162223e0a2020202020203c6964207873693a747970653d227873643a696e74223e373c2f69643e0a2020202020203c6974656d7320786d6c6e733a6e323d22' +
  '687474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f61702f656e636f64696e672f220a202020202020202020206e323a6172726179547970653d227873643a616e79547970655b32' +
  '5d220a202020202020202020207873693a747970653d226e323a4172726179223e0a20202020202020203c6974656d20786d6c6e733a6e333d22687474703a2f2f786d6c2e6170616368652e6f72672f' +
  '786d6c2d736f6170220a2020202020202020202020207873693a747970653d226e333a4d6170223e0a202020202020202020203c6974656d3e0a2020202020202020202020203c6b657920687265663d' +
  '2223696433383830223e3c2f6b65793e0a2020202020202020202020203c76616c7565207873693a747970653d227873643a737472696e67223e412d313c2f76616c75653e0a20202020202020202020' +
  '3c2f6974656d3e0a202020202020202020203c6974656d3e0a2020202020202020202020203c6b657920687265663d2223696433393230223e3c2f6b65793e0a2020202020202020202020203c76616c' +
  '7565207873693a747970653d227873643a646f75626c65223e2b392e353c2f76616c75653e0a202020202020202020203c2f6974656d3e0a20202020202020203c2f6974656d3e0a2020202020202020' +
  '3c6974656d20786d6c6e733a6e343d22687474703a2f2f786d6c2e6170616368652e6f72672f786d6c2d736f6170220a2020202020202020202020207873693a747970653d226e343a4d6170223e0a20' +
  '2020202020202020203c6974656d3e0a2020202020202020202020203c6b657920687265663d2223696433383830223e3c2f6b65793e0a2020202020202020202020203c76616c7565207873693a7479' +
  '70653d227873643a737472696e67223e422d323c2f76616c75653e0a202020202020202020203c2f6974656d3e0a202020202020202020203c6974656d3e0a2020202020202020202020203c6b657920' +
  '687265663d2223696433393230223e3c2f6b65793e0a2020202020202020202020203c76616c7565207873693a747970653d227873643a646f75626c65223e2b302e353c2f76616c75653e0a20202020' +
  '2020202020203c2f6974656d3e0a20202020202020203c2f6974656d3e0a2020202020203c2f6974656d733e0a202020203c2f6e313a6f726465723e0a202020203c6b657920656e763a656e636f6469' +
  '6e675374796c653d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f61702f656e636f64696e672f220a20202020202020207873693a747970653d227873643a737472696e67' +
  '220a202020202020202069643d22696433383830223e736b753c2f6b65793e0a202020203c6b657920656e763a656e636f64696e675374796c653d22687474703a2f2f736368656d61732e786d6c736f' +
  '61702e6f72672f736f61702f656e636f64696e672f220a20202020202020207873693a747970653d227873643a737472696e67220a202020202020202069643d22696433393230223e70726963653c2f' +
  '6b65793e0a20203c2f656e763a426f64793e0a3c2f656e763a456e76656c6f70653e';
const SOAP4R_ECHO_MAP =
  '3c3f786d6c2076657273696f6e3d22312e302220656e636f64696e673d227574662d3822203f3e0a3c656e763a456e76656c6f706520786d6c6e733a7873693d22687474703a2f2f7777772e77332e6f' +
  '72672f323030312f584d4c536368656d612d696e7374616e6365220a20202020786d6c6e733a7873643d22687474703a2f2f7777772e77332e6f72672f323030312f584d4c536368656d61220a202020' +
  '20786d6c6e733a656e763d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f61702f656e76656c6f70652f223e0a20203c656e763a426f64793e0a202020203c6e313a656368' +
  '6f526573706f6e736520656e763a656e636f64696e675374796c653d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f61702f656e636f64696e672f220a2020202020202020' +
  '786d6c6e733a6e313d2275726e3a68656c646f75742d6c6162223e0a2020202020203c72657475726e20786d6c6e733a6e323d22687474703a2f2f786d6c2e6170616368652e6f72672f786d6c2d736f' +
  '6170220a202020202020202020207873693a747970653d226e323a4d6170223e0a20202020202020203c6974656d3e0a202020202020202020203c6b6579207873693a747970653d227873643a737472' +
  '696e67223e613c2f6b65793e0a202020202020202020203c76616c7565207873693a747970653d227873643a696e74223e313c2f76616c75653e0a20202020202020203c2f6974656d3e0a2020202020' +
  '2020203c6974656d3e0a202020202020202020203c6b6579207873693a747970653d227873643a737472696e67223e623c2f6b65793e0a202020202020202020203c76616c756520786d6c6e733a6e33' +
  '3d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f61702f656e636f64696e672f220a20202020202020202020202020206e333a6172726179547970653d227873643a616e79' +
  '547970655b325d220a20202020202020202020202020207873693a747970653d226e333a4172726179223e0a2020202020202020202020203c6974656d207873693a747970653d227873643a696e7422' +
  '3e313c2f6974656d3e0a2020202020202020202020203c6974656d207873693a747970653d227873643a696e74223e323c2f6974656d3e0a202020202020202020203c2f76616c75653e0a2020202020' +
  '2020203c2f6974656d3e0a20202020202020203c6974656d3e0a202020202020202020203c6b6579207873693a747970653d227873643a737472696e67223e633c2f6b65793e0a202020202020202020' +
  '203c76616c7565207873693a747970653d226e323a4d6170223e0a2020202020202020202020203c6974656d3e0a20202020202020202020202020203c6b6579207873693a747970653d227873643a73' +
  '7472696e67223e643c2f6b65793e0a20202020202020202020202020203c76616c7565207873693a747970653d227873643a737472696e67223e653c2f76616c75653e0a202020202020202020202020' +
  '3c2f6974656d3e0a202020202020202020203c2f76616c75653e0a20202020202020203c2f6974656d3e0a2020202020203c2f72657475726e3e0a202020203c2f6e313a6563686f526573706f6e7365' +
  '3e0a20203c2f656e763a426f64793e0a3c2f656e763a456e76656c6f70653e';
const SOAP4R_BLOB =
  '3c3f786d6c2076657273696f6e3d22312e302220656e636f64696e673d227574662d3822203f3e0a3c656e763a456e76656c6f706520786d6c6e733a7873693d22687474703a2f2f7777772e77332e6f' +
  '72672f323030312f584d4c536368656d612d696e7374616e6365220a20202020786d6c6e733a7873643d22687474703a2f2f7777772e77332e6f72672f323030312f584d4c536368656d61220a202020' +
  '20786d6c6e733a656e763d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f61702f656e76656c6f70652f223e0a20203c656e763a426f64793e0a202020203c6e313a626c6f' +
  '62526573706f6e736520656e763a656e636f64696e675374796c653d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f61702f656e636f64696e672f220a2020202020202020' +
  '786d6c6e733a6e313d2275726e3a68656c646f75742d6c6162223e0a2020202020203c72657475726e20786d6c6e733a6e323d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f73' +
  '6f61702f656e636f64696e672f220a202020202020202020207873693a747970653d226e323a626173653634223e4141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141' +
  '482b596d6c754141482b596d6c754141482b596d6c754141482b0a596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c7541' +
  '41482b596d6c750a4141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b0a596d6c754141482b596d6c' +
  '754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c750a4141482b596d6c754141482b596d6c754141482b596d6c754141482b596d' +
  '6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b0a596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b59' +
  '6d6c754141482b596d6c750a4141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b0a596d6c75414148' +
  '2b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c750a4141482b596d6c754141482b596d6c754141482b596d6c754141' +
  '482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b0a596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c7541' +
  '41482b596d6c754141482b596d6c750a4141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b0a596d6c' +
  '754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c750a4141482b596d6c754141482b596d6c754141482b596d' +
  '6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b596d6c754141482b0a596d6c754141482b596d6c754141482b596d6c753c2f72657475726e3e0a202020203c2f6e313a626c' +
  '6f62526573706f6e73653e0a20203c2f656e763a426f64793e0a3c2f656e763a456e76656c6f70653e';

const hexText = (h: string) => Buffer.from(h, 'hex').toString('utf8');

describe('soap4r: Apache SOAP Map (xmlns="http://xml.apache.org/xml-soap"), env:encodingStyle on values, SOAP-ENC:base64', () => {
  it('a Map is an object keyed by its keys, multi-reference keys resolved; encodingStyle is not data', () => {
    const c = route(httpCall('text/xml; charset=utf-8', hexText(SOAP4R_ORDER), hexText(SOAP4R_ECHO_MAP), 200, [['SOAPAction', '"urn:heldout-lab#order"']]));
    assert.deepEqual(c.request?.value, { Body: { order: { id: 7, items: [{ sku: 'A-1', price: 9.5 }, { sku: 'B-2', price: 0.5 }] } } });
    assert.deepEqual(c.response?.value, { Body: { echoResponse: { return: { a: 1, b: [1, 2], c: { d: 'e' } } } } });
    assert.deepEqual(c.warnings, []);
  });
  it('SOAP-ENC:base64 is text like xsd:base64Binary (no leftover @xsi:type)', () => {
    const c = route(httpCall('text/xml; charset=utf-8', hexText(SOAP4R_ORDER), hexText(SOAP4R_BLOB)));
    const ret = (c.response?.value as { Body: { blobResponse: { return: unknown } } }).Body.blobResponse.return;
    assert.equal(typeof ret, 'string');
    assert.match(ret as string, /^AAH\+YmluAAH\+/);
  });
  it('a Map whose items are not each one key and one value stays a tree', () => {
    const body = `<m:f xmlns:m="u" ${XSI_DECL} xmlns:apache="http://xml.apache.org/xml-soap"><v xsi:type="apache:Map"><item><key xsi:type="xsd:string">a</key></item></v></m:f>`;
    const c = route(httpCall('text/xml', env11(body), undefined));
    assert.deepEqual(c.request?.value, { Body: { f: { v: { '@xsi:type': 'apache:Map', item: { key: 'a' } } } } });
  });
});
