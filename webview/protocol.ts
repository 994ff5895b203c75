/**
 * Messages between the extension host and the capture editor webview (types only; both sides
 * import this file). Method names are `noun/verb`. The webview posts `webview/ready` first.
 * Owned jointly by the extension and webview code: extend additively.
 */
import type { Call, FlowSummary, CaptureWarning } from '../decoders/core/model';

/** A compact row for the call list (full calls are fetched with `call/details`). */
export interface CallRow {
  id: number;
  protocol: string;
  kind: Call['kind'];
  state: Call['state'];
  flowId: number;
  client: string; // "127.0.0.1:51234"
  server: string;
  method: string;
  target?: string;
  status?: Call['status'];
  startUs: number;
  endUs?: number;
  /** Request + response bytes. */
  sizeBytes: number;
  warnings: number;
  publishId?: number;
  hasDefinition: boolean;
}

export type HostToWebview =
  | { type: 'analysis/didStart'; file: string; fileBytes: number }
  | { type: 'analysis/didProgress'; bytesRead: number; fileBytes: number; frames: number; calls: number }
  | { type: 'analysis/didFinish'; frames: number; calls: number; flows: number; warnings: CaptureWarning[]; cancelled: boolean }
  | { type: 'analysis/didFail'; message: string }
  | { type: 'calls/didAppend'; rows: CallRow[] }
  | { type: 'calls/page'; requestId: number; rows: CallRow[]; total: number }
  | { type: 'call/details'; requestId: number; call: Call | undefined }
  | { type: 'flows/all'; flows: FlowSummary[] }
  | { type: 'call/reveal'; ids: number[] };

export type WebviewToHost =
  | { type: 'webview/ready' }
  | { type: 'calls/page'; requestId: number; start: number; count: number; filter?: string }
  | { type: 'call/details'; requestId: number; id: number }
  | { type: 'definition/open'; id: number }
  | { type: 'analysis/cancel' }
  | { type: 'command/run'; command: string; args?: unknown[] };
