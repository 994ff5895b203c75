/**
 * What a GraphQL request asks for (spec.graphql.org, October 2021: §2 Language): the operation
 * the request runs — its type (query, mutation, subscription), its name, and the fields its
 * top-level selection set selects (the "root fields": `person`, `createOrder`) — read from the
 * document text by a small bounded scanner, not a full parser. Comments, strings and block
 * strings are skipped; with several operations in the document, `operationName` chooses.
 */

import { graphqlTokens } from './lexer';

export type OperationType = 'query' | 'mutation' | 'subscription';

export interface OperationInfo {
  type: OperationType;
  name?: string;
  /** Fields selected at the top (aliases as `alias: field`), fragment spreads as `...Name`. */
  rootFields: string[];
  /** The document holds more than one operation. */
  operations: number;
}

/** Documents longer than this are scanned up to it. */
const MAX_SCAN = 256 * 1024;
const MAX_ROOT_FIELDS = 64;

/** The operation a request runs, or undefined when the text has none (not GraphQL, or only fragments). */
export function operationInfo(query: string, operationName?: string): OperationInfo | undefined {
  const ops: OperationInfo[] = [];
  let depth = 0;
  /** The operation whose top-level selection set is being read. */
  let cur: OperationInfo | undefined;
  /** Reading an operation header (between `query Name` and its `{`). */
  let header: OperationInfo | undefined;
  let headerParens = 0;
  let skipDefinition = false;
  let lastName: string | undefined;
  let afterColon = false;
  let afterSpread = false;
  let inlineOn = false;
  /** The next name is a directive's (`@include`), not a field. */
  let directive = false;
  for (const tok of graphqlTokens(query, MAX_SCAN)) {
    if (depth === 0 && !header && !skipDefinition) {
      if (tok.t === 'name' && (tok.v === 'query' || tok.v === 'mutation' || tok.v === 'subscription')) {
        header = { type: tok.v, rootFields: [], operations: 0 };
        continue;
      }
      if (tok.t === 'name' && (tok.v === 'fragment' || tok.v === 'schema' || tok.v === 'type' || tok.v === 'extend' || tok.v === 'directive' || tok.v === 'input' || tok.v === 'interface' || tok.v === 'union' || tok.v === 'enum' || tok.v === 'scalar')) {
        skipDefinition = true;
        continue;
      }
      if (tok.t === 'punct' && tok.v === '{') {
        // the query shorthand: an anonymous query
        cur = { type: 'query', rootFields: [], operations: 0 };
        ops.push(cur);
        depth = 1;
        continue;
      }
      return ops.length ? pick(ops, operationName) : undefined; // not a document we understand
    }
    if (header) {
      if (tok.t === 'punct' && tok.v === '(') headerParens++;
      else if (tok.t === 'punct' && tok.v === ')') headerParens--;
      else if (tok.t === 'punct' && tok.v === '@') directive = true;
      else if (headerParens === 0 && tok.t === 'name' && directive) directive = false;
      else if (headerParens === 0 && tok.t === 'name' && header.name === undefined) header.name = tok.v;
      else if (headerParens === 0 && tok.t === 'punct' && tok.v === '{') {
        cur = header;
        ops.push(cur);
        header = undefined;
        depth = 1;
      }
      continue;
    }
    if (tok.t === 'punct' && tok.v === '{') {
      depth++;
      continue;
    }
    if (tok.t === 'punct' && tok.v === '}') {
      depth--;
      if (depth === 0) {
        cur = undefined;
        skipDefinition = false;
      }
      continue;
    }
    if (skipDefinition && depth === 0) {
      continue;
    }
    if (cur && depth === 1) {
      if (tok.t === 'punct' && tok.v === '(') {
        depth += 100; // arguments: skip to the matching ')'
        continue;
      }
      if (tok.t === 'punct' && tok.v === '...') {
        afterSpread = true;
        continue;
      }
      if (tok.t === 'punct' && tok.v === ':') {
        afterColon = true;
        continue;
      }
      if (tok.t === 'punct' && tok.v === '@') {
        directive = true;
        continue;
      }
      if (tok.t === 'name') {
        if (directive) {
          directive = false;
          continue;
        }
        if (afterSpread) {
          // `...Fragment`, or an inline fragment `... on Type`
          if (tok.v === 'on') inlineOn = true;
          else {
            if (cur.rootFields.length < MAX_ROOT_FIELDS) cur.rootFields.push(inlineOn ? `... on ${tok.v}` : `...${tok.v}`);
            afterSpread = inlineOn = false;
          }
          continue;
        }
        if (afterColon && lastName !== undefined) {
          cur.rootFields[cur.rootFields.length - 1] = `${lastName}: ${tok.v}`;
          afterColon = false;
          lastName = undefined;
          continue;
        }
        if (cur.rootFields.length < MAX_ROOT_FIELDS) cur.rootFields.push(tok.v);
        lastName = tok.v;
        continue;
      }
      continue;
    }
    if (depth > 100 && tok.t === 'punct') {
      if (tok.v === '(') depth++;
      else if (tok.v === ')') depth = depth - 1 === 100 ? 1 : depth - 1;
    }
  }
  return ops.length ? pick(ops, operationName) : undefined;
}

/** The operation to run (by name when several); none when it selects nothing (not GraphQL: `{"a": 1}`). */
function pick(ops: OperationInfo[], operationName?: string): OperationInfo | undefined {
  const op = (operationName ? ops.find((o) => o.name === operationName) : undefined) ?? ops[0];
  return op.rootFields.length ? { ...op, operations: ops.length } : undefined;
}

/** A call's method for an operation: its name, else its root fields (`person`, `person, orders`). */
export function operationLabel(op: OperationInfo): string {
  if (op.name) return op.name;
  const f = op.rootFields.map((x) => x.replace(/^.*: /, ''));
  if (!f.length) return op.type;
  return f.length > 3 ? `${f.slice(0, 3).join(', ')} +${f.length - 3}` : f.join(', ');
}
