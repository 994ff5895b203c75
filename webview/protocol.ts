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
  /** First byte of the response (optional; the waterfall shades the wait before it). */
  responseStartUs?: number;
  /** Request + response bytes. */
  sizeBytes: number;
  warnings: number;
  publishId?: number;
  hasDefinition: boolean;
  /**
   * How the server reads as a lifeline in the sequence diagram (optional): the HTTP Host /
   * `:authority`, the gRPC service, the broker's name. The webview falls back to the address.
   */
  serverName?: string;
  /** The client's lifeline name: a user-given name, else the name the connection gave itself (AMQP connection_name, MQTT client id, Kafka client.id, NATS name, Redis CLIENT SETNAME). */
  clientName?: string;
  /** The server started this call (a WebSocket message from the server, a broker-initiated AMQP method, a JSON-RPC request from the server): its first arrow points at the client. */
  fromServer?: boolean;
}

export type HostToWebview =
  | { type: 'analysis/didStart'; file: string; fileBytes: number }
  | { type: 'analysis/didProgress'; bytesRead: number; fileBytes: number; frames: number; calls: number }
  | {
      type: 'analysis/didFinish';
      frames: number;
      calls: number;
      flows: number;
      warnings: CaptureWarning[];
      cancelled: boolean;
      /** Time of the first and last frame (µs since epoch), for the waterfall axis and relative times. */
      startUs?: number;
      endUs?: number;
      /** The file was damaged or cut: what was read before the damage. */
      damaged?: { bytesRead: number; fileBytes: number; reason: string };
      /** Field names the capture's calls use (`http.status`, `mqtt.topic`…), for filter completion. */
      fieldNames?: string[];
    }
  | { type: 'analysis/didFail'; message: string }
  /** `first`: the position of the first of these rows in the analysis (appending is then idempotent: a page answer may already have counted them). */
  | { type: 'calls/didAppend'; rows: CallRow[]; first: number }
  | { type: 'calls/page'; requestId: number; rows: CallRow[]; total: number; filterError?: FilterErrorInfo }
  | { type: 'call/details'; requestId: number; call: Call | undefined }
  | { type: 'flows/all'; flows: FlowSummary[] }
  | { type: 'call/reveal'; ids: number[] }
  // ── additions (webview engineer) ──────────────────────────────────────────────────────────
  /** Answer to `calls/indexOf`: the row index of a call under the given filter/sort, -1 when filtered out. */
  | { type: 'calls/indexOf'; requestId: number; id: number; index: number }
  /** Answer to `call/bytes`: the reassembled bytes of one side of a call (at most ~1 MiB). */
  | {
      type: 'call/bytes';
      requestId: number;
      id: number;
      part: 'request' | 'response';
      bytes: Uint8Array;
      truncated?: boolean;
      segments?: ByteSegment[];
      /** What the bytes are: `frames` — the packets as captured; `body` — the decoded body only. */
      source?: 'frames' | 'body';
      /** Why the packets could not be shown (gzip capture, live capture…), shown above the bytes. */
      note?: string;
    }
  /** The user's view settings changed (or their initial values, sent after `webview/ready`). */
  | { type: 'settings/didChange'; settings: Partial<ViewSettings> }
  /** A command asked the editor to show a view (e.g. "callscope: Teach"). */
  | { type: 'view/show'; view: ViewName };

export type WebviewToHost =
  | { type: 'webview/ready' }
  | { type: 'calls/page'; requestId: number; start: number; count: number; filter?: string; sort?: SortSpec }
  | { type: 'call/details'; requestId: number; id: number }
  | { type: 'definition/open'; id: number }
  | { type: 'analysis/cancel' }
  | { type: 'command/run'; command: string; args?: unknown[] }
  // ── additions (webview engineer) ──────────────────────────────────────────────────────────
  /** Where a call sits under a filter/sort, to scroll to it (answered by `calls/indexOf`). */
  | { type: 'calls/indexOf'; requestId: number; id: number; filter?: string; sort?: SortSpec }
  /** The raw bytes of one side of a call, for the hex view (answered by `call/bytes`). */
  | { type: 'call/bytes'; requestId: number; id: number; part: 'request' | 'response' }
  /** Nothing is selected any more (the filter matches no call): commands on "the selected call" say so. */
  | { type: 'call/unselect' };

/** Sort order of the call list; the host sorts (it holds all rows). Default: startUs ascending, then id. */
export interface SortSpec {
  key: 'time' | 'duration' | 'endpoints' | 'protocol' | 'method' | 'target' | 'status' | 'size';
  dir: 'asc' | 'desc';
}

/** A filter the host could not apply; `start`/`end` are character offsets in the filter text. */
export interface FilterErrorInfo {
  message: string;
  start: number;
  end: number;
}

/** Which frame carried which slice of a `call/bytes` answer (offsets into `bytes`). */
export interface ByteSegment {
  frame: number;
  offset: number;
  length: number;
  tsUs?: number;
  /** Where the TCP/UDP payload starts (offset into `bytes`); before it: link, IP and TCP/UDP headers. */
  payloadOffset?: number;
}

/** Settings the view follows (the host maps them from `callscope.*` configuration). */
export interface ViewSettings {
  /** How the time column reads: wall clock, since the first frame, or since the previous row. */
  timeFormat: 'absolute' | 'relative' | 'delta';
  /** Draw TCP handshakes and teardowns in the sequence diagram. */
  showConnections: boolean;
}

export type ViewName = 'list' | 'diagram' | 'waterfall' | 'teach' | 'compare';
