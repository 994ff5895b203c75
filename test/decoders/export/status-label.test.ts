// How a status reads in the table, the call tree, the editor's labels and the exports: the code
// and its text, the code said once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { codeAndText } from '../../../decoders/export/common';

describe('codeAndText: a status as code and text', () => {
  it('HTTP: code then reason phrase', () => assert.equal(codeAndText({ code: 404, text: 'Not Found' }), '404 Not Found'));
  it('no text, or the text is the code: the code alone', () => {
    assert.equal(codeAndText({ code: 'OK' }), 'OK');
    assert.equal(codeAndText({ code: 'OK', text: 'OK' }), 'OK');
  });
  it('a text that starts with its code does not repeat it (a broker RPC joined to its reply)', () => {
    assert.equal(codeAndText({ code: 'reply', text: 'reply on amq.rabbitmq.reply-to.g1h2' }), 'reply on amq.rabbitmq.reply-to.g1h2');
    // (a word that only begins like the code is not the code)
    assert.equal(codeAndText({ code: 'ERR', text: 'ERRORS happened' }), 'ERR ERRORS happened');
  });
});
