import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { soapRouter } from '../../../decoders/soap/index';
import { decodeHttpBody } from '../../../decoders/http-common/body';
import type { Call, HeaderList } from '../../../decoders/core/model';
import { nodeEnv } from '../../../cli/platform/node-env';
import { testSession } from '../../helpers/session';

// Real bodies: JAX-WS RI 2.3.0.2 (Debian libjaxws-java, OpenJDK 17) with MTOM on, both ends
// (test/heldout-java/soap/SoapLab.java), de-chunked. The attachments' bytes are generated: 'y' x 1000
// (the upload) and i % 251 for i < 3000 (the download), as the lab wrote them.
const UPLOAD12_HEAD =
  '2d2d757569643a38656664303265302d663031342d346437632d623163382d3938393639663462653163650d0a436f6e74656e742d49643a203c726f6f74706172742a38656664303265302d66303134' +
  '2d346437632d623163382d393839363966346265316365406578616d706c652e6a617877732e73756e2e636f6d3e0d0a436f6e74656e742d547970653a206170706c69636174696f6e2f786f702b786d' +
  '6c3b636861727365743d7574662d383b747970653d226170706c69636174696f6e2f736f61702b786d6c3b616374696f6e3d5c2275726e3a68656c646f75743a66696c65733a46696c65733a75706c6f' +
  '6164526571756573745c22220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2062696e6172790d0a0d0a3c3f786d6c2076657273696f6e3d27312e302720656e636f64696e673d' +
  '275554462d38273f3e3c533a456e76656c6f706520786d6c6e733a533d22687474703a2f2f7777772e77332e6f72672f323030332f30352f736f61702d656e76656c6f7065223e3c533a426f64793e3c' +
  '6e73323a75706c6f616420786d6c6e733a6e73323d2275726e3a68656c646f75743a66696c6573223e3c6e616d653e75702e62696e3c2f6e616d653e3c646174613e3c786f703a496e636c7564652078' +
  '6d6c6e733a786f703d22687474703a2f2f7777772e77332e6f72672f323030342f30382f786f702f696e636c7564652220687265663d226369643a61636136613435612d373964642d346538662d3834' +
  '38362d373436656364623737626131406578616d706c652e6a617877732e73756e2e636f6d222f3e3c2f646174613e3c2f6e73323a75706c6f61643e3c2f533a426f64793e3c2f533a456e76656c6f70' +
  '653e0d0a2d2d757569643a38656664303265302d663031342d346437632d623163382d3938393639663462653163650d0a436f6e74656e742d49643a203c61636136613435612d373964642d34653866' +
  '2d383438362d373436656364623737626131406578616d706c652e6a617877732e73756e2e636f6d3e0d0a436f6e74656e742d547970653a206170706c69636174696f6e2f6f637465742d7374726561' +
  '6d0d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2062696e6172790d0a0d0a';
const UPLOAD12_TAIL =
  '0d0a2d2d757569643a38656664303265302d663031342d346437632d623163382d3938393639663462653163652d2d';
const UPLOAD12_RESP =
  '2d2d757569643a38633761356231662d623463302d343534342d616132352d3564353365373764656166340d0a436f6e74656e742d49643a203c726f6f74706172742a38633761356231662d62346330' +
  '2d343534342d616132352d356435336537376465616634406578616d706c652e6a617877732e73756e2e636f6d3e0d0a436f6e74656e742d547970653a206170706c69636174696f6e2f786f702b786d' +
  '6c3b636861727365743d7574662d383b747970653d226170706c69636174696f6e2f736f61702b786d6c220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2062696e6172790d0a' +
  '0d0a3c3f786d6c2076657273696f6e3d27312e302720656e636f64696e673d275554462d38273f3e3c533a456e76656c6f706520786d6c6e733a533d22687474703a2f2f7777772e77332e6f72672f32' +
  '3030332f30352f736f61702d656e76656c6f7065223e3c533a426f64793e3c6e73323a75706c6f6164526573706f6e736520786d6c6e733a6e73323d2275726e3a68656c646f75743a66696c6573223e' +
  '3c72657475726e3e313030303c2f72657475726e3e3c2f6e73323a75706c6f6164526573706f6e73653e3c2f533a426f64793e3c2f533a456e76656c6f70653e0d0a2d2d757569643a38633761356231' +
  '662d623463302d343534342d616132352d3564353365373764656166342d2d';
const DOWNLOAD12_REQ =
  '2d2d757569643a31346162383432622d306265392d343930362d393161652d3837376666346466333165360d0a436f6e74656e742d49643a203c726f6f74706172742a31346162383432622d30626539' +
  '2d343930362d393161652d383737666634646633316536406578616d706c652e6a617877732e73756e2e636f6d3e0d0a436f6e74656e742d547970653a206170706c69636174696f6e2f786f702b786d' +
  '6c3b636861727365743d7574662d383b747970653d226170706c69636174696f6e2f736f61702b786d6c3b616374696f6e3d5c2275726e3a68656c646f75743a66696c65733a46696c65733a646f776e' +
  '6c6f6164526571756573745c22220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2062696e6172790d0a0d0a3c3f786d6c2076657273696f6e3d27312e302720656e636f64696e' +
  '673d275554462d38273f3e3c533a456e76656c6f706520786d6c6e733a533d22687474703a2f2f7777772e77332e6f72672f323030332f30352f736f61702d656e76656c6f7065223e3c533a426f6479' +
  '3e3c6e73323a646f776e6c6f616420786d6c6e733a6e73323d2275726e3a68656c646f75743a66696c6573223e3c6e616d653e62696731322e62696e3c2f6e616d653e3c73697a653e333030303c2f73' +
  '697a653e3c2f6e73323a646f776e6c6f61643e3c2f533a426f64793e3c2f533a456e76656c6f70653e0d0a2d2d757569643a31346162383432622d306265392d343930362d393161652d383737666634' +
  '6466333165362d2d';
const DOWNLOAD12_HEAD =
  '2d2d757569643a37656261356435392d613563332d346134312d623035312d3133613361656137333834310d0a436f6e74656e742d49643a203c726f6f74706172742a37656261356435392d61356333' +
  '2d346134312d623035312d313361336165613733383431406578616d706c652e6a617877732e73756e2e636f6d3e0d0a436f6e74656e742d547970653a206170706c69636174696f6e2f786f702b786d' +
  '6c3b636861727365743d7574662d383b747970653d226170706c69636174696f6e2f736f61702b786d6c220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2062696e6172790d0a' +
  '0d0a3c3f786d6c2076657273696f6e3d27312e302720656e636f64696e673d275554462d38273f3e3c533a456e76656c6f706520786d6c6e733a533d22687474703a2f2f7777772e77332e6f72672f32' +
  '3030332f30352f736f61702d656e76656c6f7065223e3c533a426f64793e3c6e73323a646f776e6c6f6164526573706f6e736520786d6c6e733a6e73323d2275726e3a68656c646f75743a66696c6573' +
  '223e3c72657475726e3e3c786f703a496e636c75646520786d6c6e733a786f703d22687474703a2f2f7777772e77332e6f72672f323030342f30382f786f702f696e636c7564652220687265663d2263' +
  '69643a33393130373639652d663065612d343262352d626331352d633135656434373336356362406578616d706c652e6a617877732e73756e2e636f6d222f3e3c2f72657475726e3e3c2f6e73323a64' +
  '6f776e6c6f6164526573706f6e73653e3c2f533a426f64793e3c2f533a456e76656c6f70653e0d0a2d2d757569643a37656261356435392d613563332d346134312d623035312d313361336165613733' +
  '3834310d0a436f6e74656e742d49643a203c33393130373639652d663065612d343262352d626331352d633135656434373336356362406578616d706c652e6a617877732e73756e2e636f6d3e0d0a43' +
  '6f6e74656e742d547970653a206170706c69636174696f6e2f6f637465742d73747265616d0d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2062696e6172790d0a0d0a';
const DOWNLOAD12_TAIL =
  '0d0a2d2d757569643a37656261356435392d613563332d346134312d623035312d3133613361656137333834312d2d';
const FAULT11_REQ =
  '2d2d757569643a35653563656161372d356664342d346665632d396464352d3366373638373063646234310d0a436f6e74656e742d49643a203c726f6f74706172742a35653563656161372d35666434' +
  '2d346665632d396464352d336637363837306364623431406578616d706c652e6a617877732e73756e2e636f6d3e0d0a436f6e74656e742d547970653a206170706c69636174696f6e2f786f702b786d' +
  '6c3b636861727365743d7574662d383b747970653d22746578742f786d6c220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2062696e6172790d0a0d0a3c3f786d6c2076657273' +
  '696f6e3d27312e302720656e636f64696e673d275554462d38273f3e3c533a456e76656c6f706520786d6c6e733a533d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f6170' +
  '2f656e76656c6f70652f223e3c533a426f64793e3c6e73323a646f776e6c6f616420786d6c6e733a6e73323d2275726e3a68656c646f75743a66696c6573223e3c6e616d653e6e65672e62696e3c2f6e' +
  '616d653e3c73697a653e2d313c2f73697a653e3c2f6e73323a646f776e6c6f61643e3c2f533a426f64793e3c2f533a456e76656c6f70653e0d0a2d2d757569643a35653563656161372d356664342d34' +
  '6665632d396464352d3366373638373063646234312d2d';
const FAULT11_RESP =
  '2d2d757569643a61643438353833632d303863312d346330612d613466632d3439353334313134636237650d0a436f6e74656e742d49643a203c726f6f74706172742a61643438353833632d30386331' +
  '2d346330612d613466632d343935333431313463623765406578616d706c652e6a617877732e73756e2e636f6d3e0d0a436f6e74656e742d547970653a206170706c69636174696f6e2f786f702b786d' +
  '6c3b636861727365743d7574662d383b747970653d22746578742f786d6c220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2062696e6172790d0a0d0a3c3f786d6c2076657273' +
  '696f6e3d27312e302720656e636f64696e673d275554462d38273f3e3c533a456e76656c6f706520786d6c6e733a533d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f6170' +
  '2f656e76656c6f70652f223e3c533a426f64793e3c533a4661756c7420786d6c6e733a6e73343d22687474703a2f2f7777772e77332e6f72672f323030332f30352f736f61702d656e76656c6f706522' +
  '3e3c6661756c74636f64653e533a5365727665723c2f6661756c74636f64653e3c6661756c74737472696e673e6e656761746976652073697a65202d313c2f6661756c74737472696e673e3c2f533a46' +
  '61756c743e3c2f533a426f64793e3c2f533a456e76656c6f70653e0d0a2d2d757569643a61643438353833632d303863312d346330612d613466632d3439353334313134636237652d2d';

const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16)));
const concat = (...a: Uint8Array[]) => {
  const out = new Uint8Array(a.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of a) {
    out.set(x, o);
    o += x.length;
  }
  return out;
};
const UPLOAD12_REQ = concat(hex(UPLOAD12_HEAD), new Uint8Array(1000).fill(0x79), hex(UPLOAD12_TAIL));
const DOWNLOAD12_RESP = concat(hex(DOWNLOAD12_HEAD), Uint8Array.from({ length: 3000 }, (_, i) => i % 251), hex(DOWNLOAD12_TAIL));

const CT_UPLOAD12_REQ = 'multipart/related;start="<rootpart*8efd02e0-f014-4d7c-b1c8-98969f4be1ce@example.jaxws.sun.com>";type="application/xop+xml";boundary="uuid:8efd02e0-f014-4d7c-b1c8-98969f4be1ce";start-info="application/soap+xml;action=\\"urn:heldout:files:Files:uploadRequest\\""';
const CT_UPLOAD12_RESP = 'multipart/related;start="<rootpart*8c7a5b1f-b4c0-4544-aa25-5d53e77deaf4@example.jaxws.sun.com>";type="application/xop+xml";boundary="uuid:8c7a5b1f-b4c0-4544-aa25-5d53e77deaf4";start-info="application/soap+xml"';
const CT_DOWNLOAD12_REQ = 'multipart/related;start="<rootpart*14ab842b-0be9-4906-91ae-877ff4df31e6@example.jaxws.sun.com>";type="application/xop+xml";boundary="uuid:14ab842b-0be9-4906-91ae-877ff4df31e6";start-info="application/soap+xml;action=\\"urn:heldout:files:Files:downloadRequest\\""';
const CT_DOWNLOAD12_RESP = 'multipart/related;start="<rootpart*7eba5d59-a5c3-4a41-b051-13a3aea73841@example.jaxws.sun.com>";type="application/xop+xml";boundary="uuid:7eba5d59-a5c3-4a41-b051-13a3aea73841";start-info="application/soap+xml"';
const CT_FAULT11_REQ = 'multipart/related;start="<rootpart*5e5ceaa7-5fd4-4fec-9dd5-3f76870cdb41@example.jaxws.sun.com>";type="application/xop+xml";boundary="uuid:5e5ceaa7-5fd4-4fec-9dd5-3f76870cdb41";start-info="text/xml"';
const CT_FAULT11_RESP = 'multipart/related;start="<rootpart*ad48583c-08c1-4c0a-a4fc-49534114cb7e@example.jaxws.sun.com>";type="application/xop+xml";boundary="uuid:ad48583c-08c1-4c0a-a4fc-49534114cb7e";start-info="text/xml"';

/** An HTTP call whose bodies the HTTP decoder read from these bytes (`cut`: the capture kept only that many). */
function mtomCall(req: { ct: string; bytes: Uint8Array; extra?: HeaderList }, resp: { ct: string; bytes: Uint8Array; cut?: number }, status = 200): Call {
  const env = nodeEnv();
  const reqHeaders: HeaderList = [['Content-Type', req.ct], ...(req.extra ?? [])];
  const respHeaders: HeaderList = [['Content-type', resp.ct], ['Transfer-encoding', 'chunked']];
  const requestBody = decodeHttpBody(req.bytes, req.bytes.length, reqHeaders, env).body;
  const kept = resp.cut !== undefined ? resp.bytes.subarray(0, resp.cut) : resp.bytes;
  const responseBody = decodeHttpBody(kept, resp.bytes.length, respHeaders, env, reqHeaders).body;
  return {
    id: 1, protocol: 'http', kind: 'unary', state: 'complete', flowId: 1,
    client: { ip: '127.0.0.1', port: 38994 }, server: { ip: '127.0.0.1', port: 27010 },
    method: 'POST', target: '/files12', timing: { startUs: 0 }, fields: {}, frames: [1], warnings: [],
    http: { version: 'HTTP/1.1', method: 'POST', uri: '/files12', status, requestHeaders: reqHeaders, requestBody, responseHeaders: respHeaders, responseBody },
  };
}

function route(call: Call): Call {
  assert.ok(soapRouter.match(call), 'the SOAP router takes the multipart/related body');
  soapRouter.apply(call, testSession({ env: nodeEnv() }));
  return call;
}

describe('SOAP MTOM (W3C SOAP MTOM 2005 section 3; XOP 1.0 section 3: xop:Include with a cid: URL; RFC 2387 multipart/related start)', () => {
  it('a SOAP 1.2 upload: the envelope is the start part, the attachment is shown by type and size, the action comes from start-info', () => {
    const c = route(mtomCall({ ct: CT_UPLOAD12_REQ, bytes: UPLOAD12_REQ }, { ct: CT_UPLOAD12_RESP, bytes: hex(UPLOAD12_RESP) }));
    assert.equal(c.protocol, 'soap');
    assert.equal(c.method, 'upload');
    assert.equal(c.fields['soap.version'], '1.2');
    assert.equal(c.fields['soap.action'], 'urn:heldout:files:Files:uploadRequest');
    assert.deepEqual(c.request?.value, {
      Body: { upload: { name: 'up.bin', data: { attachment: 'cid:aca6a45a-79dd-4e8f-8486-746ecdb77ba1@example.jaxws.sun.com', contentType: 'application/octet-stream', size: 1000 } } },
    });
    assert.deepEqual(c.response?.value, { Body: { uploadResponse: { return: '1000' } } });
    assert.deepEqual(c.warnings, []);
  });

  it('a download answered with a 3000-byte attachment (binary bytes, CR LF among them)', () => {
    const c = route(mtomCall({ ct: CT_DOWNLOAD12_REQ, bytes: hex(DOWNLOAD12_REQ) }, { ct: CT_DOWNLOAD12_RESP, bytes: DOWNLOAD12_RESP }));
    assert.equal(c.method, 'download');
    assert.deepEqual(c.request?.value, { Body: { download: { name: 'big12.bin', size: '3000' } } });
    assert.deepEqual(c.response?.value, {
      Body: { downloadResponse: { return: { attachment: 'cid:3910769e-f0ea-42b5-bc15-c15ed47365cb@example.jaxws.sun.com', contentType: 'application/octet-stream', size: 3000 } } },
    });
    assert.equal(c.status, undefined);
  });

  it('a SOAP 1.1 Fault sent as an XOP package (HTTP 500) fails the call', () => {
    const c = route(mtomCall({ ct: CT_FAULT11_REQ, bytes: hex(FAULT11_REQ), extra: [['SOAPAction', '"urn:heldout:files:Files:downloadRequest"']] }, { ct: CT_FAULT11_RESP, bytes: hex(FAULT11_RESP) }, 500));
    assert.equal(c.fields['soap.version'], '1.1');
    assert.equal(c.fields['soap.action'], 'urn:heldout:files:Files:downloadRequest');
    assert.deepEqual(c.status, { code: 'S:Server', text: 'negative size -1', ok: false });
    assert.deepEqual(c.warnings, []);
  });

  it('an attachment the capture cut is shown with what was captured; a root part cut is not read as values', () => {
    const whole = DOWNLOAD12_RESP.length;
    const c = route(mtomCall({ ct: CT_DOWNLOAD12_REQ, bytes: hex(DOWNLOAD12_REQ) }, { ct: CT_DOWNLOAD12_RESP, bytes: DOWNLOAD12_RESP, cut: whole - 1000 }));
    const ret = (c.response?.value as { Body: { downloadResponse: { return: Record<string, unknown> } } }).Body.downloadResponse.return;
    assert.equal(ret.cut, true);
    assert.ok((ret.size as number) < 3000);
    const rootEnd = new TextDecoder('latin1').decode(DOWNLOAD12_RESP).indexOf('</S:Body>');
    const d = route(mtomCall({ ct: CT_DOWNLOAD12_REQ, bytes: hex(DOWNLOAD12_REQ) }, { ct: CT_DOWNLOAD12_RESP, bytes: DOWNLOAD12_RESP, cut: rootEnd }));
    assert.equal(d.response?.value, undefined);
    assert.ok(d.warnings.some((w) => w.startsWith('SOAP response not captured whole')), d.warnings.join('; '));
  });

  it('an attachment past the body preview limit is cut there: the values before it are read', () => {
    const env = { ...nodeEnv(), limits: { ...nodeEnv().limits, maxBodyBytes: 2000 } };
    const reqHeaders: HeaderList = [['Content-Type', CT_DOWNLOAD12_REQ]];
    const respHeaders: HeaderList = [['Content-type', CT_DOWNLOAD12_RESP]];
    const c = mtomCall({ ct: CT_DOWNLOAD12_REQ, bytes: hex(DOWNLOAD12_REQ) }, { ct: CT_DOWNLOAD12_RESP, bytes: DOWNLOAD12_RESP });
    c.http!.responseBody = decodeHttpBody(DOWNLOAD12_RESP, DOWNLOAD12_RESP.length, respHeaders, env, reqHeaders).body;
    route(c);
    const ret = (c.response?.value as { Body: { downloadResponse: { return: Record<string, unknown> } } }).Body.downloadResponse.return;
    assert.equal(ret.cut, true);
    assert.ok((ret.size as number) < 2000);
    assert.equal(c.status, undefined);
  });

  it('an xop:Include naming no part of the message is a warning, not a failure', () => {
    const text = new TextDecoder('latin1').decode(DOWNLOAD12_RESP).replace('href="cid:3910769e', 'href="cid:0000769e');
    const c = route(mtomCall({ ct: CT_DOWNLOAD12_REQ, bytes: hex(DOWNLOAD12_REQ) }, { ct: CT_DOWNLOAD12_RESP, bytes: Uint8Array.from(text, (ch) => ch.charCodeAt(0)) }));
    assert.deepEqual((c.response?.value as { Body: { downloadResponse: unknown } }).Body.downloadResponse, { return: { attachment: 'cid:0000769e-f0ea-42b5-bc15-c15ed47365cb@example.jaxws.sun.com' } });
    assert.ok(c.warnings.some((w) => /cid:0000769e.*is not a part of the message/.test(w)), c.warnings.join('; '));
  });
});

// SOAP with Attachments: a SAAJ 1.4 client (saaj-impl, Debian) sends two pictures referenced by href="cid:…"; a
// JAX-WS Provider<SOAPMessage> answers with two receipts (the attachments are 700 x 0x80 and 1000 x 0x81).
const SWA_REQ_0 =
  '2d2d2d2d2d2d3d5f506172745f305f313533323430393432382e313739353339343134393936370d0a436f6e74656e742d547970653a20746578742f786d6c3b20636861727365743d7574662d380d0a' +
  '0d0a3c534f41502d454e563a456e76656c6f706520786d6c6e733a534f41502d454e563d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f61702f656e76656c6f70652f223e' +
  '3c534f41502d454e563a4865616465722f3e3c534f41502d454e563a426f64793e3c733a73746f726520786d6c6e733a733d2275726e3a68656c646f75743a737761223e3c7069637475726520687265' +
  '663d226369643a7069632d304068656c646f7574222f3e3c7069637475726520687265663d226369643a7069632d314068656c646f7574222f3e3c2f733a73746f72653e3c2f534f41502d454e563a42' +
  '6f64793e3c2f534f41502d454e563a456e76656c6f70653e0d0a2d2d2d2d2d2d3d5f506172745f305f313533323430393432382e313739353339343134393936370d0a436f6e74656e742d547970653a' +
  '20696d6167652f706e670d0a436f6e74656e742d49443a203c7069632d304068656c646f75743e0d0a0d0a';
const SWA_REQ_1 =
  '0d0a2d2d2d2d2d2d3d5f506172745f305f313533323430393432382e313739353339343134393936370d0a436f6e74656e742d547970653a20696d6167652f706e670d0a436f6e74656e742d49443a20' +
  '3c7069632d314068656c646f75743e0d0a0d0a';
const SWA_REQ_2 =
  '0d0a2d2d2d2d2d2d3d5f506172745f305f313533323430393432382e313739353339343134393936372d2d';
const SWA_RESP_0 =
  '2d2d757569643a66663064613439612d643139332d346632642d393737632d6666343765303132376235350d0a436f6e74656e742d547970653a20746578742f786d6c3b20636861727365743d757466' +
  '2d380d0a0d0a3c3f786d6c2076657273696f6e3d27312e302720656e636f64696e673d275554462d38273f3e3c534f41502d454e563a456e76656c6f706520786d6c6e733a534f41502d454e563d2268' +
  '7474703a2f2f736368656d61732e786d6c736f61702e6f72672f736f61702f656e76656c6f70652f223e3c534f41502d454e563a4865616465722f3e3c534f41502d454e563a426f64793e3c733a7374' +
  '6f7265526573706f6e736520786d6c6e733a733d2275726e3a68656c646f75743a737761223e3c7265636569707420687265663d226369643a726563656970742d304068656c646f7574222f3e3c7265' +
  '636569707420687265663d226369643a726563656970742d314068656c646f7574222f3e3c636f756e743e323c2f636f756e743e3c2f733a73746f7265526573706f6e73653e3c2f534f41502d454e56' +
  '3a426f64793e3c2f534f41502d454e563a456e76656c6f70653e0d0a2d2d757569643a66663064613439612d643139332d346632642d393737632d6666343765303132376235350d0a436f6e74656e74' +
  '2d49643a3c726563656970742d304068656c646f75743e0d0a436f6e74656e742d547970653a20696d6167652f706e670d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2062696e' +
  '6172790d0a0d0a';
const SWA_RESP_1 =
  '0d0a2d2d757569643a66663064613439612d643139332d346632642d393737632d6666343765303132376235350d0a436f6e74656e742d49643a3c726563656970742d314068656c646f75743e0d0a43' +
  '6f6e74656e742d547970653a20696d6167652f706e670d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2062696e6172790d0a0d0a';
const SWA_RESP_2 =
  '0d0a2d2d757569643a66663064613439612d643139332d346632642d393737632d6666343765303132376235352d2d';
const SWA_REQ = concat(hex(SWA_REQ_0), new Uint8Array(700).fill(0x80), hex(SWA_REQ_1), new Uint8Array(1000).fill(0x81), hex(SWA_REQ_2));
const SWA_RESP = concat(hex(SWA_RESP_0), new Uint8Array(1000).fill(0x81), hex(SWA_RESP_1), new Uint8Array(700).fill(0x80), hex(SWA_RESP_2));

describe('SOAP with Attachments (W3C Note 11 December 2000, sections 2-3: multipart/related, href="cid:…")', () => {
  it('the envelope is the first part (no start parameter), each href names its part by type and size', () => {
    const c = route(
      mtomCall(
        { ct: 'multipart/related; boundary="----=_Part_0_1532409428.1795394149967"; type="text/xml"', bytes: SWA_REQ, extra: [['SOAPAction', '"urn:heldout:swa:store"']] },
        { ct: 'multipart/related; type="text/xml"; boundary="uuid:ff0da49a-d193-4f2d-977c-ff47e0127b55"', bytes: SWA_RESP },
      ),
    );
    assert.equal(c.method, 'store');
    assert.equal(c.fields['soap.action'], 'urn:heldout:swa:store');
    assert.deepEqual(c.request?.value, {
      Header: '',
      Body: { store: { picture: [ { attachment: 'cid:pic-0@heldout', contentType: 'image/png', size: 700 }, { attachment: 'cid:pic-1@heldout', contentType: 'image/png', size: 1000 } ] } },
    });
    assert.deepEqual(c.response?.value, {
      Header: '',
      Body: { storeResponse: { receipt: [ { attachment: 'cid:receipt-0@heldout', contentType: 'image/png', size: 1000 }, { attachment: 'cid:receipt-1@heldout', contentType: 'image/png', size: 700 } ], count: '2' } },
    });
    assert.deepEqual(c.warnings, []);
  });
});

describe('XOP 1.0 section 3.2 / RFC 2392: the href is the Content-ID %-escaped (as WCF writes it)', () => {
  it('an escaped cid: URL finds its part; the root is the start part even when it is not first', () => {
    const b = 'uuid:0d3b7c2e';
    const att = 'http://tempuri.org/1/637000000000000000';
    const env = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetFileResponse xmlns="http://tempuri.org/"><GetFileResult><xop:Include href="cid:${encodeURIComponent(att)}" xmlns:xop="http://www.w3.org/2004/08/xop/include"/></GetFileResult></GetFileResponse></s:Body></s:Envelope>`;
    const body =
      `--${b}\r\nContent-ID: <${att}>\r\nContent-Transfer-Encoding: binary\r\nContent-Type: application/octet-stream\r\n\r\n0123456789\r\n` +
      `--${b}\r\nContent-ID: <http://tempuri.org/0>\r\nContent-Transfer-Encoding: 8bit\r\nContent-Type: application/xop+xml;charset=utf-8;type="application/soap+xml"\r\n\r\n${env}\r\n--${b}--\r\n`;
    const ct = `multipart/related;type="application/xop+xml";start="<http://tempuri.org/0>";boundary="${b}";start-info="application/soap+xml"`;
    const req = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetFile xmlns="http://tempuri.org/"><name>a.bin</name></GetFile></s:Body></s:Envelope>`;
    const c = route(mtomCall({ ct: 'application/soap+xml; charset=utf-8; action="http://tempuri.org/IFiles/GetFile"', bytes: new TextEncoder().encode(req) }, { ct, bytes: new TextEncoder().encode(body) }));
    assert.equal(c.method, 'GetFile');
    assert.equal(c.fields['soap.action'], 'http://tempuri.org/IFiles/GetFile');
    assert.deepEqual(c.response?.value, { Body: { GetFileResponse: { GetFileResult: { attachment: `cid:${encodeURIComponent(att)}`, contentType: 'application/octet-stream', size: 10 } } } });
    assert.deepEqual(c.warnings, []);
  });
});
