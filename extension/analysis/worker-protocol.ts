/**
 * Messages between the extension host and its decoding worker thread (extension/worker.ts).
 * The worker keeps the calls (a SpillStore: spill file + compact index) and answers queries;
 * only rows of the first calls (for the list while it decodes), progress (at most every 250 ms),
 * flow summaries and answers cross to the host.
 */
import type { CaptureWarning, FlowSummary } from '../../decoders/core/model';
import type { AnalyzeProgress, AnalyzeResult } from '../../cli/platform/analyze';
import type { DecodeAsRule } from '../../decoders/pipeline';
import type { StreamHint } from '../../decoders/core/env';
import type { CallRow } from '../../webview/protocol';
import type { FrameIndexData } from './frame-index';
import type { LinkConfig } from '../definitions/linker';
import type { Call } from '../../decoders/core/model';

export interface AnalyzeRequest {
  type: 'analyze';
  file: string;
  decodeAs: DecodeAsRule[];
  hints: StreamHint[];
  /** .proto files and import roots for the definitions loader (gRPC/protobuf decoding). */
  protoPaths: string[];
  /** Workspace files that hold definitions (.proto, .thrift, .wsdl…) for loadDefinitions. */
  definitionFiles: string[];
  /** OpenAPI/AsyncAPI (and .proto) texts for linking calls to definitions (not part of the cache key: relinked in place). */
  link?: LinkConfig;
  /** `callscope.maxBodyBytes` (part of the cache key): limits other than the defaults. */
  limits?: { maxBodyBytes: number; maxDecompressedBytes: number };
  /** TLS key logs to decrypt with (`callscope.tls.keylogFile`); the ones beside the capture are read too. */
  tlsKeyLogFiles?: string[];
  /** Sizes and times of those key logs and of the ones beside the capture (cache key only). */
  tlsKeyLogStamp?: string;
  /** Where the spill file goes (default: os.tmpdir()). */
  spillDir?: string;
  /** `callscope.serviceNames`, for the rows' lifeline names. */
  serviceNames?: Record<string, string>;
}

export type HostToWorker =
  | AnalyzeRequest
  | { type: 'cancel' }
  /** A query on the calls (see store-queries.ts); answered by `answer` with the same requestId. */
  | { type: 'query'; requestId: number; method: string; params: unknown };

export type WorkerToHost =
  /** Rows of the first calls, as they arrive (the list shows them before it pages): positions `first`…; `count`: calls so far. */
  | { type: 'rows'; rows: CallRow[]; first: number; count: number }
  /** Host-fed analyses only (live capture, proxy, playback): full calls into the host's store. */
  | { type: 'calls'; calls: Call[] }
  | { type: 'flows'; flows: FlowSummary[] }
  | { type: 'warning'; warning: CaptureWarning }
  | { type: 'progress'; progress: AnalyzeProgress }
  /** Sent once, just before `done`, for files with random access (not gzip): the Bytes tab's frame index. */
  | { type: 'frameIndex'; index: FrameIndexData }
  | { type: 'done'; result: AnalyzeResult; startUs?: number; endUs?: number; indexBytes?: number; fieldNames?: string[] }
  | { type: 'error'; message: string; stack?: string }
  | { type: 'answer'; requestId: number; result?: unknown; error?: string }
  /** A long query (a filter that reads every call, a relink) moving on: calls done of total. */
  | { type: 'task/progress'; requestId: number; done: number; total: number };
