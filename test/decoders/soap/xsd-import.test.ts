/**
 * A WSDL whose types are imported from another document (WSDL 1.1 section 2.2; XML Schema Part 1
 * section 4.2.3 `import` with a schemaLocation): JAX-WS RI publishes `?wsdl` with
 * `<xsd:import namespace="urn:heldout:shop" schemaLocation="…/shop?xsd=1"/>` and the types in `?xsd=1`.
 * With that schema saved beside the WSDL (any file name: schemas merge by target namespace), the
 * messages are typed. Fixtures: JAX-WS RI 2.3.0.2 (Debian libjaxws-java) as it published them
 * (test/heldout-java/soap/SoapLab.java), and the envelopes its client and server sent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { soapRouter } from '../../../decoders/soap/index';
import { buildWsdlDefinitions } from '../../../decoders/soap/wsdl';
import { learnWsdlExchange } from '../../../decoders/soap/learned';
import type { Call, HeaderList } from '../../../decoders/core/model';
import { decodeHttpBody } from '../../../decoders/http-common/body';
import { fromHex } from '../../../decoders/core/bytes';
import { nodeEnv } from '../../../cli/platform/node-env';
import { testSession } from '../../helpers/session';

const fixture = (name: string) => ({ path: `/w/${name}`, text: readFileSync(new URL(`../../fixtures/soap-jaxws/${name}`, import.meta.url), 'utf8') });

const PLACE =
  '<?xml version=\'1.0\' encoding=\'UTF-8\'?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns2:place xmlns:ns2="urn:heldout:shop"><order><id>0</id><customer>Ada</customer><items><sku>A-1</sku><qty>2</qty><price>9.5</price></items><items><sku>B-2</sku><qty>1</qty><price>0.25</price></items><placed>2024-05-06T07:08:09.123Z</placed></order></ns2:place></S:Body></S:Envelope>';
const PLACE_RESPONSE =
  '<?xml version=\'1.0\' encoding=\'UTF-8\'?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns2:placeResponse xmlns:ns2="urn:heldout:shop"><return><id>1001</id><customer>Ada</customer><items><sku>A-1</sku><qty>2</qty><price>9.5</price></items><items><sku>B-2</sku><qty>1</qty><price>0.25</price></items><placed>2024-05-06T07:08:09.123Z</placed></return></ns2:placeResponse></S:Body></S:Envelope>';
// one item only: `items` is declared maxOccurs="unbounded", so still an array
const PLACE_BOB =
  '<?xml version=\'1.0\' encoding=\'UTF-8\'?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns2:place xmlns:ns2="urn:heldout:shop"><order><id>0</id><customer>Bob</customer><items><sku>C-3</sku><qty>50</qty><price>1.0</price></items></order></ns2:place></S:Body></S:Envelope>';

function call(req: string, resp: string): Call {
  const ct = 'text/xml; charset=utf-8';
  return {
    id: 1, protocol: 'http', kind: 'unary', state: 'complete', flowId: 1,
    client: { ip: '127.0.0.1', port: 54806 }, server: { ip: '127.0.0.1', port: 27010 },
    method: 'POST', target: '/shop', timing: { startUs: 0 }, fields: {}, frames: [1], warnings: [],
    http: {
      version: 'HTTP/1.1', method: 'POST', uri: '/shop', status: 200,
      requestHeaders: [['Content-Type', ct], ['SOAPAction', '"urn:heldout:shop:Shop:placeRequest"']],
      requestBody: { size: req.length, kind: 'xml', contentType: ct, text: req },
      responseBody: { size: resp.length, kind: 'xml', contentType: ct, text: resp },
    },
  };
}

function route(c: Call, files: Array<{ path: string; text: string }>): Call {
  const env = { ...nodeEnv(), definitions: { wsdl: buildWsdlDefinitions(files) } };
  assert.ok(soapRouter.match(c));
  soapRouter.apply(c, testSession({ env }));
  return c;
}

describe('WSDL types imported from a schema file beside it (JAX-WS ?xsd=1)', () => {
  it('with the .xsd: numbers, an always-array maxOccurs element, the operation linked', () => {
    const c = route(call(PLACE, PLACE_RESPONSE), [fixture('shop.wsdl'), fixture('shop.xsd')]);
    assert.equal(c.definition?.name, 'Shop.place');
    const order = { id: 0, customer: 'Ada', items: [{ sku: 'A-1', qty: 2, price: 9.5 }, { sku: 'B-2', qty: 1, price: 0.25 }], placed: '2024-05-06T07:08:09.123Z' };
    assert.deepEqual((c.request?.value as { parts: unknown }).parts, { parameters: { order } });
    assert.deepEqual((c.response?.value as { parts: unknown }).parts, { parameters: { return: { ...order, id: 1001 } } });
    const bob = route(call(PLACE_BOB, PLACE_RESPONSE), [fixture('shop.xsd'), fixture('shop.wsdl')]);
    assert.deepEqual((bob.request?.value as { parts: unknown }).parts, { parameters: { order: { id: 0, customer: 'Bob', items: [{ sku: 'C-3', qty: 50, price: 1 }] } } });
    assert.deepEqual(c.warnings, []);
  });

  it('without it: linked, values as text (the import is not fetched)', () => {
    const c = route(call(PLACE_BOB, PLACE_RESPONSE), [fixture('shop.wsdl')]);
    assert.equal(c.definition?.name, 'Shop.place');
    assert.deepEqual((c.request?.value as { parts: unknown }).parts, { parameters: { order: { id: '0', customer: 'Bob', items: { sku: 'C-3', qty: '50', price: '1.0' } } } });
  });
});

describe('WSDL and schema fetched over HTTP earlier in the capture (JAX-WS GET ?wsdl, ?xsd=1)', () => {
  const get = (uri: string, name: string): Call => {
    const text = fixture(name).text;
    return {
      id: 0, protocol: 'http', kind: 'unary', state: 'complete', flowId: 1,
      client: { ip: '127.0.0.1', port: 54806 }, server: { ip: '127.0.0.1', port: 27010 },
      method: 'GET', target: uri, timing: { startUs: 0 }, fields: {}, frames: [1], warnings: [],
      http: { version: 'HTTP/1.1', method: 'GET', uri, host: '127.0.0.1:27010', status: 200, responseBody: { size: text.length, kind: 'xml', contentType: 'text/xml;charset=utf-8', text } },
    };
  };

  it('types and names the calls after them; no definition to open, the URL in soap.wsdl', () => {
    const learned: string[] = [];
    const capture = { state: new Map<string, unknown>(), learned: (w: string) => void learned.push(w) };
    const session = testSession({ env: nodeEnv(), capture });
    const wsdlGet = get('/shop?wsdl', 'shop.wsdl');
    const xsdGet = get('/shop?xsd=1', 'shop.xsd');
    learnWsdlExchange(wsdlGet, capture, 64);
    learnWsdlExchange(xsdGet, capture, 64);
    learnWsdlExchange(get('/shop?xsd=1', 'shop.xsd'), capture, 64); // the same again: nothing new
    assert.equal(wsdlGet.fields['soap.learned'], 'wsdl');
    assert.equal(xsdGet.fields['soap.learned'], 'xsd');
    assert.equal(learned.length, 2);
    const c = call(PLACE_BOB, PLACE_RESPONSE);
    assert.ok(soapRouter.match(c));
    soapRouter.apply(c, session);
    assert.equal(c.definition, undefined);
    assert.equal(c.fields['soap.wsdl'], 'http://127.0.0.1:27010/shop?wsdl');
    assert.deepEqual((c.request?.value as { parts: unknown }).parts, { parameters: { order: { id: 0, customer: 'Bob', items: [{ sku: 'C-3', qty: 50, price: 1 }] } } });
  });

  it('schemas alone in the workspace (.xsd files, no WSDL) do not hide what the capture taught', () => {
    const capture = { state: new Map<string, unknown>(), learned: () => {} };
    const env = { ...nodeEnv(), definitions: { wsdl: buildWsdlDefinitions([fixture('shop.xsd')]) } };
    learnWsdlExchange(get('/shop?wsdl', 'shop.wsdl'), capture, 64);
    learnWsdlExchange(get('/shop?xsd=1', 'shop.xsd'), capture, 64);
    const c = call(PLACE_BOB, PLACE_RESPONSE);
    soapRouter.apply(c, testSession({ env, capture }));
    assert.equal(c.method, 'place');
    assert.equal(c.fields['soap.wsdl'], 'http://127.0.0.1:27010/shop?wsdl');
    assert.deepEqual((c.request?.value as { parts: unknown }).parts, { parameters: { order: { id: 0, customer: 'Bob', items: [{ sku: 'C-3', qty: 50, price: 1 }] } } });
  });

  it('a GET answered with other XML, or cut, teaches nothing', () => {
    const capture = { state: new Map<string, unknown>(), learned: () => {} };
    const notWsdl = get('/feed', 'shop.wsdl');
    notWsdl.http!.responseBody!.text = '<?xml version="1.0"?><rss><channel/></rss>';
    learnWsdlExchange(notWsdl, capture, 64);
    const cut = get('/shop?wsdl', 'shop.wsdl');
    cut.http!.responseBody!.truncated = true;
    learnWsdlExchange(cut, capture, 64);
    assert.equal(capture.state.size, 0);
  });
});

// JAX-WS content negotiation (com.sun.xml.ws.client.ContentNegotiation = pessimistic): the first request is XML
// with `Accept: application/fastinfoset`, the server answers in Fast Infoset (ITU-T X.891), later requests are FI too.
const FI_ADD =
  'e00000010038cf005328687474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f61702f656e76656c6f70652ff03f818107456e76656c6f70653f818103426f647938cf026e73320f75726e3a68656c646f75743a73686f70f03f8282026164643c00619035f03c00629036fffff0';
const FI_ADD_RESPONSE =
  'e00000010038cf005328687474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f61702f656e76656c6f70652ff03f818107456e76656c6f70653f818103426f647938cf026e73320f75726e3a68656c646f75743a73686f70f03f82820a616464526573706f6e73653c0572657475726e913131fffff0';

describe('SOAP in Fast Infoset (ITU-T X.891; JAX-WS content negotiation)', () => {
  const fiCall = (status = 200): Call => {
    const env = nodeEnv();
    const reqHeaders: HeaderList = [['Accept', 'application/fastinfoset, text/xml, multipart/related'], ['Content-Type', 'application/fastinfoset'], ['SOAPAction', '"urn:heldout:shop:Shop:addRequest"']];
    const respHeaders: HeaderList = [['Content-type', 'application/fastinfoset']];
    const req = fromHex(FI_ADD);
    const resp = fromHex(FI_ADD_RESPONSE);
    return {
      id: 1, protocol: 'http', kind: 'unary', state: 'complete', flowId: 1,
      client: { ip: '127.0.0.1', port: 57474 }, server: { ip: '127.0.0.1', port: 27010 },
      method: 'POST', target: '/shop', timing: { startUs: 0 }, fields: {}, frames: [1], warnings: [],
      http: {
        version: 'HTTP/1.1', method: 'POST', uri: '/shop', status, requestHeaders: reqHeaders, responseHeaders: respHeaders,
        requestBody: decodeHttpBody(req, req.length, reqHeaders, env).body,
        responseBody: decodeHttpBody(resp, resp.length, respHeaders, env, reqHeaders).body,
      },
    };
  };

  it('is a SOAP call named by its WS-Addressing action in the WSDL (wsam:Action), its values not read', () => {
    const c = route(fiCall(), [fixture('shop.wsdl')]);
    assert.equal(c.protocol, 'soap');
    assert.equal(c.method, 'add');
    assert.equal(c.definition?.name, 'Shop.add');
    assert.equal(c.fields['soap.encoding'], 'fastinfoset');
    assert.equal(c.fields['soap.version'], '1.1');
    assert.deepEqual(c.warnings, [
      'SOAP request in Fast Infoset (ITU-T X.891, a binary XML encoding): values not decoded',
      'SOAP response in Fast Infoset (ITU-T X.891, a binary XML encoding): values not decoded',
    ]);
  });

  it('without a WSDL it is named by the action (WS-Addressing default: the operation + "Request"); a 500 answer is a Fault', () => {
    const c = route(fiCall(500), []);
    assert.equal(c.method, 'add');
    assert.deepEqual(c.status, { code: 'Fault', text: 'Fault (in Fast Infoset)', ok: false });
  });
});
