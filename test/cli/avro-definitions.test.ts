/**
 * The CLI's definition loader reads Avro schemas (`.avsc`) beside the capture: they reach the
 * decoders as `definitions.avro` (decoders/avro/definitions.ts), the candidates for Kafka values
 * framed with a schema id the capture did not teach; a file that is not a schema is a warning.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDefinitions } from '../../cli/platform/definitions';
import { avroDefinitionsOf } from '../../decoders/avro/definitions';

describe('CLI definitions: .avsc files beside the capture', () => {
  it('become definitions.avro (records by full name, file paths kept); a bad one is a warning', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'callscope-avsc-'));
    try {
      writeFileSync(path.join(dir, 'order-key.avsc'), JSON.stringify({ type: 'record', name: 'OrderKey', namespace: 'shop', fields: [{ name: 'id', type: 'long' }] }));
      writeFileSync(path.join(dir, 'broken.avsc'), '{"type":"record"');
      const { definitions, warnings, files } = await loadDefinitions({ captureFile: path.join(dir, 'capture.pcap') });
      const avro = avroDefinitionsOf(definitions as Record<string, unknown>);
      assert.ok(avro, 'definitions.avro');
      assert.deepEqual(
        avro.records.map((r) => [path.basename(r.file), r.schema.name]),
        [['order-key.avsc', 'shop.OrderKey']],
      );
      assert.ok(warnings.some((w) => w.includes('broken.avsc') && /not JSON/.test(w)), warnings.join('\n'));
      assert.deepEqual(files.filter((f) => f.endsWith('.avsc')).map((f) => path.basename(f)).sort(), ['broken.avsc', 'order-key.avsc']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
