/**
 * google.api.http bindings (googleapis google/api/http.proto, "Path template syntax" and "HTTP rule"): HTTP/JSON
 * calls served by grpc-gateway or Envoy's transcoder link to their rpc. The etcd bindings are those of etcd 3.4's
 * etcdserver/etcdserverpb/rpc.proto; the request bytes are those etcdctl's gateway client sent (test/heldout-grpc).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, HttpRuleIndex } from '../../../decoders/protobuf/http-rules';
import { buildProtoDefinitions, matchHttpRule } from '../../../decoders/protobuf/definitions';
import { Linker } from '../../../extension/definitions/linker';
import { testSession } from '../../helpers/session';
import { run } from '../http1/feed';

const ETCD = `syntax = "proto3";
package etcdserverpb;
import "gogoproto/gogo.proto";
import "google/api/annotations.proto";

service KV {
  rpc Range(RangeRequest) returns (RangeResponse) {
      option (google.api.http) = {
        post: "/v3/kv/range"
        body: "*"
    };
  }
  rpc Put(PutRequest) returns (PutResponse) {
      option (google.api.http) = {
        post: "/v3/kv/put"
        body: "*"
    };
  }
}
message RangeRequest { bytes key = 1; }
message RangeResponse { int64 count = 4; }
message PutRequest { bytes key = 1; bytes value = 2; }
message PutResponse {}
`;

const LIBRARY = `syntax = "proto3";
package library.v1;
import "google/api/annotations.proto";
service Library {
  rpc GetBook(GetBookRequest) returns (Book) {
    option (google.api.http) = {
      get: "/v1/{name=shelves/*/books/*}"
      additional_bindings { get: "/v1/books/{name}" }
    };
  }
  rpc ListAny(GetBookRequest) returns (Book) { option (google.api.http).get = "/v1/{name=**}"; }
  rpc Cancel(GetBookRequest) returns (Book) { option (google.api.http) = { post: "/v1/{name=operations/*}:cancel" body: "*" }; }
  rpc Peek(GetBookRequest) returns (Book) { option (google.api.http) = { custom { kind: "HEAD" path: "/v1/peek/{name}" } }; }
  rpc Broken(GetBookRequest) returns (Book) { option (google.api.http).get = "v1/no-leading-slash"; }
}
message GetBookRequest { string name = 1; }
message Book { string name = 1; }
`;

describe('google.api.http path templates (http.proto "Path template syntax")', () => {
  it('literals, *, **, variables with and without a pattern, the verb', () => {
    const t = (tpl: string, path: string) => {
      const c = compileTemplate(tpl);
      assert.ok(c, tpl);
      const m = c.re.exec(path);
      return m ? Object.fromEntries(c.vars.map((v, i) => [v, m[i + 1]])) : undefined;
    };
    assert.deepEqual(t('/v3/kv/range', '/v3/kv/range'), {});
    assert.equal(t('/v3/kv/range', '/v3/kv/rangeX'), undefined);
    assert.deepEqual(t('/v1/{name=shelves/*/books/*}', '/v1/shelves/s1/books/b2'), { name: 'shelves/s1/books/b2' });
    assert.equal(t('/v1/{name=shelves/*/books/*}', '/v1/shelves/s1/books'), undefined);
    assert.deepEqual(t('/v1/books/{name}', '/v1/books/b%2F2'), { name: 'b%2F2' });
    assert.equal(t('/v1/books/{name}', '/v1/books/a/b'), undefined, 'a bare variable is one segment');
    assert.deepEqual(t('/v1/{name=**}', '/v1/a/b/c'), { name: 'a/b/c' });
    assert.deepEqual(t('/v1/{name=operations/*}:cancel', '/v1/operations/42:cancel'), { name: 'operations/42' });
    assert.equal(t('/v1/{name=operations/*}:cancel', '/v1/operations/42'), undefined);
    assert.deepEqual(t('/v1/{book.shelf.id}/x', '/v1/7/x'), { 'book.shelf.id': '7' });
    assert.deepEqual(t('/v1/a.b(c)', '/v1/a.b(c)'), {}, 'regex characters in literals are literal');
  });
  it('what is not a template: no leading slash, unbalanced braces, nested variables, an empty segment, too long', () => {
    for (const bad of ['v1/x', '/v1/{name', '/v1/{a={b}}', '/v1//x', '/v1/{1bad}', '/v1/x:', `/${'a/'.repeat(600)}`]) assert.equal(compileTemplate(bad), undefined, bad);
    // `**` only as the last segment, once (two would make a regex that backtracks on long paths)
    for (const bad of ['/v1/{a=**}/{b=**}', '/v1/**/x', '/v1/{name=**}/x']) assert.equal(compileTemplate(bad), undefined, bad);
    for (const ok of ['/v1/{name=shelves/**}', '/v1/**', '/v1/{name=**}:cancel']) assert.ok(compileTemplate(ok), ok);
  });
  it('the most specific binding wins; the verb must match; the query is not part of the path', () => {
    const idx = new HttpRuleIndex<string>();
    idx.add({ verb: 'GET', template: '/v1/{name=**}' }, 'any');
    idx.add({ verb: 'GET', template: '/v1/{name=shelves/*/books/*}' }, 'book');
    idx.add({ verb: 'GET', template: '/{x}/health' }, 'health');
    assert.equal(idx.match('GET', '/v1/shelves/1/books/2?view=FULL')?.target, 'book');
    assert.equal(idx.match('GET', '/v1/shelves/1')?.target, 'any');
    assert.equal(idx.match('POST', '/v1/shelves/1/books/2'), undefined);
    assert.equal(idx.match('GET', '/svc/health')?.target, 'health', 'a template starting with a variable is found too');
    assert.equal(idx.match('GET', 'http://proxy/v1/x'), undefined, 'absolute-form is made a path by the caller');
  });
});

describe('google.api.http bindings of the workspace .proto files', () => {
  const defs = buildProtoDefinitions([
    { path: 'etcd/etcdserver/etcdserverpb/rpc.proto', text: ETCD },
    { path: 'library/v1/library.proto', text: LIBRARY },
  ]);
  it('are indexed with their rpc; a binding that is not a template is a load warning', () => {
    assert.equal(defs.httpRules?.size, 7);
    assert.deepEqual(defs.warnings, ['library/v1/library.proto:14: rpc library.v1.Library.Broken: google.api.http get "v1/no-leading-slash" is not a path template (google/api/http.proto); ignored']);
    const m = matchHttpRule(defs, 'POST', '/v3/kv/range');
    assert.equal(m?.target.path, '/etcdserverpb.KV/Range');
    assert.equal(m?.body, '*');
    assert.equal(matchHttpRule(defs, 'GET', '/v1/books/b1')?.target.name, 'GetBook', 'additional_bindings');
    assert.equal(matchHttpRule(defs, 'HEAD', '/v1/peek/x')?.target.name, 'Peek', 'custom kind');
    assert.equal(matchHttpRule(defs, 'POST', '/v1/operations/9:cancel')?.target.name, 'Cancel');
    assert.equal(matchHttpRule(defs, 'GET', '/v1/anything/else')?.target.name, 'ListAny');
  });
  it("an HTTP/1.1 call to a bound path links to the rpc's line (etcd's gateway: POST /v3/kv/range)", () => {
    const env = { ...testSession().env, definitions: { proto: defs } };
    const body = '{"key":"azI="}';
    const res = '{"header":{"revision":"6"},"count":"1"}';
    const s = run(
      [
        { dir: 'c2s', data: `POST /v3/kv/range HTTP/1.1\r\nHost: 127.0.0.1:23790\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}` },
        { dir: 's2c', data: `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${res.length}\r\n\r\n${res}` },
        { dir: 'c2s', data: 'GET /version HTTP/1.1\r\nHost: x\r\n\r\n' },
        { dir: 's2c', data: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}' },
      ],
      { env },
    );
    assert.equal(s.calls.length, 2);
    assert.equal(s.calls[0].protocol, 'http');
    assert.deepEqual(s.calls[0].definition, { kind: 'proto-rpc', name: 'etcdserverpb.KV.Range', file: 'etcd/etcdserver/etcdserverpb/rpc.proto', line: 7, column: 3 });
    assert.equal(s.calls[1].definition, undefined, 'a path no rpc binds stays unlinked');
    // Without definitions nothing changes
    assert.equal(run([{ dir: 'c2s', data: 'POST /v3/kv/range HTTP/1.1\r\nContent-Length: 0\r\n\r\n' }, { dir: 's2c', data: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n' }]).calls[0].definition, undefined);
  });
  it("the editor's linker does the same when the definitions change after decoding", () => {
    const linker = new Linker({ openapi: [], asyncapi: [], proto: [{ path: 'rpc.proto', text: ETCD }] });
    const call = run([{ dir: 'c2s', data: 'POST /v3/kv/put HTTP/1.1\r\nContent-Length: 0\r\n\r\n' }, { dir: 's2c', data: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n' }]).calls[0];
    assert.equal(linker.link(call)?.ref.name, 'etcdserverpb.KV.Put');
  });
});
