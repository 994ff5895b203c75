/**
 * Held-out .NET round (test/heldout-dotnet/README.md): Debian's libmono-rabbitmq4.0-cil (RabbitMQ.Client
 * 1.x, Mono 6.8) speaks AMQP 0-8 by default, and RabbitMQ 3.10 still takes it. The frames are the capture's
 * (channel 1: open, a consumer, the 404 of a passive declare; then the client's connection.close).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/amqp/index';
import { run } from '../calls/harness';

const HEADER_0_8 = '414d515001010800';
const CH_OPEN = '010001000000050014000a00ce';
// channel.open-ok: no arguments in 0-8 (0-9-1 adds a longstr)
const CH_OPEN_OK = '010001000000040014000bce';
// basic.consume 'dotnet-0-8', tag '' — no `arguments` table in 0-8 — and its -ok
const CONSUME = '01000100000013003c001400000a646f746e65742d302d380000ce';
const CONSUME_OK = '01000100000024003c00151f616d712e637461672d67325f4d5678506e3738485a6c334e5f626338615477ce';
// queue.declare passive 'no-such-queue-0-8', RabbitMQ's channel.close 404 and the client's close-ok
const PASSIVE = '0100010000001d0032000a0000116e6f2d737563682d71756575652d302d380100000000ce';
const CLOSE_404 = '01000100000040001400280194354e4f545f464f554e44202d206e6f20717565756520276e6f2d737563682d71756575652d302d382720696e2076686f737420272f270032000ace';
const CLOSE_OK = '0100010000000400140029ce';
// connection.close 200 'Connection close forced' is 10/60 in 0-8, close-ok 10/61 (0-9-1's connection.blocked / unblocked)
const CONN_CLOSE = '01000000000022000a003c00c817436f6e6e656374696f6e20636c6f736520666f7263656400000000ce';
const CONN_CLOSE_OK = '01000000000004000a003dce';

describe('AMQP 0-8 as RabbitMQ speaks it (amqp0-8.xml; protocol header AMQP 1 1 8 0)', () => {
  it('is decoded with the 0-9-1 table and 0-8’s differences: connection.close 10/60, channel.open-ok empty, basic.consume without arguments', () => {
    const { calls } = run(spec, [
      ['c2s', HEADER_0_8],
      ['c2s', CH_OPEN],
      ['s2c', CH_OPEN_OK],
      ['c2s', CONSUME],
      ['s2c', CONSUME_OK],
      ['c2s', PASSIVE],
      ['s2c', CLOSE_404],
      ['c2s', CLOSE_OK],
      ['c2s', CONN_CLOSE],
      ['s2c', CONN_CLOSE_OK],
    ]);
    assert.deepEqual(
      calls.map((c) => [c.method, c.status?.code, c.fields['amqp.version']]),
      [
        ['channel.open', 200, '0-8'],
        ['basic.consume', 200, '0-8'],
        ['queue.declare', 404, '0-8'],
        ['channel.close', 404, '0-8'],
        ['connection.close', 200, '0-8'],
      ],
    );
    assert.deepEqual(calls.flatMap((c) => c.warnings), []);
    assert.equal((calls[1].request?.value as Record<string, unknown>).queue, 'dotnet-0-8');
    assert.equal(calls[4].status?.text, 'Connection close forced');
  });
  it('AMQP 0-9 (AMQP 1 1 0 9) numbers its methods as 0-9-1: decoded as such, not listed as another protocol', () => {
    const { calls } = run(spec, [
      ['c2s', '414d515001010009'],
      ['c2s', CONN_CLOSE.replace('000a003c', '000a0032')],
      ['s2c', CONN_CLOSE_OK.replace('000a003d', '000a0033')],
    ]);
    assert.deepEqual(
      calls.map((c) => [c.method, c.status?.code, c.fields['amqp.version']]),
      [['connection.close', 200, '0-9']],
    );
  });
});
