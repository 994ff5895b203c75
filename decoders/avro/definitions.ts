/**
 * The workspace's Avro schema files (`.avsc`: one schema in Avro's JSON form, or a JSON array of
 * schemas): their named types share one name table (a file may use a type another defines, as
 * avro-maven-plugin's imports allow), and their records are the candidates for a Kafka value whose
 * schema id the capture did not teach (kafka/schema-registry.ts `guess`).
 */
import { AvroSchemaError, parseAvroJson, type AvroRecord, type Names } from './schema';

export interface AvroSchemaFile {
  /** The file that declares it (as given: an absolute path on the host). */
  file: string;
  schema: AvroRecord;
}

export interface AvroDefinitions {
  kind: 'avro';
  /** Top-level records, in file order. */
  records: AvroSchemaFile[];
  names: Names;
  warnings: string[];
}

const MAX_FILE = 1 << 20;
const MAX_RECORDS = 256;

export function buildAvroDefinitions(files: Array<{ path: string; text: string }>): AvroDefinitions {
  const defs: AvroDefinitions = { kind: 'avro', records: [], names: new Map(), warnings: [] };
  for (const f of files) {
    if (f.text.length > MAX_FILE) {
      defs.warnings.push(`${f.path}: larger than ${MAX_FILE} bytes, not read`);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(f.text);
    } catch (e) {
      defs.warnings.push(`${f.path}: not JSON (${(e as Error).message})`);
      continue;
    }
    // An array at the top is a union of the file's types: each named record is a candidate.
    for (const item of Array.isArray(json) ? json : [json]) {
      try {
        const s = parseAvroJson(item, defs.names);
        if (s.type === 'record' && defs.records.length < MAX_RECORDS) defs.records.push({ file: f.path, schema: s });
      } catch (e) {
        defs.warnings.push(`${f.path}: ${e instanceof AvroSchemaError ? e.message : String(e)}`);
      }
    }
  }
  return defs;
}

export function avroDefinitionsOf(definitions: Record<string, unknown> | undefined): AvroDefinitions | undefined {
  const d = definitions?.avro as AvroDefinitions | undefined;
  return d?.kind === 'avro' ? d : undefined;
}
