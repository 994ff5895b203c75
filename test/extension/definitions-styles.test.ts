/**
 * OpenAPI parameter styles, form bodies and path-item parameters, checked as the linker checks calls:
 * OAS 3.0.3 §4.7.12.4 Style Values / Style Examples (matrix, label, form, simple, spaceDelimited,
 * pipeDelimited, deepObject, with and without explode), §4.7.14–4.7.15 Media Type and Encoding
 * Objects (urlencoded and multipart/form-data bodies), Swagger 2.0 §Path Item Object / OAS 3.0
 * §4.7.9 (a path item's parameters, an operation's own of the same name and location replacing them).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { nodeEnv } from '../../cli/platform/node-env';
import { decodeHttpBody } from '../../decoders/http-common/body';
import type { Body, HeaderList } from '../../decoders/core/model';
import { parseOpenApi, matchOperation, type ParameterRef } from '../../decoders/definitions/openapi';
import { bracketObject, readParameter, type RequestParameters } from '../../decoders/definitions/params';
import { formValue } from '../../decoders/definitions/forms';
import { Linker } from '../../extension/definitions/linker';
import { makeCall } from './builders';

const env = nodeEnv();

function doc(paths: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ openapi: '3.0.3', info: { title: 'styles', version: '1' }, paths, ...extra });
}

function linkerOf(text: string): Linker {
  return new Linker({ openapi: [{ path: '/w/openapi.json', text }], asyncapi: [], proto: [] });
}

function call(method: string, uri: string, headers: HeaderList = [], body?: Body) {
  return makeCall({ method, target: uri, http: { version: 'HTTP/1.1', method, uri, status: 200, requestHeaders: headers, ...(body ? { requestBody: body } : {}) } });
}

function body(contentType: string, text: string | Uint8Array): Body {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return decodeHttpBody(bytes, bytes.length, [['Content-Type', contentType]], env).body;
}

const COLOR = { type: 'object', properties: { R: { type: 'integer', maximum: 255 }, G: { type: 'integer', maximum: 255 }, B: { type: 'integer', maximum: 255 } } };
const IDS = { type: 'array', items: { type: 'integer', minimum: 1 } };

describe('path parameters: simple, label and matrix (OAS 3.0.3 §4.7.12.4 Style Examples)', () => {
  const param = (style: string, explode: boolean, schema: unknown) => ({ name: 'id', in: 'path', required: true, style, explode, schema });
  const text = doc({
    '/m/{id}': { get: { parameters: [param('matrix', false, { type: 'integer', minimum: 1 })], responses: { 200: { description: 'ok' } } } },
    '/ma/{id}': { get: { parameters: [param('matrix', false, IDS)], responses: { 200: { description: 'ok' } } } },
    '/me/{id}': { get: { parameters: [param('matrix', true, IDS)], responses: { 200: { description: 'ok' } } } },
    '/mo/{id}': { get: { parameters: [param('matrix', true, COLOR)], responses: { 200: { description: 'ok' } } } },
    '/mon/{id}': { get: { parameters: [param('matrix', false, COLOR)], responses: { 200: { description: 'ok' } } } },
    '/l/{id}': { get: { parameters: [param('label', false, { type: 'integer' })], responses: { 200: { description: 'ok' } } } },
    '/la/{id}': { get: { parameters: [param('label', false, IDS)], responses: { 200: { description: 'ok' } } } },
    '/lo/{id}': { get: { parameters: [param('label', true, COLOR)], responses: { 200: { description: 'ok' } } } },
    '/s/{id}': { get: { parameters: [param('simple', false, COLOR)], responses: { 200: { description: 'ok' } } } },
    '/se/{id}': { get: { parameters: [param('simple', true, COLOR)], responses: { 200: { description: 'ok' } } } },
    // a matrix parameter right after a literal (`/cars;id=5`): the template has no slash before it
    '/cars{id}': { get: { operationId: 'cars', parameters: [param('matrix', false, { type: 'integer' })], responses: { 200: { description: 'ok' } } } },
  });
  const l = linkerOf(text);
  const w = (uri: string) => l.link(call('GET', uri))?.warnings;
  test('matrix: `;id=5`, `;id=3,4,5`, exploded `;id=3;id=4`, objects `;R=100;G=200` and `;id=R,100,G,200`', () => {
    assert.deepEqual(w('/m/;id=5'), []);
    assert.deepEqual(w('/m/;id=0'), ['path parameter id must be >= 1']);
    assert.deepEqual(w('/m/;id=x'), ['path parameter id must be integer']);
    assert.deepEqual(w('/m/5'), ['path parameter id is not written ;id=value (style matrix)']);
    assert.deepEqual(w('/m/;other=5'), ['path parameter id is not written ;id=value (style matrix)']);
    assert.deepEqual(w('/ma/;id=3,4,5'), []);
    assert.deepEqual(w('/ma/;id=3,0'), ['path parameter id/1 must be >= 1']);
    assert.deepEqual(w('/me/;id=3;id=4;id=5'), []);
    assert.deepEqual(w('/me/;id=3;id=x'), ['path parameter id/1 must be integer']);
    assert.deepEqual(w('/mo/;R=100;G=200;B=150'), []);
    assert.deepEqual(w('/mo/;R=100;G=300'), ['path parameter id/G must be <= 255']);
    assert.deepEqual(w('/mon/;id=R,100,G,200'), []);
    assert.deepEqual(w('/mon/;id=R,100,G'), ['path parameter id is not name,value pairs (style matrix)']);
    assert.deepEqual(l.link(call('GET', '/cars;id=5'))?.ref.name, 'GET /cars{id} (cars)');
    assert.deepEqual(w('/cars;id=five'), ['path parameter id must be integer']);
  });
  test('label: `.5`, `.3.4.5` (and RFC 6570\'s `.3,4,5`), exploded objects `.R=100.G=200`', () => {
    assert.deepEqual(w('/l/.5'), []);
    assert.deepEqual(w('/l/5'), ['path parameter id is not written .value (style label)']);
    assert.deepEqual(w('/la/.3.4.5'), []);
    assert.deepEqual(w('/la/.3,4,5'), []);
    assert.deepEqual(w('/la/.3.0'), ['path parameter id/1 must be >= 1']);
    assert.deepEqual(w('/lo/.R=100.G=200.B=150'), []);
    assert.deepEqual(w('/lo/.R=100.G=256'), ['path parameter id/G must be <= 255']);
  });
  test('simple objects: `R,100,G,200` and exploded `R=100,G=200`; reserved characters split before decoding', () => {
    assert.deepEqual(w('/s/R,100,G,200'), []);
    assert.deepEqual(w('/s/R,100,G,x'), ['path parameter id/G must be integer']);
    assert.deepEqual(w('/se/R=100,G=200'), []);
    assert.deepEqual(w('/se/R=1000'), ['path parameter id/R must be <= 255']);
    const p: ParameterRef = { name: 'id', in: 'path', required: true, arrayFormat: 'csv', style: 'simple', explode: false, schemaNode: {} };
    const req: RequestParameters = { path: { id: 'a%2Cb,c' }, query: new Map(), header: () => undefined, cookies: new Map() };
    assert.deepEqual(readParameter({}, p, { type: 'array', items: { type: 'string' } }, req), { value: ['a,b', 'c'] });
  });
});

describe('query parameters: form, spaceDelimited, pipeDelimited, deepObject (OAS 3.0.3 §4.7.12.4)', () => {
  const text = doc({
    '/find': {
      get: {
        operationId: 'find',
        parameters: [
          { name: 'color', in: 'query', style: 'form', explode: false, schema: COLOR },
          { name: 'ids', in: 'query', style: 'spaceDelimited', schema: IDS },
          { name: 'tags', in: 'query', style: 'pipeDelimited', schema: { type: 'array', items: { type: 'string', enum: ['a', 'b', 'c'] } } },
          { name: 'filter', in: 'query', style: 'deepObject', explode: true, schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 }, size: { type: 'object', properties: { min: { type: 'number' } } }, kinds: { type: 'array', items: { type: 'string' } } }, additionalProperties: false } },
          { name: 'limit', in: 'query', schema: { type: 'integer' } },
        ],
        responses: { 200: { description: 'ok' } },
      },
    },
    '/page': {
      get: {
        operationId: 'page',
        parameters: [
          { name: 'paging', in: 'query', required: true, schema: { type: 'object', required: ['offset'], properties: { offset: { type: 'integer' }, size: { type: 'integer', maximum: 50 } } } },
          { name: 'q', in: 'query', schema: { type: 'string' } },
        ],
        responses: { 200: { description: 'ok' } },
      },
    },
  });
  const l = linkerOf(text);
  const w = (uri: string) => l.link(call('GET', uri))?.warnings;
  test('form, not exploded: `color=R,100,G,200`; spaceDelimited `3%204`; pipeDelimited `a|b`', () => {
    assert.deepEqual(w('/find?color=R,100,G,200&ids=3%204%205&tags=a|b&limit=2'), []);
    assert.deepEqual(w('/find?color=R%2C100%2CG%2C999'), ['query parameter color/G must be <= 255']);
    assert.deepEqual(w('/find?color=R,100,G'), ['query parameter color is not name,value pairs (style form)']);
    assert.deepEqual(w('/find?ids=3+x'), ['query parameter ids/1 must be integer']);
    assert.deepEqual(w('/find?tags=a|z'), ['query parameter tags/1 must be one of ["a","b","c"]']);
  });
  test('deepObject: `filter[name]=x&filter[age]=3`, nested and repeated names; brackets percent-encoded too', () => {
    assert.deepEqual(w('/find?filter[name]=ada&filter[age]=36&filter[size][min]=1.5&filter[kinds][]=x&filter[kinds][]=y'), []);
    assert.deepEqual(w('/find?filter%5Bname%5D=ada&filter%5Bage%5D=-1'), ['query parameter filter/age must be >= 0']);
    assert.deepEqual(w('/find?filter[age]=old&filter[nick]=x'), ['query parameter filter has unexpected property "nick"', 'query parameter filter/age must be integer']);
    assert.deepEqual(w('/find?filter=ada'), ['query parameter filter is not written filter[name]=value (style deepObject)']);
    assert.deepEqual(
      bracketObject({}, { type: 'object' }, 'f', new Map([['f[a][b][c][d][e][f][g][h][i][j]', ['1']]])),
      { a: { b: { c: { d: { e: { f: { g: { 'h[i][j]': '1' } } } } } } } },
      'nesting stops at MAX_DEPTH',
    );
  });
  test('form, exploded object (the default): its properties are names of their own, the other parameters\' names are not', () => {
    assert.deepEqual(w('/page?offset=10&size=20&q=x'), []);
    assert.deepEqual(w('/page?offset=10&size=99'), ['query parameter paging/size must be <= 50']);
    assert.deepEqual(w('/page?size=20'), ["query parameter paging must have required property 'offset'"]);
    assert.deepEqual(w('/page?q=x'), ['query parameter paging is required and missing']);
  });
});

describe('parameters described by `content` (OAS 3.0.3 §4.7.12 Parameter Object)', () => {
  test('a JSON query parameter and header are parsed and checked; text that is not JSON is a problem', () => {
    const text = doc({
      '/search': {
        get: {
          parameters: [
            { name: 'q', in: 'query', required: true, content: { 'application/json': { schema: { type: 'object', required: ['term'], properties: { term: { type: 'string' }, limit: { type: 'integer', maximum: 50 } } } } } },
            { name: 'X-Opts', in: 'header', content: { 'application/json': { schema: { type: 'array', items: { type: 'boolean' } } } } },
          ],
          responses: { 200: { description: 'ok' } },
        },
      },
    });
    const l = linkerOf(text);
    const w = (uri: string, headers: HeaderList = []) => l.link(call('GET', uri, headers))?.warnings;
    assert.deepEqual(w(`/search?q=${encodeURIComponent('{"term":"ada","limit":5}')}`, [['X-Opts', '[true,false]']]), []);
    assert.deepEqual(w(`/search?q=${encodeURIComponent('{"limit":99}')}`, [['X-Opts', '[1]']]), ["query parameter q must have required property 'term'", 'query parameter q/limit must be <= 50', 'header parameter X-Opts/0 must be boolean']);
    assert.deepEqual(w('/search?q=ada'), ['query parameter q is not application/json (its content)']);
    assert.deepEqual(w('/search'), ['query parameter q is required and missing']);
  });
});

describe('header and cookie parameters with arrays and objects (simple; form)', () => {
  const text = doc({
    '/h': {
      get: {
        parameters: [
          { name: 'X-Color', in: 'header', schema: COLOR },
          { name: 'X-Color-E', in: 'header', explode: true, schema: COLOR },
          { name: 'X-Ids', in: 'header', schema: IDS },
          { name: 'ids', in: 'cookie', explode: false, schema: IDS },
          { name: 'color', in: 'cookie', explode: false, schema: COLOR },
          { name: 'debug', in: 'cookie', schema: { type: 'boolean' } },
        ],
        responses: { 200: { description: 'ok' } },
      },
    },
  });
  const l = linkerOf(text);
  const w = (headers: HeaderList) => l.link(call('GET', '/h', headers))?.warnings;
  test('header: `R,100,G,200`, exploded `R=100, G=200`, arrays with white space; cookie: `ids=3,4`, `color=R,100`', () => {
    assert.deepEqual(w([['X-Color', 'R,100,G,200'], ['X-Color-E', 'R=100, G=200'], ['X-Ids', '3, 4'], ['Cookie', 'ids=3,4; color=R,100,B,7; debug=true']]), []);
    assert.deepEqual(w([['X-Color', 'R,100,G,300'], ['X-Color-E', 'R=x'], ['X-Ids', '3, 0'], ['Cookie', 'ids=3,y; color=R,100,B; debug=maybe']]), [
      'header parameter X-Color/G must be <= 255',
      'header parameter X-Color-E/R must be integer',
      'header parameter X-Ids/1 must be >= 1',
      'cookie parameter ids/1 must be integer',
      'cookie parameter color is not name,value pairs after a comma (style form)',
      'cookie parameter debug must be boolean',
    ]);
  });
});

describe('form bodies (OAS 3.0.3 §4.7.14 Media Type, §4.7.15 Encoding Object)', () => {
  const schema = {
    type: 'object',
    required: ['name', 'age'],
    properties: {
      name: { type: 'string', minLength: 2 },
      age: { type: 'integer', minimum: 0 },
      subscribe: { type: 'boolean' },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
      ids: { type: 'array', items: { type: 'integer' } },
      address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'integer' } }, required: ['city'] },
      meta: { type: 'object', properties: { v: { type: 'integer' } } },
    },
    additionalProperties: false,
  };
  const text = doc({
    '/people': {
      post: {
        operationId: 'addPerson',
        requestBody: { content: { 'application/x-www-form-urlencoded': { schema, encoding: { ids: { style: 'form', explode: false }, meta: { contentType: 'application/json' } } } } },
        responses: { 201: { description: 'ok' } },
      },
    },
    '/upload': {
      post: {
        operationId: 'upload',
        requestBody: {
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file', 'meta'],
                properties: {
                  file: { type: 'string', format: 'binary' },
                  pages: { type: 'array', items: { type: 'string', format: 'binary' } },
                  meta: { type: 'object', required: ['title'], properties: { title: { type: 'string' }, year: { type: 'integer' } } },
                  count: { type: 'integer', maximum: 10 },
                  note: { type: 'string', maxLength: 5 },
                  labels: { type: 'array', items: { type: 'string' } },
                },
              },
              encoding: { file: { contentType: 'image/png, image/jpeg' } },
            },
          },
        },
        responses: { 201: { description: 'ok' } },
      },
    },
  });
  const l = linkerOf(text);
  const post = (path: string, b: Body) => l.link(call('POST', path, [['Content-Type', b.contentType ?? '']], b))?.warnings;
  const form = (t: string) => body('application/x-www-form-urlencoded', t);
  test('urlencoded: fields typed by their schema; arrays repeated or (explode: false) comma-separated; objects in brackets or JSON', () => {
    assert.deepEqual(post('/people', form('name=Ada+L&age=36&subscribe=true&tags=a&tags=b&ids=1,2&address[city]=Paris&address[zip]=75001&meta=%7B%22v%22%3A1%7D')), []);
    assert.deepEqual(post('/people', form('name=A&age=x&subscribe=yes&tags=a&tags=b&tags=c&tags=d&ids=1,z&address[zip]=1&meta=%7B%22v%22%3A%22one%22%7D&extra=1')), [
      'request body (root) has unexpected property "extra"',
      'request body /name must NOT have fewer than 2 characters',
      'request body /age must be integer',
      'request body /subscribe must be boolean',
      'request body /tags must NOT have more than 3 items',
    ]);
    assert.deepEqual(post('/people', form('name=Ada')), ["request body (root) must have required property 'age'"]);
  });
  const mp = (parts: Array<{ name: string; filename?: string; type?: string; data: string }>) => {
    const b = 'XyZ-boundary';
    const text = parts.map((p) => `--${b}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n${p.data}\r\n`).join('') + `--${b}--\r\n`;
    return body(`multipart/form-data; boundary=${b}`, text);
  };
  test('multipart: a file just present (with its size), JSON parts parsed, text parts typed, repeated parts an array; encoding contentType', () => {
    const ok = mp([
      { name: 'file', filename: 'a.png', type: 'image/png', data: '\x89PNG....' },
      { name: 'pages', filename: 'p1.pdf', type: 'application/pdf', data: '%PDF-1' },
      { name: 'pages', filename: 'p2.pdf', type: 'application/pdf', data: '%PDF-2' },
      { name: 'meta', type: 'application/json', data: '{"title":"scan","year":2026}' },
      { name: 'count', data: '3' },
      { name: 'labels', data: 'x' },
      { name: 'labels', data: 'y' },
    ]);
    assert.deepEqual(post('/upload', ok), []);
    const v = formValue({}, { type: 'object', properties: { file: { type: 'string', format: 'binary' } } }, ok)!;
    assert.equal(v.value.file, '(file "a.png", 9 bytes)');
    const bad = mp([
      { name: 'file', filename: 'a.gif', type: 'image/gif', data: 'GIF89a' },
      { name: 'meta', data: '{"year":"old"}' },
      { name: 'count', data: '11' },
      { name: 'note', data: 'too long' },
    ]);
    assert.deepEqual(post('/upload', bad), [
      'request body part "file" is image/gif, the encoding says image/png, image/jpeg',
      "request body /meta must have required property 'title'",
      'request body /meta/year must be integer',
      'request body /count must be <= 10',
      'request body /note must NOT have more than 5 characters',
    ]);
    assert.deepEqual(post('/upload', mp([{ name: 'meta', data: '{"title":"t"}' }])), ["request body (root) must have required property 'file'"]);
  });
  test("multipart as Node's FormData writes it (undici): a JSON Blob part (file name \"blob\") is parsed and checked", async () => {
    const fd = new FormData();
    fd.append('file', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' }), 'p.png');
    fd.append('meta', new Blob([JSON.stringify({ year: 2026 })], { type: 'application/json' }));
    fd.append('count', '12');
    const res = new Response(fd);
    const b = body(res.headers.get('content-type')!, new Uint8Array(await res.arrayBuffer()));
    assert.deepEqual(post('/upload', b), ["request body /meta must have required property 'title'", 'request body /count must be <= 10']);
  });
  test("a body of a type the operation does not take is said (OAS 3.x §Request Body Object content; FastAPI's 422 for a form sent urlencoded where it reads multipart)", () => {
    assert.deepEqual(post('/upload', form('note=no+file')), ['request body is application/x-www-form-urlencoded, the operation takes multipart/form-data']);
    assert.deepEqual(post('/people', body('application/json', '{"name":"Ada","age":3}')), ['request body is application/json, the operation takes application/x-www-form-urlencoded']);
    const wild = linkerOf(doc({ '/any': { post: { requestBody: { content: { 'text/*': {}, 'application/json': {} } }, responses: { 200: { description: 'ok' } } } } }));
    const send = (b: Body) => wild.link(call('POST', '/any', [['Content-Type', b.contentType!]], b))?.warnings;
    assert.deepEqual(send(body('text/csv; charset=utf-8', 'a,b')), []);
    assert.deepEqual(send(body('application/json; charset=utf-8', '{}')), []);
    assert.deepEqual(send(body('application/xml', '<a/>')), ['request body is application/xml, the operation takes text/*, application/json']);
  });
  test('multipart: a long text part (its text not kept) is present but unchecked; a cut body reports no missing field', () => {
    const long = mp([{ name: 'file', filename: 'f.png', type: 'image/png', data: 'x' }, { name: 'meta', data: '{"title":"t"}' }, { name: 'note', data: 'n'.repeat(2000) }]);
    assert.deepEqual(post('/upload', long), []);
    const b = 'XyZ-boundary';
    const cut = body(`multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data; name="count"\r\n\r\n99\r\n--${b}\r\nContent-Disposition: form-data; name="file"; filename="f.png"\r\n\r\nxxxx`);
    assert.deepEqual(post('/upload', cut), ['request body /count must be <= 10']);
  });
});

describe("path item parameters: an operation's own of the same name and location replace them (2.0 §Path Item Object, OAS 3.0 §4.7.9)", () => {
  test('2.0: a body parameter on the path item applies to every operation; an operation\'s own body replaces it', () => {
    const sw = JSON.stringify({
      swagger: '2.0',
      info: { title: 's', version: '1' },
      paths: {
        '/items/{id}': {
          parameters: [{ name: 'id', in: 'path', required: true, type: 'integer' }, { name: 'item', in: 'body', required: true, schema: { $ref: '#/definitions/Item' } }],
          put: { operationId: 'replace', responses: { 200: { description: 'ok' } } },
          patch: { operationId: 'patch', parameters: [{ name: 'patch', in: 'body', schema: { type: 'object', properties: { title: { type: 'string' } } } }], responses: { 200: { description: 'ok' } } },
        },
        '/photos': {
          parameters: [{ name: 'caption', in: 'formData', type: 'string', required: true }, { name: 'width', in: 'formData', type: 'integer', maximum: 100 }],
          post: { operationId: 'addPhoto', consumes: ['multipart/form-data'], parameters: [{ name: 'width', in: 'formData', type: 'integer', maximum: 4000 }, { name: 'photo', in: 'formData', type: 'file', required: true }, { name: 'sizes', in: 'formData', type: 'array', items: { type: 'integer' } }], responses: { 201: { description: 'ok' } } },
        },
      },
      definitions: { Item: { type: 'object', required: ['title'], properties: { title: { type: 'string' } } } },
    });
    const l = new Linker({ openapi: [{ path: '/w/swagger.json', text: sw }], asyncapi: [], proto: [] });
    const json = (v: unknown) => body('application/json', JSON.stringify(v));
    const send = (method: string, uri: string, b: Body) => l.link(makeCall({ method, target: uri, http: { version: 'HTTP/1.1', method, uri, status: 200, requestHeaders: [['Content-Type', b.contentType!]], requestBody: b } }))?.warnings;
    assert.deepEqual(send('PUT', '/items/1', json({ title: 'x' })), []);
    assert.deepEqual(send('PUT', '/items/1', json({ name: 'x' })), ["request body (root) must have required property 'title'"]);
    assert.deepEqual(send('PATCH', '/items/1', json({ name: 'x' })), []);
    assert.deepEqual(send('PATCH', '/items/1', json({ title: 3 })), ['request body /title must be string']);
    const b = 'b0undary';
    const mp = (parts: string[]) => body(`multipart/form-data; boundary=${b}`, parts.map((p) => `--${b}\r\n${p}\r\n`).join('') + `--${b}--\r\n`);
    const photo = 'Content-Disposition: form-data; name="photo"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff';
    assert.deepEqual(send('POST', '/photos', mp([photo, 'Content-Disposition: form-data; name="caption"\r\n\r\nsea', 'Content-Disposition: form-data; name="width"\r\n\r\n1024', 'Content-Disposition: form-data; name="sizes"\r\n\r\n1,2'])), []);
    assert.deepEqual(send('POST', '/photos', mp(['Content-Disposition: form-data; name="width"\r\n\r\n5000', 'Content-Disposition: form-data; name="sizes"\r\n\r\n1,x'])), [
      "request body (root) must have required property 'caption'",
      "request body (root) must have required property 'photo'",
      'request body /width must be <= 4000',
      'request body /sizes/1 must be integer',
    ]);
  });
  test('3.x: the operation\'s parameter replaces the path item\'s of the same name and location, not one of another location', () => {
    const text = doc({
      '/things/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }, { name: 'v', in: 'query', required: true, schema: { type: 'integer' } }, { name: 'v', in: 'header', schema: { type: 'integer' } }],
        get: { parameters: [{ name: 'v', in: 'query', schema: { type: 'string', enum: ['a'] } }], responses: { 200: { description: 'ok' } } },
      },
    });
    const d = parseOpenApi('/w/o.json', text)!;
    assert.deepEqual(matchOperation([d], 'GET', '/things/1')!.op.parameters.map((p) => `${p.in} ${p.name} ${p.required}`), ['path id true', 'query v false', 'header v false']);
    const l = linkerOf(text);
    assert.deepEqual(l.link(call('GET', '/things/1?v=b', [['v', 'x']]))?.warnings, ['query parameter v must be one of ["a"]', 'header parameter v must be integer']);
  });
});

describe('never throws, bounded', () => {
  test('odd texts through every style and shape, and odd form bodies', () => {
    const styles: Array<[ParameterRef['in'], NonNullable<ParameterRef['style']>]> = [
      ['path', 'simple'], ['path', 'label'], ['path', 'matrix'], ['query', 'form'], ['query', 'spaceDelimited'], ['query', 'pipeDelimited'], ['query', 'deepObject'], ['header', 'simple'], ['cookie', 'form'],
    ];
    const schemas = [COLOR, IDS, { type: 'integer' }, {}, null, { $ref: '#/nowhere' }, { type: 'object', additionalProperties: { type: 'array', items: { type: 'number' } } }];
    const texts = ['', ';', '.', '=', ',,,', ';x=%ZZ;;=', '.%E0%A4%A', '__proto__=1', 'a[b][c', 'a]', `${'x,'.repeat(5000)}`, '[[[[]]]]'];
    let n = 0;
    let capped = 0;
    for (const [where, style] of styles)
      for (const schema of schemas)
        for (const t of texts)
          for (const explode of [false, true]) {
            const p: ParameterRef = { name: 'a', in: where, required: false, arrayFormat: 'csv', style, explode, schemaNode: {} };
            const req: RequestParameters = { path: { a: t }, query: new Map([['a', [t]], [`a[${t}]`, [t]], [t, [t]]]), header: () => t, cookies: new Map([['a', [t]]]) };
            const r = readParameter({}, p, schema, req);
            if (r && 'value' in r && Array.isArray(r.value)) assert.ok(r.value.length <= 1000);
            if (r && 'value' in r && Array.isArray(r.value) && r.value.length === 1000) capped++;
            n++;
          }
    assert.ok(n > 1000);
    // (the bound was reached, not just never approached: the 5000-item comma list is cut at 1000 where a
    // style reads it as an array — path simple and header, exploded or not; query form and cookie, not exploded)
    assert.ok(capped >= 6, `${capped} readings cut at 1000`);
    let read = 0;
    for (const ct of ['multipart/form-data; boundary=b', 'application/x-www-form-urlencoded']) {
      for (const t of ['', '--b', '--b\r\n\r\n', 'a[__proto__][x]=1&__proto__=2&a=%ZZ', '--b\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\n{\r\n--b--']) {
        const v = formValue({}, { type: 'object', properties: { a: { type: 'object' } } }, body(ct, t));
        if (v) assert.equal(Object.getPrototypeOf(v.value), Object.prototype);
        if (v) read++;
      }
    }
    assert.ok(read >= 8, `${read} of 10 odd form bodies read: the prototype check ran on them (an empty body is no form)`);
    // a schema that is its own branch (through its $ref) ends: the file check looks a bounded depth down
    const data = { components: { schemas: { A: { allOf: [{ $ref: '#/components/schemas/A' }], anyOf: [{ $ref: '#/components/schemas/A' }] } } } };
    const own = formValue(data, { type: 'object', properties: { a: { $ref: '#/components/schemas/A' } } }, body('multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b--\r\n'));
    assert.deepEqual(own?.value, { a: 'x' });
  });
});
