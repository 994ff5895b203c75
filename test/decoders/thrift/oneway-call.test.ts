/**
 * A oneway method called with a CALL message (thrift/doc/specs/idl.md, "oneway": the client does
 * not wait for a reply): Go's generated clients (thrift 0.17, `TStandardClient.Call` with a nil
 * result) send oneway calls as CALL, not ONEWAY (type 4), and the server sends nothing back.
 * Fixture: Go's framed compact client calling trackEvent then readUsersItemsList
 * (samples/thrift-person-api/person.thrift declares trackEvent oneway).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/thrift/index';
import { buildThriftDefinitions } from '../../../decoders/thrift/idl';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { fromHex } from '../../../decoders/core/bytes';
import { nodeEnv } from '../../../cli/platform/node-env';
import { testSession } from '../../helpers/session';
import { run } from '../calls/harness';

// framed compact: CALL trackEvent(seqid 3), CALL readUsersItemsList(seqid 4), REPLY readUsersItemsList.
const TRACK = '000000228221030a747261636b4576656e7418067669657765641b0188047061676502676f00';
const LIST = '0000001d822104127265616455736572734974656d734c69737418043132333400';
const LIST_REPLY = '00000036824104127265616455736572734974656d734c69737409001c18033435361807676f206974656d17000000000000f83f191801780000';

const IDL = `service PersonApi {
  list<string> readUsersItemsList(1: string personId)
  oneway void trackEvent(1: string name, 2: map<string, string> props)
}
`;

describe('Thrift: a oneway method sent as a CALL message (Go clients)', () => {
  it('with the IDL: a complete oneway call, with a note; the next call pairs with its reply', () => {
    const env = { ...nodeEnv(), definitions: { thrift: buildThriftDefinitions([{ path: '/w/person.thrift', text: IDL }]) } };
    const session = testSession({ env, flow: { server: { ip: '127.0.0.1', port: 19311 } } });
    const d = spec.create(session) as StreamDecoder;
    const at = (frame: number, streamOffset: number) => ({ frame, tsUs: 1_000_000 + frame * 1000, streamOffset });
    d.data('c2s', fromHex(TRACK), at(1, 0));
    d.data('c2s', fromHex(LIST), at(2, TRACK.length / 2));
    d.data('s2c', fromHex(LIST_REPLY), at(3, 0));
    d.close(at(4, 0));
    const [track, list] = session.calls;
    assert.equal(track.method, 'trackEvent');
    assert.equal(track.kind, 'oneway');
    assert.equal(track.state, 'complete');
    assert.deepEqual(track.warnings, ['CALL message for a method the IDL declares oneway']);
    assert.deepEqual(track.request?.value, { name: 'viewed', props: { page: 'go' } });
    assert.equal(list.method, 'readUsersItemsList');
    assert.equal(list.state, 'complete');
    assert.deepEqual(list.warnings, []);
  });

  it('without the IDL: unanswered while a later call was answered, said so at the end', () => {
    const { calls } = run(spec, [['c2s', TRACK], ['c2s', LIST], ['s2c', LIST_REPLY]], undefined, 19311);
    const track = calls.find((c) => c.method === 'trackEvent')!;
    assert.equal(track.state, 'incomplete');
    assert.match(track.warnings.join(), /no reply seen, though later calls on this connection were answered: a oneway method called with a CALL message/);
    const { calls: alone } = run(spec, [['c2s', TRACK]], undefined, 19311);
    assert.deepEqual(alone[0].warnings, ['no reply seen']);
  });
});
