/**
 * Sequence-diagram layout (pure data, tested): lifelines left to right in order of appearance,
 * arrows top to bottom in time order — one per request and per response, per streamed message
 * (for calls whose messages are known), per publish and per delivery; TCP handshakes and teardowns
 * when asked. Coordinates are in diagram units (px at zoom 1). Lanes are LANE_PX wide, or narrower
 * (down to MIN_LANE_PX) when they are fitted to the pane's width.
 */
import type { CallRow } from './protocol';
import type { FlowSummary, StreamMessage } from '../decoders/core/model';
import { ellipsize, formatDuration, protocolFamily, statusBadge, type StatusTone } from './format';

export const LANE_PX = 170;
export const STEP_PX = 30;
export const TOP_PX = 16;
export const GUTTER_PX = 60;
/** The narrowest a fitted lane gets: below it the diagram scrolls sideways instead. */
export const MIN_LANE_PX = 52;
/** Average advance of one character of an arrow label (11px UI font), to place and cut labels. */
export const LABEL_CHAR_PX = 6.2;
/** Arrow labels keep this far from the diagram's edges. */
const EDGE_PX = 4;

/**
 * The lane width that fits `lanes` lanes (and the time gutter) into `paneWidth` px: never wider
 * than LANE_PX, never narrower than MIN_LANE_PX (the diagram then scrolls sideways).
 */
export function fitLaneWidth(paneWidth: number, lanes: number): number {
  if (!(paneWidth > 0) || lanes < 1) return LANE_PX;
  return Math.max(MIN_LANE_PX, Math.min(LANE_PX, Math.floor((paneWidth - GUTTER_PX) / lanes)));
}

export type ArrowPhase = 'syn' | 'syn-ack' | 'ack' | 'request' | 'response' | 'message' | 'publish' | 'deliver' | 'fin' | 'rst';

export interface Lifeline {
  key: string;
  /** Name shown (a rename wins over the derived name). */
  label: string;
  /** Address(es) behind the lifeline, for the tooltip. */
  detail: string;
  role: 'client' | 'server' | 'broker';
  x: number;
}

export interface Arrow {
  callId: number;
  phase: ArrowPhase;
  fromKey: string;
  toKey: string;
  x1: number;
  x2: number;
  y: number;
  label: string;
  /** Where the label is centred: over the arrow, moved in so that it stays inside the diagram. */
  labelX: number;
  /** Responses and TCP control segments are dashed. */
  dashed: boolean;
  tone: StatusTone | 'conn';
  family: string;
  tsUs: number;
  flowId: number;
}

export interface DiagramLayout {
  lifelines: Lifeline[];
  arrows: Arrow[];
  /** Distance between two lifelines. */
  laneWidth: number;
  width: number;
  height: number;
}

export interface LayoutOptions {
  showConnections: boolean;
  /** User renames, by lifeline key. */
  names?: Record<string, string>;
  /** Streamed messages of calls whose details are known. */
  messages?: Map<number, StreamMessage[]>;
  flows?: Map<number, FlowSummary>;
  /** Fit the lanes into this width (the pane's, in px at zoom 1); see fitLaneWidth. */
  fitWidth?: number;
  /** A fixed lane width (the user zoomed by hand); LANE_PX when neither is given. */
  laneWidth?: number;
}

function splitHostPort(addr: string): { host: string; port: string } {
  const i = addr.lastIndexOf(':');
  return i > 0 ? { host: addr.slice(0, i), port: addr.slice(i + 1) } : { host: addr, port: '' };
}

/** Protocols whose server is a broker (ZeroMQ has none: its server is the socket that bound the port). */
export const BROKERS: ReadonlySet<string> = new Set(['amqp', 'mqtt', 'kafka', 'rabbitstream', 'stomp', 'nats', 'redis']);

/** Lifeline key and default name for the server side of a row. */
export function serverLifeline(row: Pick<CallRow, 'server' | 'protocol' | 'target' | 'serverName'>): { key: string; label: string; role: 'server' | 'broker' } {
  const role = BROKERS.has(row.protocol) ? 'broker' : 'server';
  const key = `s:${row.server}`;
  if (row.serverName) return { key, label: row.serverName, role };
  if (row.protocol === 'grpc' && row.target) {
    const m = /^\/([^/]+)\//.exec(row.target);
    if (m) return { key, label: m[1].split('.').pop()!, role };
  }
  const { port } = splitHostPort(row.server);
  // (Redis is a data store first: its lane says `redis :6379`, a broker only when its calls are messages)
  if (role === 'broker') return { key, label: row.protocol === 'redis' ? `redis :${port}` : `${row.protocol} broker :${port}`, role };
  return { key, label: `server :${port}`, role };
}

/**
 * Clients are grouped by the name their connection gave itself (several services on one host,
 * as on loopback, stay apart), else by address (each connection has a fresh port).
 */
export function clientLifeline(row: Pick<CallRow, 'client' | 'clientName'>): { key: string; label: string } {
  if (row.clientName) return { key: `c:n:${row.clientName}`, label: row.clientName };
  const { host } = splitHostPort(row.client);
  return { key: `c:${host}`, label: `client ${host}` };
}

function requestLabel(row: CallRow): string {
  if (row.kind === 'publish' || row.kind === 'deliver') return ellipsize(`${row.method} ${row.target ?? ''}`.trim(), 34);
  if (row.protocol === 'grpc' && row.target) return ellipsize(row.target.split('/').pop() || row.method, 34);
  // (Connect and Twirp name a call pkg.Service/Method, as gRPC: the arrow says the method)
  if (row.protocol === 'connect' || row.protocol === 'twirp') return ellipsize(row.method.split('/').pop() || row.method, 34);
  if (row.protocol === 'http' || row.protocol === 'http2') return ellipsize(`${row.method} ${row.target ?? ''}`, 34);
  return ellipsize(row.method, 34);
}

export function layoutDiagram(rows: CallRow[], opts: LayoutOptions): DiagramLayout {
  const sorted = [...rows].sort((a, b) => a.startUs - b.startUs || a.id - b.id);
  const lanes = new Map<string, Lifeline>();
  const lane = (key: string, label: string, role: Lifeline['role'], detail: string): Lifeline => {
    let l = lanes.get(key);
    if (!l) {
      l = { key, label: opts.names?.[key] ?? label, detail, role, x: 0 };
      lanes.set(key, l);
    } else if (!l.detail.includes(detail)) l.detail = ellipsize(`${l.detail}, ${detail}`, 200);
    return l;
  };
  // Events first (with times), then positions: TCP control and messages interleave by time.
  interface Ev {
    tsUs: number;
    order: number;
    callId: number;
    phase: ArrowPhase;
    from: string;
    to: string;
    label: string;
    dashed: boolean;
    tone: Arrow['tone'];
    family: string;
    flowId: number;
  }
  const events: Ev[] = [];
  let order = 0;
  const flowsOpened = new Set<number>();
  const lastCallOfFlow = new Map<number, CallRow>();
  for (const r of sorted) lastCallOfFlow.set(r.flowId, r);

  // A server's lane takes the name its calls give it (Host, SNI, a ZeroMQ socket type) when they agree —
  // `api.test` and `api.test:8443` do — else the name of its address (one server, several names).
  const serverNames = new Map<string, { fallback: string; first?: string; norm?: string; mixed: boolean }>();
  const serverLane = (r: CallRow, s: ReturnType<typeof serverLifeline>) => {
    const l = lane(s.key, s.label, s.role, r.server);
    if (opts.names?.[s.key]) return;
    let n = serverNames.get(s.key);
    if (!n) serverNames.set(s.key, (n = { fallback: r.serverName ? serverLifeline({ ...r, serverName: undefined }).label : s.label, mixed: false }));
    if (r.serverName) {
      const norm = r.serverName.replace(/:\d+$/, '').toLowerCase();
      if (n.norm === undefined) {
        n.norm = norm;
        n.first = r.serverName;
      } else if (n.norm !== norm) n.mixed = true;
    }
    l.label = n.mixed || n.first === undefined ? n.fallback : n.first;
  };

  for (const r of sorted) {
    const c = clientLifeline(r);
    const s = serverLifeline(r);
    // A delivery is pushed by the broker to the consumer: the consumer is the connection's client.
    lane(c.key, c.label, 'client', r.client);
    serverLane(r, s);
    const family = protocolFamily(r.protocol);
    const flow = opts.flows?.get(r.flowId);
    const ev = (e: Omit<Ev, 'order' | 'family' | 'flowId'>) => events.push({ ...e, order: order++, family, flowId: r.flowId });
    if (opts.showConnections && flow && !flowsOpened.has(r.flowId)) {
      flowsOpened.add(r.flowId);
      if (flow.synUs !== undefined) ev({ tsUs: flow.synUs, callId: r.id, phase: 'syn', from: c.key, to: s.key, label: 'SYN', dashed: true, tone: 'conn' });
      if (flow.synAckUs !== undefined) ev({ tsUs: flow.synAckUs, callId: r.id, phase: 'syn-ack', from: s.key, to: c.key, label: 'SYN, ACK', dashed: true, tone: 'conn' });
      if (flow.ackUs !== undefined) ev({ tsUs: flow.ackUs, callId: r.id, phase: 'ack', from: c.key, to: s.key, label: 'ACK', dashed: true, tone: 'conn' });
    }
    const badge = statusBadge(r);
    const msgs = opts.messages?.get(r.id);
    if (r.kind === 'deliver') {
      ev({ tsUs: r.startUs, callId: r.id, phase: 'deliver', from: s.key, to: c.key, label: requestLabel(r), dashed: false, tone: badge.tone });
    } else if (r.kind === 'publish') {
      ev({ tsUs: r.startUs, callId: r.id, phase: 'publish', from: c.key, to: s.key, label: requestLabel(r), dashed: false, tone: badge.tone });
    } else if (msgs && msgs.length > 1 && r.kind !== 'unary') {
      // A stream whose request carries no messages (an SSE GET): the request is its own arrow.
      if (!msgs.some((m) => m.dir === 'c2s')) ev({ tsUs: r.startUs, callId: r.id, phase: 'request', from: c.key, to: s.key, label: requestLabel(r), dashed: false, tone: 'none' });
      for (const m of msgs) {
        const c2s = m.dir === 'c2s';
        ev({ tsUs: m.tsUs, callId: r.id, phase: 'message', from: c2s ? c.key : s.key, to: c2s ? s.key : c.key, label: ellipsize(`${m.label ?? 'message'} #${m.index + 1}`, 30), dashed: !c2s, tone: 'none' });
      }
      if (r.status) ev({ tsUs: r.endUs ?? r.startUs, callId: r.id, phase: 'response', from: s.key, to: c.key, label: ellipsize(badge.text, 30), dashed: true, tone: badge.tone });
    } else {
      // A call the server started (a WebSocket message from the server…) points the other way.
      const [from, to] = r.fromServer ? [s.key, c.key] : [c.key, s.key];
      ev({ tsUs: r.startUs, callId: r.id, phase: 'request', from, to, label: requestLabel(r), dashed: false, tone: 'none' });
      const expectsAnswer = r.kind !== 'oneway' && r.kind !== 'event';
      if (expectsAnswer && (r.status || r.endUs !== undefined)) {
        const dur = r.endUs !== undefined ? ` (${formatDuration(r.endUs - r.startUs)})` : '';
        ev({ tsUs: r.endUs ?? r.startUs, callId: r.id, phase: 'response', from: to, to: from, label: ellipsize(badge.text + dur, 34), dashed: true, tone: badge.tone });
      }
    }
    if (opts.showConnections && flow && lastCallOfFlow.get(r.flowId) === r) {
      if (flow.finUs?.c2s !== undefined) ev({ tsUs: flow.finUs.c2s, callId: r.id, phase: 'fin', from: c.key, to: s.key, label: 'FIN', dashed: true, tone: 'conn' });
      if (flow.finUs?.s2c !== undefined) ev({ tsUs: flow.finUs.s2c, callId: r.id, phase: 'fin', from: s.key, to: c.key, label: 'FIN', dashed: true, tone: 'conn' });
      if (flow.rstUs !== undefined) ev({ tsUs: flow.rstUs, callId: r.id, phase: 'rst', from: c.key, to: s.key, label: 'RST', dashed: true, tone: 'conn' });
    }
  }
  events.sort((a, b) => a.tsUs - b.tsUs || a.order - b.order);

  // Clients first (in order of appearance), then servers/brokers.
  const ordered = [...lanes.values()].filter((l) => l.role === 'client').concat([...lanes.values()].filter((l) => l.role !== 'client'));
  const laneWidth = opts.laneWidth ?? (opts.fitWidth ? fitLaneWidth(opts.fitWidth, ordered.length) : LANE_PX);
  ordered.forEach((l, i) => (l.x = GUTTER_PX + laneWidth / 2 + i * laneWidth));
  const width = GUTTER_PX + Math.max(1, ordered.length) * laneWidth;
  const arrows: Arrow[] = events.map((e, i) => {
    const x1 = lanes.get(e.from)!.x;
    const x2 = lanes.get(e.to)!.x;
    const { label, labelX } = placeLabel(e.label, x1 === x2 ? x1 + 40 + (e.label.length * LABEL_CHAR_PX) / 2 : (x1 + x2) / 2, width);
    return {
      callId: e.callId,
      phase: e.phase,
      fromKey: e.from,
      toKey: e.to,
      x1,
      x2,
      y: TOP_PX + (i + 1) * STEP_PX,
      label,
      labelX,
      dashed: e.dashed,
      tone: e.tone,
      family: e.family,
      tsUs: e.tsUs,
      flowId: e.flowId,
    };
  });
  return {
    lifelines: ordered,
    arrows,
    laneWidth,
    width,
    height: TOP_PX + (arrows.length + 1) * STEP_PX + 10,
  };
}

/**
 * An arrow's label centred at `centre`, moved in so that it does not run past either edge of a
 * diagram `width` wide (narrow lanes make labels wider than their arrows; each arrow has its own
 * row, so a label may reach over the neighbouring lanes), and cut when even that is not enough.
 */
export function placeLabel(text: string, centre: number, width: number): { label: string; labelX: number } {
  const room = Math.max(LABEL_CHAR_PX, width - 2 * EDGE_PX);
  const label = text.length * LABEL_CHAR_PX <= room ? text : ellipsize(text, Math.floor(room / LABEL_CHAR_PX));
  const half = (label.length * LABEL_CHAR_PX) / 2;
  const labelX = Math.max(EDGE_PX + half, Math.min(width - EDGE_PX - half, centre));
  return { label, labelX: Math.round(labelX * 10) / 10 };
}

/**
 * Where each lifeline name may sit in the header: from halfway to the previous name on its row to
 * halfway to the next one (the diagram's edges for the outer names). With `rows` 2 the names
 * alternate between two rows, so each has about twice the room. `xs` are the lane centres, in order.
 */
export function labelSlots(xs: number[], width: number, rows: 1 | 2): Array<{ from: number; to: number }> {
  const GAP = 2;
  return xs.map((x, i) => {
    const prev = xs[i - rows];
    const next = xs[i + rows];
    return { from: prev === undefined ? GAP : (prev + x) / 2 + GAP, to: next === undefined ? width - GAP : (x + next) / 2 - GAP };
  });
}

/**
 * The scroll position that brings the band [top, bottom] (px, in the scroller's content below
 * its sticky head) into a view `height` tall, or undefined when it is in view already. A band
 * taller than the view shows from its top.
 */
export function scrollToShow(top: number, bottom: number, scrollTop: number, height: number, marginPx = 12): number | undefined {
  const from = top - marginPx;
  const to = bottom + marginPx;
  if (from >= scrollTop && to <= scrollTop + height) return undefined;
  if (to - from > height || from < scrollTop) return Math.max(0, from);
  return Math.max(0, to - height);
}
