import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { headerTest, highlightRange } from '../../webview/hex-view';

describe('hex view of packets as captured', () => {
  // Two frames of 60 and 40 bytes; payloads start 54 and 34 bytes into each.
  const segments = [
    { frame: 4, offset: 0, length: 60, payloadOffset: 54 },
    { frame: 6, offset: 60, length: 40, payloadOffset: 94 },
  ];
  it('tells header bytes from payload bytes, frame by frame', () => {
    const isHeader = headerTest(segments);
    assert.equal(isHeader(0), true);
    assert.equal(isHeader(53), true);
    assert.equal(isHeader(54), false);
    assert.equal(isHeader(59), false);
    assert.equal(isHeader(60), true);
    assert.equal(isHeader(93), true);
    assert.equal(isHeader(94), false);
  });
  it('no payload offsets (decoded body): nothing is a header', () => {
    assert.equal(headerTest([{ frame: 1, offset: 0, length: 10 }])(0), false);
    assert.equal(headerTest(undefined)(3), false);
  });
  it('a selected field is found in the frame bytes', () => {
    const bytes = new Uint8Array([...new Uint8Array(54), ...new TextEncoder().encode('<methodCall>')]);
    assert.deepEqual(highlightRange(bytes, { part: 'request', kind: 'text', text: '<methodCall>' }), [54, 66]);
  });
});
