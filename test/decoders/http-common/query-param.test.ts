/** queryParam: one reader of a request URI's query string (RFC 3986 §3.4, HTML form encoding's `+`) for the body routers. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { queryParam } from '../../../decoders/http-common/body';

describe('queryParam', () => {
  it('finds a parameter by its whole name, decodes % and +, stops at # and &', () => {
    const uri = '/graphql?xquery=no&query=%7B%20me%20%7D&name=a+b#query=frag';
    assert.equal(queryParam(uri, 'query'), '{ me }');
    assert.equal(queryParam(uri, 'name'), 'a b');
    assert.equal(queryParam(uri, 'xquery'), 'no');
    assert.equal(queryParam(uri, 'frag'), undefined);
    assert.equal(queryParam('/socket.io/?EIO=4&transport=polling', 'EIO'), '4');
    assert.equal(queryParam('/x?batch=1', 'batch'), '1');
    assert.equal(queryParam('/x?a=1&a=2', 'a'), '1', 'the first of several');
    assert.equal(queryParam('/x?empty=&b', 'empty'), '');
  });
  it('absent, no query string, or not decodable: undefined (no exception)', () => {
    assert.equal(queryParam('/x', 'a'), undefined);
    assert.equal(queryParam(undefined, 'a'), undefined);
    assert.equal(queryParam('/x?a', 'a'), undefined);
    assert.equal(queryParam('/x?a=%E0%A4%A', 'a'), undefined);
  });
});
