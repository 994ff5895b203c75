import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emptyCaptureText, fileProblem } from '../../webview/empty-state';

describe('a capture with no calls says why and what to do', () => {
  it('an empty file', () => {
    const t = emptyCaptureText({ failed: '/tmp/x/empty.pcap: empty file, not a pcap or pcapng file', frames: 0, unrecognised: 0 });
    assert.equal(t.title, 'This file is empty');
    assert.match(t.lines.join(' '), /tcpdump/);
    assert.deepEqual(t.actions.map((a) => a.command), ['callscope.openCapture', 'callscope.startCapture']);
  });
  it('a text file named .pcap', () => {
    const t = emptyCaptureText({ failed: '/tmp/x/notacapture.pcap: not a pcap or pcapng file (starts with 0x68656c6c)', frames: 0, unrecognised: 0 });
    assert.equal(t.title, 'This file is not a capture');
    assert.match(t.lines.join(' '), /Reopen Editor With/);
  });
  it('any other read failure', () => {
    assert.equal(emptyCaptureText({ failed: 'EACCES: permission denied', frames: 0, unrecognised: 0 }).title, 'The capture could not be read');
  });
  it('a valid capture with no packets (tcpdump stopped before any traffic)', () => {
    const t = emptyCaptureText({ frames: 0, unrecognised: 0 });
    assert.equal(t.title, 'This capture holds no packets');
    assert.equal(t.actions[0].command, 'callscope.startCapture');
  });
  it('conversations on ports callscope does not know: Decode As…', () => {
    const t = emptyCaptureText({ frames: 40, unrecognised: 2 });
    assert.equal(t.title, 'No calls — 2 conversations not recognised');
    assert.deepEqual(t.actions.map((a) => a.command), ['callscope.decodeAs']);
  });
  it('packets, but nothing callscope reads', () => {
    assert.match(emptyCaptureText({ frames: 12, unrecognised: 0 }).lines[0], /^12 frames, but no TCP or UDP conversation/);
  });
});

describe('which failures the editor explains itself (and the host does not notify)', () => {
  it('by the reader\'s words: an empty file, a file that is not a capture (also inside a gzip)', () => {
    assert.equal(fileProblem('/tmp/x/empty.pcap: empty file, not a pcap or pcapng file'), 'empty');
    assert.equal(fileProblem('/tmp/x/notacapture.pcap: not a pcap or pcapng file (starts with 0x68656c6c)'), 'not-capture');
    assert.equal(fileProblem('/tmp/x/a.pcap.gz: gzip-compressed, but not a pcap or pcapng file inside (starts with 0x00000000)'), 'not-capture');
  });
  it('not by the path: a .pcapng that failed otherwise could not be read, and gets its notification', () => {
    const failed = "EACCES: permission denied, open '/tmp/pcapng-samples/trace.pcapng'";
    assert.equal(fileProblem(failed), undefined);
    assert.equal(emptyCaptureText({ failed, frames: 0, unrecognised: 0 }).title, 'The capture could not be read');
  });
});
