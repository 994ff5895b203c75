/**
 * The workspace's GraphQL schema files (SDL, spec.graphql.org October 2021 §3 Type System):
 * where each field of the root operation types is declared, so that a call (`query { person }`)
 * links to `Query.person` in `schema.graphql`. Read by a bounded scanner: type definitions and
 * extensions (`type Query {…}`, `extend type Query {…}`), the schema definition's root type
 * names (`schema { query: RootQuery }`); descriptions, comments and arguments are skipped.
 */

import { graphqlTokens } from './lexer';

export interface GraphqlFieldDef {
  /** `Query.person` */
  name: string;
  file: string;
  line: number;
  column: number;
}

export interface GraphqlDefinitions {
  /** Root type names per operation type (`query` → `Query` unless the schema says otherwise). */
  roots: { query: string; mutation: string; subscription: string };
  /** Fields of every object type by `Type.field`. */
  fields: Map<string, GraphqlFieldDef>;
  warnings: string[];
}

const MAX_FILE = 4 << 20;
const MAX_FIELDS = 100_000;

/** Index the root types' (and every object type's) fields of the given SDL files. */
export function buildGraphqlDefinitions(files: Array<{ path: string; text: string }>): GraphqlDefinitions {
  const defs: GraphqlDefinitions = { roots: { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' }, fields: new Map(), warnings: [] };
  for (const f of files) {
    if (f.text.length > MAX_FILE) defs.warnings.push(`${f.path}: larger than ${MAX_FILE} bytes, read up to there`);
    let state: 'top' | 'typeName' | 'typeHead' | 'fields' | 'schema' = 'top';
    let typeName = '';
    let depth = 0;
    let paren = 0;
    /** In a field list: expecting a field name (after the previous field's type). */
    let expectField = true;
    let schemaKey: string | undefined;
    for (const tok of graphqlTokens(f.text, MAX_FILE)) {
      if (state === 'top') {
        if (tok.t === 'name' && (tok.v === 'type' || tok.v === 'interface')) state = 'typeName';
        else if (tok.t === 'name' && tok.v === 'schema') state = 'schema';
        else if (tok.t === 'punct' && tok.v === '{') {
          // a block we do not index (input, enum, directive arguments…): skip it
          depth = 1;
          state = 'typeHead';
          typeName = '';
        }
        continue;
      }
      if (state === 'typeName') {
        if (tok.t === 'name') {
          typeName = tok.v;
          state = 'typeHead';
        } else state = 'top';
        continue;
      }
      if (state === 'typeHead') {
        if (tok.t === 'punct' && tok.v === '{') {
          depth++;
          if (depth === 1 && typeName) {
            state = 'fields';
            expectField = true;
          }
        } else if (tok.t === 'punct' && tok.v === '}') {
          depth--;
          if (depth <= 0) {
            depth = 0;
            state = 'top';
          }
        } else if (depth === 0 && tok.t === 'name' && (tok.v === 'type' || tok.v === 'schema' || tok.v === 'input' || tok.v === 'enum' || tok.v === 'scalar' || tok.v === 'union' || tok.v === 'directive' || tok.v === 'extend')) {
          // a type without a field list (`type Empty`), then the next definition
          state = 'top';
          if (tok.v === 'type') state = 'typeName';
          if (tok.v === 'schema') state = 'schema';
        }
        continue;
      }
      if (state === 'schema') {
        if (tok.t === 'punct' && tok.v === '{') depth++;
        else if (tok.t === 'punct' && tok.v === '}') {
          depth--;
          if (depth <= 0) {
            depth = 0;
            state = 'top';
          }
        } else if (depth === 1 && tok.t === 'name') {
          if (schemaKey && (schemaKey === 'query' || schemaKey === 'mutation' || schemaKey === 'subscription')) {
            defs.roots[schemaKey] = tok.v;
            schemaKey = undefined;
          } else schemaKey = tok.v;
        }
        continue;
      }
      // fields of `typeName`
      if (tok.t === 'punct' && tok.v === '(') paren++;
      else if (tok.t === 'punct' && tok.v === ')') paren--;
      else if (paren > 0) continue;
      else if (tok.t === 'punct' && tok.v === '}') {
        state = 'top';
        depth = 0;
      } else if (tok.t === 'punct' && tok.v === ':') expectField = false;
      else if (tok.t === 'punct' && tok.v === '@') expectField = false;
      else if (tok.t === 'name' && expectField) {
        const key = `${typeName}.${tok.v}`;
        if (!defs.fields.has(key) && defs.fields.size < MAX_FIELDS) defs.fields.set(key, { name: key, file: f.path, line: tok.line, column: tok.column });
        else if (defs.fields.has(key) && defs.fields.get(key)!.file !== f.path) defs.warnings.push(`${key} is declared in ${defs.fields.get(key)!.file} and ${f.path}: the first is used`);
      } else if (tok.t === 'name' && !expectField) {
        // the field's type name (or a directive's); a name right after the type ends the field
        expectField = true;
      }
    }
  }
  return defs;
}

/** The graphql definitions of a session's env, when the workspace had schema files. */
export function graphqlDefinitionsOf(defs: { [k: string]: unknown } | undefined): GraphqlDefinitions | undefined {
  const d = defs?.graphql as GraphqlDefinitions | undefined;
  return d && d.fields instanceof Map ? d : undefined;
}
