/**
 * What the host asks of an analysis's calls, answered where the calls are: by the worker's
 * SpillStore for decoded files (messages `{type: 'query', method, params}` with `noun/verb`
 * method names), by a SpillStore on the host for host-fed analyses (live capture, proxy,
 * playback). `CallSource` is the host's view of either: it holds no calls, only the count and
 * the flow summaries.
 */
import type { Call, FlowSummary } from '../../decoders/core/model';
import type { CallRow, SortSpec } from '../../webview/protocol';
import { toHarText } from '../../decoders/export/har';
import { toJsonl } from '../../decoders/export/jsonl';
import { toMermaid } from '../../decoders/export/mermaid';
import { toMarkdownTable } from '../../decoders/export/markdown';
import type { ConnectionSummary, DefinitionSummary, PageResult, SpillStore, TaskProgress } from './spill-store';
import { Linker, type LinkConfig } from '../definitions/linker';
import type { ProtoDefinitions } from '../../decoders/protobuf/definitions';

export type ExportFormat = 'har' | 'jsonl' | 'mermaid' | 'markdown';

export interface Queries {
  'calls/page': { params: { start: number; count: number; filter?: string; sort?: SortSpec }; result: PageResult };
  'calls/indexOf': { params: { id: number; filter?: string; sort?: SortSpec }; result: number };
  'call/details': { params: { id: number }; result: Call | undefined };
  /** Arrival-order rows (the list's first rows after ready). */
  'calls/rows': { params: { start: number; count: number }; result: CallRow[] };
  'calls/select': { params: { filter?: string; sort?: SortSpec; start?: number; count?: number; ids?: number[] }; result: Call[] };
  'calls/export': {
    params: { format: ExportFormat; filter?: string; sort?: SortSpec; creatorVersion?: string; names?: Record<string, string>; time?: 'absolute' | 'relative' | 'delta' };
    result: string;
  };
  'calls/startTimes': { params: Record<string, never>; result: Float64Array };
  'definitions/summary': { params: Record<string, never>; result: DefinitionSummary[] };
  'definitions/link': { params: { config?: LinkConfig }; result: void };
  'flows/connections': { params: Record<string, never>; result: ConnectionSummary[] };
  'flow/calls': { params: { flowId: number; limit: number }; result: { rows: CallRow[]; total: number } };
  'settings/serviceNames': { params: { names: Record<string, string> }; result: void };
}

export type QueryMethod = keyof Queries;

/** Answer one query from a store (in the worker or on the host). */
export async function answerQuery<M extends QueryMethod>(
  store: SpillStore,
  method: M,
  params: Queries[M]['params'],
  ctx: { progress?: TaskProgress; proto?: ProtoDefinitions } = {},
): Promise<Queries[M]['result']> {
  const p = params as any;
  const progress = ctx.progress;
  type R = Queries[M]['result'];
  switch (method) {
    case 'calls/page':
      return (await store.page(p.start, p.count, p.filter, p.sort, progress)) as R;
    case 'calls/indexOf':
      return (await store.indexOf(p.id, p.filter, p.sort, progress)) as R;
    case 'call/details':
      return store.get(p.id) as R;
    case 'calls/rows':
      return store.rows(p.start, p.count) as R;
    case 'calls/select':
      return (await store.calls(p, progress)) as R;
    case 'calls/export': {
      const calls = await store.calls({ filter: p.filter, sort: p.sort }, progress);
      const text =
        p.format === 'har'
          ? toHarText(calls, { creatorVersion: p.creatorVersion ?? '' })
          : p.format === 'jsonl'
            ? toJsonl(calls)
            : p.format === 'mermaid'
              ? toMermaid(calls, { names: p.names ?? {} })
              : toMarkdownTable(calls, { time: p.time ?? 'relative', names: p.names ?? {} });
      return text as R;
    }
    case 'calls/startTimes':
      return (await store.startTimes()) as R;
    case 'definitions/summary':
      return store.definitionSummaries() as R;
    case 'definitions/link':
      await store.relink(p.config ? new Linker(p.config, ctx.proto) : ctx.proto ? new Linker(undefined, ctx.proto) : undefined, progress);
      return undefined as R;
    case 'flows/connections':
      return store.connections() as R;
    case 'flow/calls':
      return store.flowCalls(p.flowId, p.limit) as R;
    case 'settings/serviceNames':
      store.setServiceNames(p.names);
      return undefined as R;
  }
  throw new Error(`unknown query ${String(method)}`);
}

export type QueryRunner = <M extends QueryMethod>(method: M, params: Queries[M]['params']) => Promise<Queries[M]['result']>;

/** The host's handle on an analysis's calls (no calls inside: it asks). */
export class CallSource {
  /** Calls decoded so far. */
  size = 0;
  flows: FlowSummary[] = [];

  constructor(readonly query: QueryRunner) {}

  page(start: number, count: number, filter?: string, sort?: SortSpec): Promise<PageResult> {
    return this.query('calls/page', { start, count, filter, sort });
  }

  indexOf(id: number, filter?: string, sort?: SortSpec): Promise<number> {
    return this.query('calls/indexOf', { id, filter, sort });
  }

  get(id: number): Promise<Call | undefined> {
    return this.query('call/details', { id });
  }

  rows(start: number, count: number): Promise<CallRow[]> {
    return this.query('calls/rows', { start, count });
  }

  /** Full calls of a view (exports, replay): all of them cross to the host, so use sparingly. */
  select(q: Queries['calls/select']['params']): Promise<Call[]> {
    return this.query('calls/select', q);
  }

  export(q: Queries['calls/export']['params']): Promise<string> {
    return this.query('calls/export', q);
  }

  definitions(): Promise<DefinitionSummary[]> {
    return this.query('definitions/summary', {});
  }

  connections(): Promise<ConnectionSummary[]> {
    return this.query('flows/connections', {});
  }

  flowCalls(flowId: number, limit: number): Promise<{ rows: CallRow[]; total: number }> {
    return this.query('flow/calls', { flowId, limit });
  }
}
