/**
 * Held-out .NET round (test/heldout-dotnet/README.md): Mono 6.8's System.Net.HttpListener, when it stops,
 * answers every idle keep-alive connection with a `200 OK`, `Connection: close`, no request asking for it.
 * The bytes are the capture's (WebClient's GET /nope, its 404, then HttpListener.Stop()'s response; frames
 * 93, 94 and 139).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '../../../decoders/core/bytes';
import { calls, type Packet } from './feed';

// GET /nope HTTP/1.1 / Host: 127.0.0.1:28020
const GET = '474554202f6e6f706520485454502f312e310d0a486f73743a203132372e302e302e313a32383032300d0a0d0a';
// HTTP/1.1 404 Not Found, Server: Mono-HTTPAPI/1.0, Content-Length: 8, Keep-Alive: timeout=15,max=98, "no /nope"
const NOT_FOUND = '485454502f312e3120343034204e6f7420466f756e640d0a436f6e74656e742d547970653a20746578742f706c61696e0d0a5365727665723a204d6f6e6f2d485454504150492f312e300d0a446174653a204d6f6e2c203233204e6f7620323032362030343a34333a323620474d540d0a436f6e74656e742d4c656e6774683a20380d0a4b6565702d416c6976653a2074696d656f75743d31352c6d61783d39380d0a0d0a6e6f202f6e6f7065';
// HTTP/1.1 200 OK, Server: Mono-HTTPAPI/1.0, Content-Length: 0, Connection: close (what HttpListener.Stop() sends)
const UNASKED = '485454502f312e3120323030204f4b0d0a5365727665723a204d6f6e6f2d485454504150492f312e300d0a446174653a204d6f6e2c203233204e6f7620323032362030343a34333a323620474d540d0a436f6e74656e742d4c656e6774683a20300d0a436f6e6e656374696f6e3a20636c6f73650d0a0d0a';

describe('RFC 9112 §9.3 / RFC 9110 §15.5.9: a response no request asked for', () => {
  it('on a connection whose client side was captured whole, says the client sent none (not that a request was lost)', () => {
    const packets: Packet[] = [
      { dir: 'c2s', data: fromHex(GET) },
      { dir: 's2c', data: fromHex(NOT_FOUND) },
      { dir: 's2c', data: fromHex(UNASKED) },
      { dir: 's2c', data: '', end: true },
    ];
    const cs = calls(packets);
    assert.deepEqual(
      cs.map((c) => [c.target, c.status?.code, c.state]),
      [
        ['/nope', 404, 'complete'],
        [undefined, 200, 'incomplete'],
      ],
    );
    assert.deepEqual(cs[0].warnings, []);
    assert.deepEqual(cs[1].warnings, ['response without a request: the client sent none (its side was captured without a gap, every request answered before this one)']);
  });
  it('a 408 so is the server closing an idle connection', () => {
    const r408 = new TextDecoder().decode(fromHex(UNASKED)).replace('200 OK', '408 Request Timeout');
    const cs = calls([
      { dir: 'c2s', data: fromHex(GET) },
      { dir: 's2c', data: fromHex(NOT_FOUND) },
      { dir: 's2c', data: r408 },
    ]);
    assert.deepEqual(cs[1].warnings, ['a 408 on an idle connection: the server closing it, not answering a request (RFC 9110 §15.5.9)']);
  });
  it('after a gap in the client side, the request may be what the gap lost: the plain wording', () => {
    const cs = calls([
      { dir: 'c2s', data: fromHex(GET) },
      { dir: 's2c', data: fromHex(NOT_FOUND) },
      { dir: 'c2s', data: '', gap: 40 },
      { dir: 's2c', data: fromHex(UNASKED) },
    ]);
    assert.ok(cs.some((c) => c.warnings.some((w) => /not captured|capture gap/.test(w))), JSON.stringify(cs.map((c) => c.warnings)));
    assert.ok(!cs.some((c) => c.warnings.some((w) => /the client sent none/.test(w))));
  });
  it('with no request seen at all (a capture that began mid-connection), the plain wording', () => {
    const cs = calls([{ dir: 's2c', data: fromHex(UNASKED) }]);
    assert.deepEqual(cs[0].warnings, ['response without a request (the request was not captured)']);
  });
});
