import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec, probeStomp } from '../../../decoders/stomp/index';
import { fromHex } from '../../../decoders/core/bytes';
import { header } from '../../../decoders/core/handoff';
import { run, assertSplitInvariant, fuzz, type Script } from '../calls/harness';

// CONNECT (1.2, heart-beat) / CONNECTED with CRLF line ends and a heart-beat EOL after the NUL
const CONNECT = '434f4e4e4543540a6163636570742d76657273696f6e3a312e320a686f73743a2f0a6c6f67696e3a67756573740a70617373636f64653a67756573740a68656172742d626561743a313030302c313030300a0a00';
const CONNECTED = '434f4e4e45435445440d0a76657273696f6e3a312e320d0a7365727665723a5261626269744d512f332e31302e380d0a68656172742d626561743a302c300d0a0d0a000a';
const SUBSCRIBE = '5355425343524942450a69643a7375622d300a64657374696e6174696f6e3a2f71756575652f72696465730a61636b3a636c69656e742d696e646976696475616c0a726563656970743a722d310a0a00';
const RECEIPT1 = '524543454950540a726563656970742d69643a722d310a0a00';
// SEND with content-length 15 and a NUL inside the body, escaped header x-note:a\cb\nc
const SEND_CL =
  '53454e440a64657374696e6174696f6e3a2f71756575652f72696465730a636f6e74656e742d747970653a6170706c69636174696f6e2f6a736f6e0a636f6e74656e742d6c656e6774683a31350a782d6e6f74653a615c63625c6e630a0a7b2274726970223a2274002d31227d00';
const SEND_NUL = '53454e440a64657374696e6174696f6e3a2f71756575652f72696465730a0a68656c6c6f00';
const MESSAGE = '4d4553534147450a64657374696e6174696f6e3a2f71756575652f72696465730a737562736372697074696f6e3a7375622d300a6d6573736167652d69643a6d2d310a61636b3a612d310a636f6e74656e742d6c656e6774683a350a0a68656c6c6f00';
const ACK = '41434b0a69643a612d310a0a00';
const ERROR = '4552524f520a6d6573736167653a6261642064657374696e6174696f6e0a726563656970742d69643a722d390a636f6e74656e742d6c656e6774683a330a0a62616400';
const SEND_R9 = '53454e440a64657374696e6174696f6e3a2f6e6f70650a726563656970743a722d390a0a7800';
const HB = '0a0d0a';

describe('STOMP 1.2 Connecting', () => {
  it('probes CONNECT / STOMP frames', () => {
    assert.equal(probeStomp(fromHex(CONNECT)), 'accept');
    assert.equal(probeStomp(fromHex('434f4e')), 'need-more');
    assert.equal(probeStomp(fromHex('474554')), 'reject');
  });
  it('CONNECT + CONNECTED is one call; CRLF line ends; heart-beat EOLs skipped', () => {
    const { calls } = run(spec, [['c2s', CONNECT], ['s2c', CONNECTED + HB]]);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].fields['stomp.version'], '1.2');
    assert.equal(calls[0].status?.ok, true);
    assert.equal(header(calls[0].request!.headers, 'passcode'), '(hidden)');
  });
});

describe('STOMP 1.2 Frames: content-length, NUL bodies, value encoding', () => {
  it('content-length bodies may contain NUL; escaped header values are decoded', () => {
    const { calls } = run(spec, [['c2s', CONNECT], ['s2c', CONNECTED], ['c2s', SEND_CL + HB + SEND_NUL]]);
    const [, a, b] = calls;
    assert.equal(a.kind, 'publish');
    assert.equal(a.request!.body!.size, 15);
    assert.equal(header(a.request!.headers, 'x-note'), 'a:b\nc');
    assert.equal(b.request!.body!.text, 'hello');
    assert.equal(b.fields['stomp.destination'], '/queue/rides');
  });
});

describe('STOMP 1.2 Receipts, MESSAGE and ACK, ERROR', () => {
  it('pairs receipts, holds a client-individual MESSAGE until its ACK, fails a frame named by ERROR', () => {
    const { calls } = run(spec, [['c2s', CONNECT], ['s2c', CONNECTED], ['c2s', SUBSCRIBE], ['s2c', RECEIPT1], ['s2c', MESSAGE], ['c2s', ACK], ['c2s', SEND_R9], ['s2c', ERROR]]);
    const sub = calls.find((c) => c.method === 'SUBSCRIBE')!;
    assert.equal(sub.kind, 'unary');
    assert.equal(sub.status?.code, 'RECEIPT');
    const msg = calls.find((c) => c.method === 'MESSAGE')!;
    assert.equal(msg.kind, 'deliver');
    assert.equal(msg.fields['stomp.ack'], 'ack');
    assert.equal(msg.fields['stomp.message_id'], 'm-1');
    assert.deepEqual(msg.frames, [5, 6]);
    const bad = calls.find((c) => c.target === '/nope')!;
    assert.equal(bad.status?.ok, false);
    assert.equal(bad.status?.text, 'bad destination');
  });
});

// @stomp/stompjs answering an RPC through RabbitMQ: the reply SEND to /reply-queue/amq.gen-… and
// the MESSAGE the requester gets for it (destination /queue/amq.gen-…, subscription /temp-queue/…).
const SEND_REPLY = Buffer.from('SEND\ndestination:/reply-queue/amq.gen-0ivIJAXT8kD9TPBjnelTgQ\ncorrelation-id:c-42\ncontent-length:13\n\npong for ping\0').toString('hex');
const MESSAGE_REPLY = Buffer.from('MESSAGE\nsubscription:/temp-queue/ho-replies\ndestination:/queue/amq.gen-0ivIJAXT8kD9TPBjnelTgQ\nmessage-id:T_/temp-queue/ho-replies@@session-g0rBOpEiIEJh-RunIVZbeg@@5\nredelivered:false\ncorrelation-id:c-42\ncontent-length:13\n\npong for ping\0').toString('hex');

describe('RabbitMQ STOMP temp queues (/temp-queue/ reply-to, /reply-queue/ replies)', () => {
  it('a reply sent to /reply-queue/X has the message key of its delivery on /queue/X', () => {
    const send = run(spec, [['c2s', CONNECT], ['s2c', CONNECTED], ['c2s', SEND_REPLY]]).calls.find((c) => c.kind === 'publish')!;
    const msg = run(spec, [['c2s', CONNECT], ['s2c', CONNECTED], ['s2c', MESSAGE_REPLY]]).calls.find((c) => c.kind === 'deliver')!;
    assert.equal(send.target, '/reply-queue/amq.gen-0ivIJAXT8kD9TPBjnelTgQ');
    assert.ok(send.fields['msg.key']);
    assert.equal(send.fields['msg.key'], msg.fields['msg.key']);
  });
});

describe('STOMP split invariance and robustness', () => {
  const scripts: Script[] = [
    [['c2s', CONNECT], ['s2c', CONNECTED], ['c2s', SUBSCRIBE + SEND_CL], ['s2c', RECEIPT1 + HB + MESSAGE], ['c2s', ACK + SEND_NUL + SEND_R9], ['s2c', ERROR]],
  ];
  it('gives identical calls whatever the split', () => {
    for (const s of scripts) assertSplitInvariant(spec, s);
  });
  it('never throws on mutated input', () => {
    fuzz(spec, scripts, 300);
  });
});

describe('STOMP 1.2 connection end: what was waiting when the connection closed', () => {
  it('a CONNECT answered by a hang-up (RabbitMQ Web-STOMP refusing a login) is aborted, a receipt cut by the capture end incomplete', () => {
    const c = run(spec, [['c2s', CONNECT]], undefined, undefined, 'fin').calls[0];
    assert.equal(c.state, 'aborted');
    assert.match(c.warnings.join(), /no CONNECTED: the connection was closed/);
    const r = run(spec, [['c2s', CONNECT], ['s2c', CONNECTED], ['c2s', SUBSCRIBE]]).calls.find((x) => x.method === 'SUBSCRIBE')!;
    assert.equal(r.state, 'incomplete');
  });
});

describe('STOMP 1.2 ERROR without receipt-id naming a SEND by its destination (ruby-stomp 1.4.10, RabbitMQ 3.10)', () => {
  // The gem writes each line in a segment of its own: SEND to /nonsense/x (no receipt), body "nowhere"; RabbitMQ
  // answers ERROR "Unknown destination", its body "'/nonsense/x' is not a valid destination.\n…", then closes.
  const SEND_BAD = ['53454e440a', '64657374696e6174696f6e3a2f6e6f6e73656e73652f780a', '636f6e74656e742d6c656e6774683a370a', '636f6e74656e742d747970653a746578742f706c61696e3b20636861727365743d5554462d380a', '0a', '6e6f7768657265', '00'];
  const ERROR_DEST =
    '4552524f520a6d6573736167653a556e6b6e6f776e2064657374696e6174696f6e0a636f6e74656e742d747970653a746578742f706c61696e0a76657273696f6e3a312e302c312e312c312e320a636f6e74656e742d6c656e6774683a3133380a0a272f6e6f6e73656e73652f7827206973206e6f7420612076616c69642064657374696e6174696f6e2e0a56616c69642064657374696e6174696f6e207479706573206172653a202f74656d702d71756575652c202f65786368616e67652c202f746f7069632c202f71756575652c202f616d712f71756575652c202f7265706c792d71756575652f2e0a000a';
  const script: Script = [['c2s', CONNECT], ['s2c', CONNECTED], ['c2s', SEND_NUL], ...SEND_BAD.map((x): ['c2s', string] => ['c2s', x]), ['s2c', ERROR_DEST]];
  it('the ERROR fails that SEND (applied by the flow correlator) and links to it; an earlier SEND elsewhere stands', () => {
    const { calls } = run(spec, script);
    const sends = calls.filter((c) => c.method === 'SEND');
    const err = calls.find((c) => c.method === 'ERROR')!;
    assert.deepEqual(sends.map((c) => [c.target, c.status?.code]), [['/queue/rides', 'sent'], ['/nonsense/x', 'sent']]);
    assert.equal(err.links?.requestId, sends[1].id);
    assert.deepEqual(err.failsCalls, [{ id: sends[1].id, status: { code: 'ERROR', text: 'Unknown destination', ok: false }, warning: 'refused by the broker: an ERROR without receipt-id quotes this destination' }]);
  });
  it('a SEND with a receipt among others waiting gets the ERROR as its answer', () => {
    const withReceipt = SEND_BAD.slice();
    withReceipt[1] += '726563656970743a722d320a'; // receipt:r-2
    const { calls } = run(spec, [['c2s', CONNECT], ['s2c', CONNECTED], ['c2s', SUBSCRIBE], ...withReceipt.map((x): ['c2s', string] => ['c2s', x]), ['s2c', ERROR_DEST]]);
    const send = calls.find((c) => c.method === 'SEND')!;
    assert.deepEqual(send.status, { code: 'ERROR', text: 'Unknown destination', ok: false });
    assert.ok(send.warnings.includes('ERROR without receipt-id, attributed to the SEND whose destination it quotes'));
    assert.equal(calls.find((c) => c.method === 'SUBSCRIBE')!.status?.code, undefined);
  });
  it('an ERROR that quotes no destination sent names none', () => {
    const { calls } = run(spec, [['c2s', CONNECT], ['s2c', CONNECTED], ['c2s', SEND_NUL], ['s2c', ERROR_DEST]]);
    assert.equal(calls.find((c) => c.method === 'ERROR')!.failsCalls, undefined);
  });
  it('an ERROR naming a SUBSCRIBE by its destination and command fails that SUBSCRIBE (held until the broker answers) and links to it, not to a SEND there', () => {
    // SUBSCRIBE id:t1 to /temp-queue/hr.replies (RabbitMQ refuses subscriptions to temp queues), a line a segment;
    // ERROR "Invalid destination", body "'/temp-queue/hr.replies' is not a valid destination for 'SUBSCRIBE'\n".
    const SUB_TEMP = ['5355425343524942450a', '69643a74310a', '64657374696e6174696f6e3a2f74656d702d71756575652f68722e7265706c6965730a', '636f6e74656e742d6c656e6774683a300a', '636f6e74656e742d747970653a746578742f706c61696e3b20636861727365743d5554462d380a', '0a', '00'];
    const ERROR_SUB =
      '4552524f520a6d6573736167653a496e76616c69642064657374696e6174696f6e0a636f6e74656e742d747970653a746578742f706c61696e0a76657273696f6e3a312e302c312e312c312e320a636f6e74656e742d6c656e6774683a36380a0a272f74656d702d71756575652f68722e7265706c69657327206973206e6f7420612076616c69642064657374696e6174696f6e20666f722027535542534352494245270a000a';
    const sendThere = '53454e440a64657374696e6174696f6e3a2f74656d702d71756575652f68722e7265706c6965730a0a7800';
    const { calls } = run(spec, [['c2s', CONNECT], ['s2c', CONNECTED], ...SUB_TEMP.map((x): ['c2s', string] => ['c2s', x]), ['c2s', sendThere], ['s2c', ERROR_SUB]]);
    const sub = calls.find((c) => c.method === 'SUBSCRIBE')!;
    const err = calls.find((c) => c.method === 'ERROR')!;
    assert.equal(err.links?.requestId, sub.id);
    assert.equal(err.failsCalls, undefined);
    assert.deepEqual(sub.status, { code: 'ERROR', text: 'Invalid destination', ok: false });
    assert.deepEqual(sub.warnings, ['refused by the broker: an ERROR without receipt-id quotes this destination']);
    assert.equal(sub.links?.requestId, err.id);
    assert.deepEqual(err.warnings, []);
    assert.equal(calls.find((c) => c.method === 'SEND')!.status?.ok, true);
  });
  it('a SUBSCRIBE the broker answers with anything but an ERROR naming it goes out as it was', () => {
    const t = (x: string) => Buffer.from(x);
    const { calls } = run(spec, [['c2s', CONNECT], ['s2c', CONNECTED], ['c2s', t('SUBSCRIBE\nid:s\ndestination:/queue/a\n\n\0')], ['s2c', t('MESSAGE\nsubscription:s\ndestination:/queue/a\nmessage-id:1\n\nx\0')]]);
    const sub = calls.find((c) => c.method === 'SUBSCRIBE')!;
    assert.equal(sub.status, undefined);
    assert.deepEqual(sub.warnings, []);
  });
  it('split anywhere', () => assertSplitInvariant(spec, script));
});

describe('STOMP 1.2 BEGIN / COMMIT / ABORT (transactions; stomp.py 8 against ActiveMQ 5.17)', () => {
  const hex = (t: string) => Buffer.from(t.replace(/\|/g, '\n') + '\0').toString('hex');
  const frames: Script = [
    ['c2s', CONNECT],
    ['s2c', CONNECTED],
    ['c2s', hex('BEGIN|transaction:tx1||')],
    ['c2s', hex('SEND|destination:/queue/orders|transaction:tx1||in tx')],
    ['c2s', hex('COMMIT|transaction:tx1||')],
    ['c2s', hex('BEGIN|transaction:tx2||')],
    ['c2s', hex('SEND|destination:/queue/orders|transaction:tx2||aborted')],
    ['c2s', hex('SEND|destination:/queue/orders|transaction:tx2||aborted too')],
    ['c2s', hex('ABORT|transaction:tx2||')],
  ];
  it("an ABORT says its transaction's SENDs were not delivered (applied by the flow correlator); a COMMIT's are left alone", () => {
    const { calls } = run(spec, frames);
    const sends = calls.filter((c) => c.method.startsWith('SEND'));
    assert.deepEqual(sends.map((c) => c.fields['stomp.transaction']), ['tx1', 'tx2', 'tx2']);
    const abort = calls.find((c) => c.method === 'ABORT')!;
    assert.deepEqual(abort.failsCalls, [sends[1], sends[2]].map((c) => ({ id: c.id, status: { code: 'aborted', text: 'not delivered (ABORT of transaction tx2)', ok: false } })));
    assert.equal(calls.find((c) => c.method === 'COMMIT')!.failsCalls, undefined);
  });
  it('gives the same result whatever the split', () => {
    assertSplitInvariant(spec, frames);
  });
});

