/**
 * Messages between the extension host and its decoding worker thread (extension/worker.ts).
 * Calls cross in batches; progress at most every 250 ms.
 */
import type { Call, CaptureWarning, FlowSummary } from '../../decoders/core/model';
import type { AnalyzeProgress, AnalyzeResult } from '../../cli/platform/analyze';
import type { DecodeAsRule } from '../../decoders/pipeline';
import type { StreamHint } from '../../decoders/core/env';
import type { FrameIndexData } from './frame-index';

export interface AnalyzeRequest {
  type: 'analyze';
  file: string;
  decodeAs: DecodeAsRule[];
  hints: StreamHint[];
  /** .proto files and import roots for the definitions loader (gRPC/protobuf decoding). */
  protoPaths: string[];
  /** Workspace files that hold definitions (.proto, .thrift, .wsdl…) for loadDefinitions. */
  definitionFiles: string[];
}

export type HostToWorker = AnalyzeRequest | { type: 'cancel' };

export type WorkerToHost =
  | { type: 'calls'; calls: Call[] }
  | { type: 'flows'; flows: FlowSummary[] }
  | { type: 'warning'; warning: CaptureWarning }
  | { type: 'progress'; progress: AnalyzeProgress }
  /** Sent once, just before `done`, for files with random access (not gzip): the Bytes tab's frame index. */
  | { type: 'frameIndex'; index: FrameIndexData }
  | { type: 'done'; result: AnalyzeResult; startUs?: number; endUs?: number }
  | { type: 'error'; message: string; stack?: string };
