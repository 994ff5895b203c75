/**
 * OpenAPI and AsyncAPI documents split across files: external `$ref`s bundled in memory
 * (decoders/definitions/refs.ts) — operations and channels where they are written, schema checks
 * through refs to other files (relative to their own file, back into the root), and the bounds:
 * http refs not fetched, missing and unparsable files, cycles, file count and depth.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseOpenApi, matchOperation, pickSchema, responseSchemasFor } from '../../decoders/definitions/openapi';
import { parseAsyncApi, matchChannel } from '../../decoders/definitions/asyncapi';
import { resolveRefPath, type ReadText } from '../../decoders/definitions/refs';
import { SchemaChecker } from '../../decoders/definitions/validate';
import { Linker } from '../../extension/definitions/linker';
import { RefFiles } from '../../extension/definitions/ref-files';
import { makeCall } from './builders';
import { rng } from '../helpers/split';

const FILES: Record<string, string> = {
  '/ws/api/openapi.yaml': `openapi: 3.0.3
info: { title: split, version: '1' }
paths:
  /persons:
    $ref: './paths/persons.yaml'
  /persons/{id}:
    $ref: 'paths/person.yaml#/item'
  /remote:
    $ref: 'https://example.com/api/remote.yaml'
  /gone:
    $ref: './paths/gone.yaml'
  /bad:
    $ref: './paths/bad.yaml'
  /loop:
    $ref: './loop-a.yaml'
  /health:
    get:
      responses: { '200': { description: ok } }
components:
  schemas:
    Error:
      type: object
      required: [code]
      properties: { code: { type: integer } }
`,
  '/ws/api/paths/persons.yaml': `# the persons collection
get:
  operationId: listPersons
  responses:
    '200':
      description: ok
      content:
        application/json:
          schema:
            type: array
            items: { $ref: '../schemas/Person.yaml' }
post:
  operationId: createPerson
  requestBody:
    content:
      application/json:
        schema: { $ref: '../schemas/Person.yaml' }
  responses:
    '201': { description: created }
`,
  '/ws/api/paths/person.yaml': `item:
  get:
    operationId: getPerson
    responses:
      '200':
        description: ok
        content:
          application/json:
            schema: { $ref: '../schemas/Person.yaml' }
      default:
        description: error
        content:
          application/json:
            schema: { $ref: '../openapi.yaml#/components/schemas/Error' }
  delete:
    responses:
      '204': { description: gone }
      '404': { $ref: '../common.yaml#/NotFound' }
`,
  '/ws/api/schemas/Person.yaml': `type: object
required: [name]
properties:
  name: { type: string }
  friends:
    type: array
    items: { $ref: './Person.yaml' }
  address: { $ref: '#/definitions/Address' }
  manager: { $ref: 'Manager.json' }
definitions:
  Address:
    type: object
    required: [city]
    properties: { city: { type: string } }
`,
  '/ws/api/schemas/Manager.json': `{
  "type": "object",
  "required": ["level"],
  "properties": {
    "level": { "type": "integer" },
    "report": { "$ref": "Person.yaml" }
  }
}
`,
  '/ws/api/common.yaml': `Gone: { description: gone }\n`,
  '/ws/api/paths/bad.yaml': `- just\n- a list\n`,
  '/ws/api/loop-a.yaml': `$ref: './loop-b.yaml'\n`,
  '/ws/api/loop-b.yaml': `$ref: './loop-a.yaml'\n`,
};

const ROOT = '/ws/api/openapi.yaml';
function reader(files: Record<string, string>, reads: string[] = []): ReadText {
  return (p) => (reads.push(p), files[p]);
}

describe('OpenAPI split across files', () => {
  const reads: string[] = [];
  const doc = parseOpenApi(ROOT, FILES[ROOT], { readText: reader(FILES, reads) })!;
  const op = (name: string) => doc.operations.find((o) => o.name === name)!;

  test('operations of path items in other files, where they are written', () => {
    assert.deepEqual(
      doc.operations.map((o) => [o.name, o.file, o.line, o.column]),
      [
        ['GET /persons', '/ws/api/paths/persons.yaml', 2, 1],
        ['POST /persons', '/ws/api/paths/persons.yaml', 12, 1],
        ['GET /persons/{id}', '/ws/api/paths/person.yaml', 2, 3],
        ['DELETE /persons/{id}', '/ws/api/paths/person.yaml', 15, 3],
        ['GET /health', ROOT, 17, 5],
      ],
    );
    assert.equal(op('POST /persons').operationId, 'createPerson');
    assert.equal(matchOperation([doc], 'GET', '/persons/42')?.op.operationId, 'getPerson');
  });

  test('each file read once; the files read are the dependencies (not the missing or unparsable ones)', () => {
    assert.equal(new Set(reads).size, reads.length);
    assert.deepEqual(doc.files, [
      '/ws/api/paths/persons.yaml',
      '/ws/api/paths/person.yaml',
      '/ws/api/loop-a.yaml',
      '/ws/api/schemas/Person.yaml',
      '/ws/api/common.yaml',
      '/ws/api/loop-b.yaml',
      '/ws/api/schemas/Manager.json',
    ]);
  });

  test('problems at the $ref that names them: http not fetched, missing, not a mapping, no such fragment, a cycle', () => {
    assert.deepEqual(
      doc.problems.map((p) => [p.file, p.line, p.severity, p.message]),
      [
        [ROOT, 9, 'info', '$ref https://example.com/api/remote.yaml: not fetched (callscope reads no network); what it names is not indexed or checked'],
        [ROOT, 11, 'warning', '$ref ./paths/gone.yaml: file not found (/ws/api/paths/gone.yaml)'],
        [ROOT, 13, 'warning', '$ref ./paths/bad.yaml: not a YAML or JSON mapping (/ws/api/paths/bad.yaml)'],
        ['/ws/api/paths/person.yaml', 18, 'warning', '$ref ../common.yaml#/NotFound: no #/NotFound in /ws/api/common.yaml'],
        [ROOT, 15, 'warning', '$ref ./loop-a.yaml: leads round a cycle of refs that only refer to each other (loop-a.yaml → loop-b.yaml → loop-a.yaml): nothing at its end'],
      ],
    );
    // (warnings are in `errors` too; the note is not)
    assert.equal(doc.errors.length, 4);
    assert.ok(doc.errors[0].startsWith(`${ROOT}:11: `));
  });

  test('schemas in other files, refs relative to their own file, a file recursive through another, a ref back into the root', () => {
    const checker = new SchemaChecker(doc.data, 'test:split');
    const req = pickSchema(op('POST /persons').requestSchemas, 'application/json')!;
    assert.equal(req.pointer, '#/x-callscope-files/0/post/requestBody/content/application~1json/schema');
    assert.deepEqual(checker.check(req.pointer, { name: 'Ada' }), []);
    assert.deepEqual(checker.check(req.pointer, {}), ["(root) must have required property 'name'"]);
    assert.deepEqual(checker.check(req.pointer, { name: 'Ada', address: {} }), ["/address must have required property 'city'"]);
    assert.deepEqual(checker.check(req.pointer, { name: 'Ada', friends: [{}] }), ["/friends/0 must have required property 'name'"]);
    assert.deepEqual(checker.check(req.pointer, { name: 'Ada', manager: { level: 1, report: {} } }), ["/manager/report must have required property 'name'"]);
    const list = pickSchema(responseSchemasFor(op('GET /persons'), 200), 'application/json')!;
    assert.deepEqual(checker.check(list.pointer, [{ name: 'a' }, { name: 2 }]), ['/1/name must be string']);
    const err = pickSchema(responseSchemasFor(op('GET /persons/{id}'), 500), 'application/json')!;
    assert.equal(err.status, 'default');
    assert.deepEqual(checker.check(err.pointer, { code: 'x' }), ['/code must be integer']);
    // the 404 whose fragment is not there: no schema, the 204 as it was
    assert.deepEqual(op('DELETE /persons/{id}').responseSchemas, []);
  });

  test('without file access: the refs are problems, the rest is indexed', () => {
    const bare = parseOpenApi(ROOT, FILES[ROOT])!;
    assert.deepEqual(bare.operations.map((o) => o.name), ['GET /health']);
    assert.equal(bare.problems.find((p) => p.line === 5)?.message, '$ref ./paths/persons.yaml: not read (no file access here) (/ws/api/paths/persons.yaml)');
    assert.deepEqual(bare.files, []);
  });

  test('bounds: referenced files per document, depth of files referring to files, size', () => {
    const few = parseOpenApi(ROOT, FILES[ROOT], { readText: reader(FILES), maxFiles: 2 })!;
    assert.equal(few.files.length, 2);
    assert.deepEqual(few.operations.map((o) => o.name), ['GET /persons', 'POST /persons', 'GET /persons/{id}', 'DELETE /persons/{id}', 'GET /health']);
    assert.ok(few.problems.some((p) => p.message === '$ref ./loop-a.yaml: more than 2 referenced files: not read (/ws/api/loop-a.yaml)'));
    // root → persons.yaml → Person.yaml → Manager.json: depth 3
    const shallow = parseOpenApi(ROOT, FILES[ROOT], { readText: reader(FILES), maxDepth: 2 })!;
    assert.ok(!shallow.files.includes('/ws/api/schemas/Manager.json'));
    assert.ok(shallow.problems.some((p) => p.file === '/ws/api/schemas/Person.yaml' && p.line === 9 && p.message.includes('referenced through more than 2 files')));
    const small = parseOpenApi(ROOT, FILES[ROOT], { readText: reader(FILES), maxFileBytes: 100 })!;
    assert.ok(small.problems.some((p) => p.message.startsWith('$ref ./paths/persons.yaml: larger than 100 bytes')));
    // a reader's own reason
    const denied = parseOpenApi(ROOT, FILES[ROOT], { readText: () => ({ error: 'permission denied' }) })!;
    assert.equal(denied.problems.find((p) => p.line === 11)?.message, '$ref ./paths/gone.yaml: permission denied (/ws/api/paths/gone.yaml)');
    assert.deepEqual(denied.operations.map((o) => o.name), ['GET /health']);
  });

  test('a JSON root, refs with a fragment and a JSON fragment file, Swagger 2.0 body parameters', () => {
    const files: Record<string, string> = {
      '/j/api.json': JSON.stringify({ swagger: '2.0', info: { title: 'j', version: '1' }, basePath: '/v1', paths: { '/items': { $ref: 'items.json#/paths/~1items' } } }, null, 2),
      '/j/items.json': JSON.stringify(
        { paths: { '/items': { post: { parameters: [{ $ref: '#/parameters/Item' }], responses: { 200: { description: 'ok', schema: { $ref: 'defs.json#/Item' } } } } } }, parameters: { Item: { name: 'body', in: 'body', schema: { $ref: 'defs.json#/Item' } } } },
        null,
        2,
      ),
      '/j/defs.json': '{ "Item": { "type": "object", "required": ["title"] } }',
    };
    const sw = parseOpenApi('/j/api.json', files['/j/api.json'], { readText: reader(files) })!;
    assert.deepEqual(sw.problems, []);
    const post = sw.operations[0];
    assert.deepEqual([post.name, post.file, post.line], ['POST /items', '/j/items.json', 4]);
    assert.deepEqual(post.templates, ['/v1/items']);
    const checker = new SchemaChecker(sw.data, 'test:sw-split');
    assert.deepEqual(checker.check(post.requestSchemas[0].pointer, {}), ["(root) must have required property 'title'"]);
    assert.deepEqual(checker.check(responseSchemasFor(post, 200)[0].pointer, { title: 't' }), []);
  });

  test('an operation that is a ref, `paths` itself a ref; a reader that throws is a problem, not a throw', () => {
    const files: Record<string, string> = {
      '/o/api.yaml': "openapi: 3.1.0\ninfo: {title: o, version: '1'}\npaths:\n  $ref: 'paths.yaml'\n",
      '/o/paths.yaml': "/a:\n  get:\n    $ref: 'ops/get-a.yaml'\n/b:\n  get: {responses: {}}\n",
      '/o/ops/get-a.yaml': '\n\noperationId: getA\nresponses: {}\n',
    };
    const d = parseOpenApi('/o/api.yaml', files['/o/api.yaml'], { readText: reader(files) })!;
    assert.deepEqual(
      d.operations.map((o) => [o.name, o.operationId, o.file, o.line]),
      [
        ['GET /a', 'getA', '/o/ops/get-a.yaml', 3],
        ['GET /b', undefined, '/o/paths.yaml', 5],
      ],
    );
    const thrown = parseOpenApi('/o/api.yaml', files['/o/api.yaml'], {
      readText: () => {
        throw new Error('EACCES');
      },
    })!;
    assert.deepEqual(thrown.operations, []);
    assert.equal(thrown.problems[0].message, '$ref paths.yaml: EACCES (/o/paths.yaml)');
  });

  test('malformed referenced files and refs: problems, never a throw', () => {
    const bodies = ['', '{', ': :', '[1,2', '$ref: 7', '$ref: {a: 1}', "$ref: '#'", "$ref: '#nope'", "$ref: '#/x/~2'", 'a: &x {b: *x}', '\u0000\uffff', "$ref: 'x.yaml#not-a-pointer'", "$ref: '//host/share/x.yaml'", "$ref: 'mailto:x@y'"];
    for (const body of bodies) {
      const files: Record<string, string> = { '/m/api.yaml': "openapi: 3.0.0\ninfo: {title: m, version: '1'}\npaths:\n  /x: {$ref: 'x.yaml'}\n  /y: {get: {responses: {}}}\n", '/m/x.yaml': body };
      const d = parseOpenApi('/m/api.yaml', files['/m/api.yaml'], { readText: reader(files) });
      assert.ok(d, JSON.stringify(body));
      assert.ok(d.operations.some((o) => o.name === 'GET /y'), JSON.stringify(body));
    }
  });

  test('fuzz: mutated and cut files of the split document parse, index and check without a throw', () => {
    const r = rng(0x5eed);
    const chars = ['$ref: ', "'../", '#/', '~1', '{', '}', '[', ']', ':', '\n', '  ', '*a', '&a ', '"', "'", '/'];
    let indexed = 0;
    for (let i = 0; i < 150; i++) {
      const files = { ...FILES };
      for (const name of Object.keys(files)) {
        if (r() < 0.5) continue;
        let t = files[name];
        const n = 1 + Math.floor(r() * 6);
        for (let k = 0; k < n; k++) {
          const at = Math.floor(r() * (t.length + 1));
          if (r() < 0.2) t = t.slice(0, at);
          else if (r() < 0.5) t = t.slice(0, at) + chars[Math.floor(r() * chars.length)] + t.slice(at);
          else t = t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 8));
        }
        files[name] = t;
      }
      const d = parseOpenApi(ROOT, files[ROOT], { readText: reader(files) });
      if (!d) continue;
      if (d.operations.length) indexed++;
      const checker = new SchemaChecker(d.data, `fuzz:${i}`);
      for (const o of d.operations) for (const sch of [...o.requestSchemas, ...o.responseSchemas]) checker.check(sch.pointer, { name: 'x', friends: [{}], code: 1 });
      assert.ok(d.problems.length <= 100);
    }
    // (the mutations leave enough documents whole that the bundling and the checks ran, not only the parse)
    assert.ok(indexed >= 50, `${indexed} of 150 mutated documents indexed an operation`);
  });

  test('ref paths: relative, absolute, Windows, file: URLs and escapes', () => {
    assert.equal(resolveRefPath('/ws/api/openapi.yaml', './paths/a.yaml'), '/ws/api/paths/a.yaml');
    assert.equal(resolveRefPath('/ws/api/openapi.yaml', '../../../../a.yaml'), '/a.yaml');
    assert.equal(resolveRefPath('/ws/api/openapi.yaml', '/etc/x.yaml'), '/etc/x.yaml');
    assert.equal(resolveRefPath('c:\\ws\\api\\openapi.yaml', '../schemas/a.yaml'), 'c:\\ws\\schemas\\a.yaml');
    assert.equal(resolveRefPath('c:\\ws\\openapi.yaml', '..\\..\\a.yaml'), 'c:\\a.yaml');
    const files = { '/ws/my schemas/p.yaml': 'type: object\n', '/ws/a.yaml': "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /p:\n    post:\n      requestBody: { content: { application/json: { schema: { $ref: 'my%20schemas/p.yaml' } } } }\n      responses: {}\n" };
    const d = parseOpenApi('/ws/a.yaml', files['/ws/a.yaml'], { readText: reader(files) })!;
    assert.deepEqual(d.files, ['/ws/my schemas/p.yaml']);
    assert.deepEqual(d.problems, []);
  });
});

describe('the split fixture on disk (test/fixtures/openapi-split, `redocly split` layout)', () => {
  test('operations in the path files, schemas through refs, a ref back into the root; the fragments are not documents', () => {
    const root = fileURLToPath(new URL('../fixtures/openapi-split/openapi.yaml', import.meta.url));
    const dir = root.slice(0, -'openapi.yaml'.length);
    const read: ReadText = (p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    };
    const doc = parseOpenApi(root, readFileSync(root, 'utf8'), { readText: read })!;
    assert.deepEqual(doc.problems, []);
    assert.deepEqual(
      doc.operations.map((o) => [o.name, o.file.slice(dir.length), o.line]),
      [
        ['POST /persons', 'paths/persons.yaml', 1],
        ['GET /persons/{id}', 'paths/persons_{id}.yaml', 7],
      ],
    );
    const checker = new SchemaChecker(doc.data, 'test:fixture-split');
    const get = doc.operations[1];
    assert.deepEqual(checker.check(pickSchema(responseSchemasFor(get, 200), 'application/json')!.pointer, { id: 1, name: 'Ada', email: 'ada@example.org' }), []);
    assert.deepEqual(checker.check(pickSchema(responseSchemasFor(get, 200), 'application/json')!.pointer, { name: 'Ada', email: 'x' }), ['/email must match format "email"', "(root) must have required property 'id'"]);
    assert.deepEqual(checker.check(pickSchema(responseSchemasFor(get, 404), 'application/json')!.pointer, {}), ["(root) must have required property 'message'"]);
    for (const f of doc.files) assert.equal(parseOpenApi(f, readFileSync(f, 'utf8')), undefined, f);
  });
});

describe('AsyncAPI split across files', () => {
  const files: Record<string, string> = {
    '/as/asyncapi.yaml': `asyncapi: '2.6.0'
info: { title: shop, version: '1' }
servers:
  broker: { url: 'mqtt://localhost:1883', protocol: mqtt }
  events: { $ref: './servers.yaml#/kafka' }
channels:
  shop/orders:
    $ref: './channels/orders.yaml'
  shop/returns:
    subscribe:
      message: { $ref: 'messages/order.json' }
components:
  schemas:
    Money: { type: number, minimum: 0 }
`,
    '/as/servers.yaml': 'kafka: { url: localhost:9092, protocol: kafka }\n',
    '/as/channels/orders.yaml': `description: new orders
publish:
  message:
    $ref: '../messages/order.json'
`,
    '/as/messages/order.json': `{
  "name": "order",
  "payload": {
    "type": "object",
    "required": ["id"],
    "properties": { "id": { "type": "string" }, "total": { "$ref": "../asyncapi.yaml#/components/schemas/Money" } }
  }
}
`,
  };
  const d = parseAsyncApi('/as/asyncapi.yaml', files['/as/asyncapi.yaml'], { readText: reader(files) })!;
  test('a channel in another file is where it is written; payloads through message files', () => {
    assert.deepEqual(
      d.channels.map((c) => [c.address, c.file, c.line, c.column]),
      [
        ['shop/orders', '/as/channels/orders.yaml', 1, 1],
        ['shop/returns', '/as/asyncapi.yaml', 9, 3],
      ],
    );
    assert.deepEqual(d.problems, []);
    assert.equal(matchChannel([d], 'mqtt', ['shop/orders'])?.channel.file, '/as/channels/orders.yaml');
    // (a server in another file counts: its protocol too)
    assert.deepEqual(d.channels[0].protocols, ['mqtt', 'kafka']);
    assert.equal(matchChannel([d], 'kafka', ['shop/orders'])?.channel.id, 'shop/orders');
    const checker = new SchemaChecker(d.data, 'test:async-split');
    for (const ch of d.channels) {
      assert.equal(ch.payloads.length, 1);
      assert.deepEqual(checker.check(ch.payloads[0], { id: 'o1', total: 3 }), []);
      assert.deepEqual(checker.check(ch.payloads[0], { total: -1 }), ["(root) must have required property 'id'", '/total must be >= 0']);
    }
  });
  test('3.x: channel and message refs', () => {
    const v3: Record<string, string> = {
      '/a3/asyncapi.yaml': "asyncapi: 3.0.0\ninfo: { title: x, version: '1' }\nchannels:\n  orders:\n    $ref: 'channels.yaml#/orders'\n",
      '/a3/channels.yaml': "orders:\n  address: shop.orders.{region}\n  messages:\n    order: { $ref: './order.yaml' }\n",
      '/a3/order.yaml': 'payload: { type: object, required: [id] }\n',
    };
    const d3 = parseAsyncApi('/a3/asyncapi.yaml', v3['/a3/asyncapi.yaml'], { readText: reader(v3) })!;
    assert.deepEqual([d3.channels[0].address, d3.channels[0].file, d3.channels[0].line], ['shop.orders.{region}', '/a3/channels.yaml', 1]);
    assert.deepEqual(new SchemaChecker(d3.data, 'test:a3').check(d3.channels[0].payloads[0], {}), ["(root) must have required property 'id'"]);
  });
});

describe('the linker with a split document: texts the host read, passed as refs', () => {
  const refs = Object.entries(FILES)
    .filter(([p]) => p !== ROOT)
    .map(([path, text]) => ({ path, text }));
  const linker = new Linker({ openapi: [{ path: ROOT, text: FILES[ROOT] }], asyncapi: [], proto: [], refs });
  test('links to the operation in its file and checks the body against a schema in another', () => {
    const call = makeCall({
      method: 'POST',
      target: '/persons',
      http: { version: 'HTTP/1.1', method: 'POST', uri: '/persons', requestBody: { size: 20, kind: 'json', contentType: 'application/json', value: { name: 'Ada', friends: [{ nick: 'x' }] } } },
    });
    const link = linker.link(call)!;
    assert.deepEqual(link.ref, { kind: 'openapi-operation', name: 'POST /persons (createPerson)', file: '/ws/api/paths/persons.yaml', line: 12, column: 1 });
    assert.deepEqual(link.warnings, ["request body /friends/0 must have required property 'name'"]);
  });
  test('without the refs (an older host): no operation from the other files, no throw', () => {
    const old = new Linker({ openapi: [{ path: ROOT, text: FILES[ROOT] }], asyncapi: [], proto: [] });
    assert.equal(old.link(makeCall({ method: 'POST', target: '/persons', http: { version: 'HTTP/1.1', method: 'POST', uri: '/persons' } })), undefined);
  });
});

describe('the files documents refer to, as the service keeps them (RefFiles)', () => {
  /** Parse as the service does: note every file asked for, with the text read. */
  const parse = (refFiles: RefFiles, files: Record<string, string>, root: string) => {
    refFiles.drop(root);
    const asked = new Map<string, string | undefined>();
    const doc = parseOpenApi(root, files[root], { readText: (p) => (asked.set(p, files[p]), files[p]) })!;
    refFiles.note(root, asked, doc.files);
    return doc;
  };
  test('a change to a referenced file names the documents to parse again; texts for the workers; a missing file is watched', () => {
    const files: Record<string, string> = {
      '/r/a.yaml': "openapi: 3.0.0\ninfo: {title: a, version: '1'}\npaths:\n  /p: {$ref: 'shared.yaml'}\n  /q: {$ref: 'later.yaml'}\n",
      '/r/b.yaml': "openapi: 3.0.0\ninfo: {title: b, version: '1'}\npaths:\n  /p: {$ref: 'shared.yaml'}\n",
      '/r/shared.yaml': 'get: {operationId: one, responses: {}}\n',
    };
    const refFiles = new RefFiles();
    parse(refFiles, files, '/r/a.yaml');
    parse(refFiles, files, '/r/b.yaml');
    assert.deepEqual(refFiles.dependents('/r/shared.yaml'), ['/r/a.yaml', '/r/b.yaml']);
    assert.deepEqual(refFiles.list(), [{ path: '/r/shared.yaml', text: files['/r/shared.yaml'] }]);
    // the missing file is watched: creating it parses a.yaml again, which then has /q
    assert.deepEqual(refFiles.dependents('/r/later.yaml'), ['/r/a.yaml']);
    files['/r/later.yaml'] = 'post: {operationId: two, responses: {}}\n';
    files['/r/shared.yaml'] = 'get: {operationId: renamed, responses: {}}\n';
    const a = parse(refFiles, files, '/r/a.yaml');
    assert.deepEqual(a.operations.map((o) => o.operationId), ['renamed', 'two']);
    assert.equal(new Linker({ openapi: [{ path: '/r/a.yaml', text: files['/r/a.yaml'] }], asyncapi: [], proto: [], refs: refFiles.list() }).link(makeCall({ method: 'POST', target: '/q', http: { version: 'HTTP/1.1', method: 'POST', uri: '/q' } }))?.ref.name, 'POST /q (two)');
    // b.yaml gone: shared.yaml still a's; a gone too: nothing kept
    refFiles.drop('/r/b.yaml');
    assert.deepEqual(refFiles.dependents('/r/shared.yaml'), ['/r/a.yaml']);
    refFiles.drop('/r/a.yaml');
    assert.equal(refFiles.has('/r/shared.yaml'), false);
    assert.deepEqual(refFiles.list(), []);
  });
  test('a shared referenced file deleted: its text is not given to the workers, whichever document is parsed again first', () => {
    const files: Record<string, string> = {
      '/r/a.yaml': "openapi: 3.0.0\ninfo: {title: a, version: '1'}\npaths:\n  /p: {$ref: 'shared.yaml'}\n",
      '/r/b.yaml': "openapi: 3.0.0\ninfo: {title: b, version: '1'}\npaths:\n  /p: {$ref: 'shared.yaml'}\n",
      '/r/shared.yaml': 'get: {operationId: one, responses: {}}\n',
    };
    const refFiles = new RefFiles();
    parse(refFiles, files, '/r/a.yaml');
    parse(refFiles, files, '/r/b.yaml');
    delete files['/r/shared.yaml'];
    // (the service parses the dependents again one after the other)
    assert.deepEqual(parse(refFiles, files, '/r/a.yaml').operations, []);
    assert.deepEqual(parse(refFiles, files, '/r/b.yaml').operations, []);
    assert.deepEqual(refFiles.list(), []);
    assert.deepEqual(refFiles.dependents('/r/shared.yaml'), ['/r/a.yaml', '/r/b.yaml']);
  });
});
