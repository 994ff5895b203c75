/**
 * A replica's link to its master (redis.io "Redis replication", replication.c): recorded from
 * redis-server 7.0 (Debian) with `REPLICAOF` on loopback. The master answers PSYNC with
 * `+FULLRESYNC <replid> <offset>`, sends newlines while it prepares the snapshot, then the RDB as
 * a bulk string with no CR LF after it (or diskless: `$EOF:<40-byte mark>` … mark), then the
 * commands it executes; the replica sends `REPLCONF ACK <offset>` every second and expects no
 * reply. Before: the newline stopped the master's direction ("unknown RESP type byte 0x0a") and
 * nothing after PSYNC was decoded.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/redis/index';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import { replay, c2s, s2c, seg, snapshot, type Segment } from './feed';
import { testSession } from '../../helpers/session';

const redis = (s: DecoderSession) => spec.create(s) as StreamDecoder;
const cmd = (...a: string[]) => `*${a.length}\r\n${a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('')}`;
const REPLID = '8f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c';
// An RDB's first bytes: "REDIS0010", then opcodes; here a stand-in body with CR LF and '*' inside,
// which must not be read as RESP.
const RDB = Buffer.concat([Buffer.from('REDIS0010'), Buffer.from('\xfa\tredis-ver\x067.0.15\r\n*3\r\n\xff', 'latin1'), Buffer.alloc(8, 0x11)]);
const MARK = 'a'.repeat(20) + 'b'.repeat(20);

const fullSync = (diskless: boolean): Segment[] => [
  c2s(cmd('PING')),
  s2c('+PONG\r\n'),
  c2s(cmd('REPLCONF', 'listening-port', '28502') + cmd('REPLCONF', 'capa', 'eof', 'capa', 'psync2')),
  s2c('+OK\r\n+OK\r\n'),
  c2s(cmd('PSYNC', '?', '-1')),
  s2c(`+FULLRESYNC ${REPLID} 0\r\n`),
  s2c('\n\n'),
  seg('s2c', Buffer.concat(diskless ? [Buffer.from(`$EOF:${MARK}\r\n`), RDB, Buffer.from(MARK)] : [Buffer.from(`$${RDB.length}\r\n`), RDB])),
  c2s(cmd('REPLCONF', 'ACK', '0')),
  s2c(cmd('SELECT', '0') + cmd('SET', 'after-sync', '1')),
  s2c(cmd('PEXPIREAT', 'q', '1795419719331')),
  c2s(cmd('REPLCONF', 'ACK', '71')),
  s2c(cmd('PING')),
];

describe('Redis replication (PSYNC, the RDB snapshot, the command stream)', () => {
  for (const diskless of [false, true]) {
    it(`${diskless ? 'diskless ($EOF:<mark>)' : 'a length-prefixed'} snapshot, then the master's commands as events from the server`, () => {
      const s = replay(redis, fullSync(diskless));
      assert.deepEqual(s.warnings, []);
      const rows = s.calls.map((c) => `${c.method}|${c.target ?? ''}|${c.kind}|${c.state}`);
      assert.deepEqual(rows, [
        'PING||unary|complete',
        'REPLCONF||unary|complete',
        'REPLCONF||unary|complete',
        'PSYNC||unary|complete',
        `RDB|${RDB.length} bytes|event|complete`,
        'REPLCONF||oneway|complete',
        'SELECT||event|complete',
        'SET|after-sync|event|complete',
        'PEXPIREAT|q|event|complete',
        'REPLCONF||oneway|complete',
        'PING||event|complete',
      ]);
      const psync = s.calls[3];
      assert.equal(psync.fields['redis.replid'], REPLID);
      assert.equal(psync.fields['redis.repl_offset'], 0);
      const rdb = s.calls[4];
      assert.equal(rdb.fields['redis.rdb_bytes'], RDB.length);
      assert.equal(rdb.fields['redis.rdb_version'], 10);
      assert.equal(rdb.fields['redis.rdb_diskless'], diskless || undefined);
      const set = s.calls[7];
      assert.equal(set.request, undefined);
      assert.deepEqual(set.response?.value, ['after-sync', '1']);
      assert.equal(s.calls[5].fields['redis.no_reply'], true);
    });
  }

  it('the same calls whatever the split', () => {
    for (const diskless of [false, true]) {
      const whole = snapshot(replay(redis, fullSync(diskless)));
      assert.deepEqual(snapshot(replay(redis, fullSync(diskless), "bytes")), whole);
      for (const seed of [1, 2, 3]) assert.deepEqual(snapshot(replay(redis, fullSync(diskless), seed)), whole);
    }
  });

  it('a link the capture joined after the snapshot: the replica ACKs and the master commands', () => {
    const s = replay(redis, fullSync(false).slice(9));
    assert.deepEqual(
      s.calls.map((c) => `${c.method}|${c.kind}`),
      ['SELECT|event', 'SET|event', 'PEXPIREAT|event', 'REPLCONF|oneway', 'PING|event'],
    );
    const t = replay(redis, fullSync(false).slice(8));
    assert.deepEqual(
      t.calls.map((c) => `${c.method}|${c.kind}`),
      ['REPLCONF|oneway', 'SELECT|event', 'SET|event', 'PEXPIREAT|event', 'REPLCONF|oneway', 'PING|event'],
    );
  });

  it('a gap inside a length-prefixed snapshot is counted against it; the stream goes on after it', () => {
    const s = testSession();
    const d = redis(s);
    let off = { c2s: 0, s2c: 0 };
    const at = (dir: 'c2s' | 's2c', n: number) => ({ frame: 1, tsUs: 1_000_000, streamOffset: (off[dir] += n) - n });
    const put = (dir: 'c2s' | 's2c', t: string | Uint8Array) => {
      const b = typeof t === 'string' ? Buffer.from(t, 'latin1') : t;
      d.data(dir, b, at(dir, b.length));
    };
    put('c2s', cmd('PSYNC', '?', '-1'));
    put('s2c', `+FULLRESYNC ${REPLID} 0\r\n$${RDB.length}\r\n`);
    put('s2c', RDB.subarray(0, 10));
    d.gap('s2c', 20, at('s2c', 20));
    put('s2c', RDB.subarray(30));
    put('s2c', cmd('SET', 'k', 'v'));
    d.close({ frame: 2, tsUs: 2_000_000, streamOffset: 0 });
    const rdb = s.calls.find((c) => c.method === 'RDB')!;
    assert.equal(rdb.state, 'complete');
    assert.equal(rdb.fields['redis.rdb_bytes'], RDB.length);
    assert.deepEqual(rdb.warnings, ['20 bytes of the snapshot missing from the capture']);
    assert.ok(s.calls.some((c) => c.method === 'SET' && c.kind === 'event'));
  });

  it('a connection that ends inside the snapshot leaves it incomplete', () => {
    const s = replay(redis, [c2s(cmd('PSYNC', '?', '-1')), s2c(`+FULLRESYNC ${REPLID} 0\r\n$1000\r\nREDIS0010`)]);
    const rdb = s.calls.find((c) => c.method === 'RDB')!;
    assert.equal(rdb.state, 'incomplete');
    assert.equal(rdb.fields['redis.rdb_bytes'], 9);
  });

  it('SYNC (the old command): the snapshot is its answer', () => {
    const s = replay(redis, [c2s(cmd('SYNC')), s2c('\n'), seg('s2c', Buffer.concat([Buffer.from(`$${RDB.length}\r\n`), RDB])), s2c(cmd('SET', 'k', 'v'))]);
    assert.deepEqual(
      s.calls.map((c) => `${c.method}|${c.kind}|${c.state}`),
      ['SYNC|unary|complete', 'SET|event|complete'],
    );
    assert.equal(s.calls[0].fields['redis.rdb_bytes'], RDB.length);
    assert.equal(s.calls[0].target, `${RDB.length} bytes`);
  });
});
