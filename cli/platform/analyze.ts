/**
 * Analyze a capture file from disk: read it in large chunks (never whole), gunzip when the
 * bytes say gzip, and run the pipeline. Shared by the CLI and the extension's worker thread.
 */
import type { Call, CaptureWarning, FlowSummary } from '../../decoders/core/model';
import type { CaptureInfo } from '../../decoders/capture/types';
import type { DecodeAsRule } from '../../decoders/pipeline';
import type { StreamHint, Definitions, Limits } from '../../decoders/core/env';

export interface AnalyzeOptions {
  decodeAs?: DecodeAsRule[];
  hints?: StreamHint[];
  definitions?: Definitions;
  limits?: Partial<Limits>;
  /** Read chunk size in bytes (default 4 MiB). */
  chunkBytes?: number;
  /** Stop early (cancel). */
  signal?: AbortSignal;
}

export interface AnalyzeProgress {
  /** Bytes of the file read so far, and its size. */
  bytesRead: number;
  fileBytes: number;
  frames: number;
  calls: number;
}

export interface AnalyzeSink {
  call(c: Call): void;
  flow?(f: FlowSummary): void;
  warning?(w: CaptureWarning): void;
  info?(i: CaptureInfo): void;
  /** At most every `progressEveryMs` (default 250 ms). */
  progress?(p: AnalyzeProgress): void;
}

export interface AnalyzeResult {
  frames: number;
  calls: number;
  flows: number;
  bytesRead: number;
  warnings: CaptureWarning[];
  info?: CaptureInfo;
  cancelled: boolean;
}
