/**
 * Held-out .NET round (test/heldout-dotnet/README.md): Mono 6.8's WCF (System.ServiceModel) service and
 * ChannelFactory client over a CustomBinding with SOAP 1.2 + WS-Addressing 1.0. The texts are the
 * capture's and the served metadata's (`?wsdl`, `?wsdl=wsdl0`, `?xsd=xsd0`), cut down to the Add operation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { soapRouter } from '../../../decoders/soap/index';
import { buildWsdlDefinitions } from '../../../decoders/soap/wsdl';
import { learnWsdlExchange, learnedWsdl } from '../../../decoders/soap/learned';
import type { Call, HeaderList } from '../../../decoders/core/model';
import { nodeEnv } from '../../../cli/platform/node-env';
import { httpCall } from './http-call';
import { testSession } from '../../helpers/session';

// `?wsdl`: the binding and the service, for the portType of the document it imports
const WSDL = '<?xml version="1.0" encoding="utf-8"?><wsdl:definitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:wsaw="http://www.w3.org/2006/05/addressing/wsdl" xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy" xmlns:msc="http://schemas.microsoft.com/ws/2005/12/wsdl/contract" xmlns:tns="http://tempuri.org/" xmlns:wsap="http://schemas.xmlsoap.org/ws/2004/08/addressing/policy" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:wsa10="http://www.w3.org/2005/08/addressing" xmlns:i0="http://callscope.test/shop" name="service" targetNamespace="http://tempuri.org/" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"><wsdl:import namespace="http://callscope.test/shop" location="http://127.0.0.1:28001/shop?wsdl=wsdl0" /><wsdl:types /><wsdl:binding name="CustomBinding_IShop" type="i0:IShop"><soap:binding transport="http://schemas.xmlsoap.org/soap/http" /><wsp:Policy><wsp:ExactlyOne><wsp:All><wsaw:UsingAddressing /></wsp:All></wsp:ExactlyOne></wsp:Policy><wsdl:operation name="Add"><soap12:operation soapAction="http://callscope.test/shop/IShop/Add" style="document" /><wsdl:input><soap12:body use="literal" /></wsdl:input><wsdl:output><soap12:body use="literal" /></wsdl:output></wsdl:operation></wsdl:binding><wsdl:service name="service"><wsdl:port name="CustomBinding_IShop" binding="tns:CustomBinding_IShop"><soap:address location="http://127.0.0.1:28001/shop" /></wsdl:port></wsdl:service></wsdl:definitions>';
// `?wsdl=wsdl0`: messages and the portType
const WSDL0 = '<?xml version="1.0" encoding="utf-8"?><wsdl:definitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:wsaw="http://www.w3.org/2006/05/addressing/wsdl" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:wsap="http://schemas.xmlsoap.org/ws/2004/08/addressing/policy" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy" xmlns:msc="http://schemas.microsoft.com/ws/2005/12/wsdl/contract" xmlns:wsa10="http://www.w3.org/2005/08/addressing" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:tns="http://callscope.test/shop" targetNamespace="http://callscope.test/shop" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"><wsdl:types><xsd:schema targetNamespace="http://callscope.test/shop/Imports"><xsd:import schemaLocation="http://127.0.0.1:28001/shop?xsd=" namespace="http://www.w3.org/2001/XMLSchema" /><xsd:import schemaLocation="http://127.0.0.1:28001/shop?xsd=xsd0" namespace="http://callscope.test/shop" /><xsd:import schemaLocation="http://127.0.0.1:28001/shop?xsd=xsd1" namespace="http://schemas.microsoft.com/2003/10/Serialization/" /><xsd:import schemaLocation="http://127.0.0.1:28001/shop?xsd=xsd2" namespace="http://callscope.test/orders" /><xsd:import schemaLocation="http://127.0.0.1:28001/shop?xsd=xsd3" namespace="http://schemas.microsoft.com/2003/10/Serialization/Arrays" /></xsd:schema></wsdl:types><wsdl:message name="IShop_Add_InputMessage"><wsdl:part name="parameters" element="tns:Add" /></wsdl:message><wsdl:message name="IShop_Add_OutputMessage"><wsdl:part name="parameters" element="tns:AddResponse" /></wsdl:message><wsdl:portType name="IShop"><wsdl:operation name="Add"><wsdl:input wsaw:Action="http://callscope.test/shop/IShop/Add" message="tns:IShop_Add_InputMessage" /><wsdl:output wsaw:Action="http://callscope.test/shop/IShop/AddResponse" message="tns:IShop_Add_OutputMessage" /></wsdl:operation></wsdl:portType></wsdl:definitions>';
// `?xsd=xsd0`
const XSD0 = `<?xml version="1.0" encoding="utf-8"?><xs:schema xmlns:tns="http://callscope.test/shop" elementFormDefault="qualified" targetNamespace="http://callscope.test/shop" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="Add">
    <xs:complexType>
      <xs:sequence>
        <xs:element minOccurs="0" name="a" type="xs:int" />
        <xs:element minOccurs="0" name="b" type="xs:int" />
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="AddResponse">
    <xs:complexType>
      <xs:sequence>
        <xs:element minOccurs="0" name="AddResult" type="xs:int" />
      </xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>`;
// POST /shop, Content-Type: application/soap+xml; charset=utf-8 (no action parameter), and its answer
const REQ = '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><a:Action s:mustUnderstand="1">http://callscope.test/shop/IShop/Add</a:Action><a:MessageID>urn:uuid:07d1cfcd-9dc7-4570-9312-87c79ecc4e14</a:MessageID><a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo><a:To s:mustUnderstand="1">http://127.0.0.1:28001/shop</a:To></s:Header><s:Body><Add xmlns="http://callscope.test/shop"><a>2</a><b>3</b></Add></s:Body></s:Envelope>';
const RESP = '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><a:Action s:mustUnderstand="1">http://callscope.test/shop/IShop/AddResponse</a:Action><a:RelatesTo>urn:uuid:07d1cfcd-9dc7-4570-9312-87c79ecc4e14</a:RelatesTo></s:Header><s:Body><AddResponse xmlns="http://callscope.test/shop"><AddResult>5</AddResult></AddResponse></s:Body></s:Envelope>';

function call(reqText: string, extra: HeaderList = []): Call {
  return httpCall('application/soap+xml; charset=utf-8', reqText, RESP, 200, [['Expect', '100-continue'], ...extra], { port: 28001, target: '/shop' });
}

const defs = buildWsdlDefinitions([
  { path: '/w/shop.wsdl', text: WSDL },
  { path: '/w/shop.wsdl0.wsdl', text: WSDL0 },
  { path: '/w/shop.xsd0.xsd', text: XSD0 },
]);
const route = (c: Call) => {
  const s = testSession({ env: { ...nodeEnv(), definitions: { wsdl: defs } } });
  assert.ok(soapRouter.match(c));
  soapRouter.apply(c, s);
  return c;
};

describe('WSDL 1.1 section 2.1.1 (import): a binding in one document for the portType of another', () => {
  it("WCF's ?wsdl binds and serves the portType its ?wsdl=wsdl0 declares: the operation has its soapAction, style and service", () => {
    assert.deepEqual(defs.warnings, []);
    assert.equal(defs.operations.length, 1);
    const op = defs.operations[0];
    assert.deepEqual([op.name, op.portType, op.service, op.soapAction, op.style, op.file], ['Add', 'IShop', 'service', 'http://callscope.test/shop/IShop/Add', 'document', '/w/shop.wsdl0.wsdl']);
  });
});

describe('WS-Addressing 1.0 (SOAP Binding sections 2.4 and 6, Core section 3.2 [action]) over SOAP 1.2', () => {
  it("the Action header block is the call's action when HTTP carries none; the call links and its parts are typed", () => {
    const c = route(call(REQ));
    assert.equal(c.method, 'Add');
    assert.equal(c.fields['soap.action'], 'http://callscope.test/shop/IShop/Add');
    assert.equal(c.fields['soap.service'], 'service');
    assert.equal(c.fields['soap.header'], 'Action,MessageID,ReplyTo,To');
    assert.equal(c.definition?.name, 'IShop.Add');
    assert.deepEqual((c.request?.value as { parts: unknown }).parts, { parameters: { a: 2, b: 3 } });
    assert.deepEqual((c.response?.value as { parts: unknown }).parts, { parameters: { AddResult: 5 } });
    assert.deepEqual(c.warnings, []);
  });
  it('an HTTP action other than the Action header is warned about; an empty SOAPAction is not', () => {
    const c = route(call(REQ, [['SOAPAction', '"http://callscope.test/shop/IShop/Other"']]));
    assert.ok(c.warnings.includes('WS-Addressing Action "http://callscope.test/shop/IShop/Add" differs from the SOAPAction "http://callscope.test/shop/IShop/Other"'), c.warnings.join('; '));
    const e = route(call(REQ, [['SOAPAction', '""']]));
    assert.equal(e.fields['soap.action'], 'http://callscope.test/shop/IShop/Add');
    assert.ok(!e.warnings.some((w) => /differs/.test(w)));
  });
});

describe('WSDL documents fetched in the capture (the WCF client fetches ?wsdl, then what it imports)', () => {
  const get = (uri: string, text: string): Call => ({
    id: 0, protocol: 'http', kind: 'unary', state: 'complete', flowId: 1,
    client: { ip: '127.0.0.1', port: 60170 }, server: { ip: '127.0.0.1', port: 28001 },
    method: 'GET', target: uri, timing: { startUs: 0 }, fields: {}, frames: [1], warnings: [],
    http: { version: 'HTTP/1.1', method: 'GET', uri, host: '127.0.0.1:28001', status: 200, responseBody: { size: text.length, kind: 'xml', contentType: 'text/xml; charset=UTF-8', text } },
  });
  it('?wsdl, with only the binding and service, is kept until ?wsdl=wsdl0 brings the portType: the operations have their soapAction and service', () => {
    const capture = { state: new Map<string, unknown>(), learned: () => {} };
    const first = get('/shop?wsdl', WSDL);
    learnWsdlExchange(first, capture, 64);
    learnWsdlExchange(get('/shop?wsdl=wsdl0', WSDL0), capture, 64);
    learnWsdlExchange(get('/shop?xsd=xsd0', XSD0), capture, 64);
    assert.equal(first.fields['soap.learned'], 'wsdl');
    const op = learnedWsdl(capture)?.operations[0];
    assert.deepEqual([op?.name, op?.service, op?.soapAction, op?.file], ['Add', 'service', 'http://callscope.test/shop/IShop/Add', 'http://127.0.0.1:28001/shop?wsdl=wsdl0']);
    const c = call(REQ);
    soapRouter.apply(c, testSession({ env: nodeEnv(), capture }));
    assert.equal(c.fields['soap.service'], 'service');
    assert.deepEqual((c.request?.value as { parts: unknown }).parts, { parameters: { a: 2, b: 3 } });
  });
});
