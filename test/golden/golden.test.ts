/**
 * Golden tests: every capture under samples/ → its calls, flows and warnings, compared with
 * test/golden/<sample path>.json. `UPDATE_GOLDEN=1 npm run test:unit` rewrites them: review the diff.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeSample, sampleCaptures, ROOT } from '../helpers/samples';
import { normalizeCall } from '../helpers/normalize';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

describe('golden: every sample capture decodes to its expected calls', () => {
  const samples = sampleCaptures();
  it('has sample captures', () => assert.ok(samples.length > 0, 'no captures under samples/'));
  for (const rel of samples) {
    it(rel, async () => {
      const d = await decodeSample(rel);
      const actual = {
        frames: d.frames,
        warnings: d.warnings.map((w) => w.message),
        flows: d.flows
          .sort((a, b) => a.id - b.id)
          .map((f) => ({
            id: f.id,
            transport: f.transport,
            client: `${f.client.ip}:${f.client.port}`,
            server: `${f.server.ip}:${f.server.port}`,
            protocol: f.protocol,
            dispatch: f.dispatch,
            roleFrom: f.roleFrom,
            bytes: [f.c2sBytes, f.s2cBytes],
            packets: f.packets,
            handshakeRttUs: f.handshakeRttUs,
            gapBytes: f.gapBytes.c2s || f.gapBytes.s2c ? f.gapBytes : undefined,
            calls: f.calls,
            warnings: f.warnings.length ? f.warnings : undefined,
          })),
        calls: d.calls.sort((a, b) => a.id - b.id).map((c) => normalizeCall(c)),
      };
      const file = join(ROOT, 'test/golden', rel + '.json');
      const json = JSON.stringify(actual, null, 1) + '\n';
      if (UPDATE || !existsSync(file)) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, json);
        if (!UPDATE) assert.fail(`golden file was missing and has been written: ${file} — review it and commit it`);
        return;
      }
      const expected = JSON.parse(readFileSync(file, 'utf8'));
      assert.deepStrictEqual(JSON.parse(json), expected, `calls of ${rel} differ from ${file} (UPDATE_GOLDEN=1 to rewrite after review)`);
    });
  }
});
