import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COLUMNS, WATERFALL, fitColumns, timeColumn } from '../../webview/call-list';
import { shortMethod } from '../../webview/format';

const keys = (w: number, cols = COLUMNS) => fitColumns(cols, w).map((c) => c.key).join(' ');

describe('the call list in a narrow pane keeps method, status and target', () => {
  it('a wide pane shows every column', () => {
    assert.equal(keys(1200), 'time duration endpoints protocol method status target size');
    assert.equal(keys(0), 'time duration endpoints protocol method status target size', 'not laid out yet: all');
  });
  it('the list beside the diagram in a 1400 px window (~550 px): size, client → server and protocol go', () => {
    assert.equal(keys(730), 'time duration endpoints protocol method status target');
    assert.equal(keys(548), 'time duration method status target');
  });
  it('a split editor (~280 px list): method, status and target are what is left, sharing the width', () => {
    assert.equal(keys(320), 'method status target');
    assert.equal(keys(120), 'method status target', 'never fewer than these three');
    assert.deepEqual(fitColumns(COLUMNS, 320).map((c) => c.width), ['minmax(90px, 1fr)', 'minmax(120px, 0.9fr)', 'minmax(100px, 1.4fr)'], 'they fit: usual widths');
    assert.deepEqual(fitColumns(COLUMNS, 268).map((c) => c.width), ['minmax(0, 90fr)', 'minmax(0, 120fr)', 'minmax(0, 100fr)'], 'too narrow: shares of the width, nothing cut off at the edge');
  });
  it('with the waterfall, the bars stay', () => {
    const wf = [...COLUMNS.filter((c) => c.key !== 'target' && c.key !== 'size'), WATERFALL];
    assert.equal(keys(560, wf), 'time duration method status waterfall');
    assert.equal(keys(548, wf), 'time method status waterfall');
    assert.equal(keys(400, wf), 'method status waterfall');
  });
});

describe('the method column', () => {
  it('shows a gRPC method by its name (the whole path is the target beside it)', () => {
    assert.equal(shortMethod('callscope.person.v1.PersonService/GetPerson'), 'GetPerson');
    assert.equal(shortMethod('/grpc.health.v1.Health/Check'), 'Check');
  });
  it('keeps every other name', () => {
    for (const m of ['GET', 'fun_add', 'basic.publish', 'PUBLISH', 'fare/quote', 'Greeter/SayHello', 'system.multicall', 'connection.start']) assert.equal(shortMethod(m), m);
  });
});

describe('the Time column', () => {
  it('is wider for wall-clock times, which the narrow one cut to "20:30:17…" on every row', () => {
    assert.equal(timeColumn('absolute').width, '144px');
    assert.equal(timeColumn('relative').width, '96px');
    assert.equal(timeColumn('delta').min, 96);
  });
});
