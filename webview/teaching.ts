/**
 * Teaching mode (pure): turns one call (with its connection) into steps explained in plain
 * words — the handshake, the client stub serializing, the bytes on the wire, the server stub
 * decoding and calling, the result travelling back, the teardown — for REST, XML-RPC, JSON-RPC,
 * gRPC and broker messages. Each step names the arrows to light up in the diagram.
 *
 * Text may hold `code` spans in backticks; the view renders them as <code> text.
 */
import type { Call, FlowSummary } from '../decoders/core/model';
import { BROKERS, type ArrowPhase } from './diagram-layout';
import { formatDuration, formatSize, protocolLabel } from './format';
import { header, requestHeaders, startedByServer } from '../decoders/export/common';

/** Where a step sits in the path of an RPC: client → client stub → transport → server stub → server. */
export type Stage = 'client' | 'client-stub' | 'transport' | 'server-stub' | 'server' | 'broker' | 'connection';

export interface TeachStep {
  id: 'handshake' | 'reuse' | 'serialize' | 'wire' | 'server' | 'reply' | 'receive' | 'teardown' | 'publish' | 'route' | 'deliver' | 'stream' | 'greeting' | 'send' | 'control' | 'query' | 'answer' | 'hello' | 'keys';
  title: string;
  text: string;
  stage: Stage;
  phases: ArrowPhase[];
  lifeline?: 'client' | 'server';
}

export const STAGES: Array<{ stage: Stage; label: string }> = [
  { stage: 'client', label: 'Client' },
  { stage: 'client-stub', label: 'Client stub' },
  { stage: 'transport', label: 'Network' },
  { stage: 'server-stub', label: 'Server stub' },
  { stage: 'server', label: 'Server' },
];

function ep(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

function short(v: unknown, max = 60): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x)) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** Arguments of an RPC request as a list, when the decoder gave them. */
function args(call: Call): unknown[] | undefined {
  const v = call.request?.value;
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object' && 'params' in v) {
    const p = (v as { params: unknown }).params;
    return Array.isArray(p) ? p : p === undefined ? undefined : [p];
  }
  return undefined;
}

function result(call: Call): { value?: unknown; fault?: string } {
  const v = call.response?.value;
  if (call.status && !call.status.ok) return { fault: `${call.status.code}${call.status.text ? ` (${call.status.text})` : ''}` };
  if (v && typeof v === 'object' && 'result' in v) return { value: (v as { result: unknown }).result };
  if (Array.isArray(v) && v.length === 1) return { value: v[0] };
  return { value: v };
}

/** The protocol an HTTP/1.1 request asks to upgrade to (`Upgrade: websocket`, `h2c`), if any. */
function upgradeTo(call: Call): string | undefined {
  return header(requestHeaders(call), 'upgrade')?.trim() || undefined;
}

function bytesOf(call: Call, side: 'request' | 'response'): number | undefined {
  const p = call[side];
  return p?.wireBytes ?? p?.body?.size ?? (side === 'request' ? call.http?.requestBody?.size : call.http?.responseBody?.size);
}

function sizeText(n: number | undefined): string {
  return n === undefined ? 'a few' : formatSize(n);
}


/**
 * The steps for one call. `previousOnFlow` says whether an earlier call used the same
 * connection (then there is no handshake to show for this one).
 */
export function teachingSteps(call: Call, flow: FlowSummary | undefined, previousOnFlow = false): TeachStep[] {
  const steps: TeachStep[] = [];
  const client = ep(call.client);
  const server = ep(call.server);
  const proto = call.protocol;
  const name = protocolLabel(proto);

  // ── the connection ───────────────────────────────────────────────────────────────────────
  if (flow?.synSeen && !previousOnFlow && flow.synUs !== undefined) {
    const rtt = flow.handshakeRttUs !== undefined ? formatDuration(flow.handshakeRttUs) : undefined;
    steps.push({
      id: 'handshake',
      title: 'Opening the connection',
      text: `Before a single byte of the call can travel, the client opens a TCP connection to ${server}: it sends SYN, the server answers SYN-ACK, the client confirms with ACK. This three-way handshake costs one round trip${rtt ? ` — ${rtt} here` : ''} and is paid once per connection.`,
      stage: 'connection',
      phases: ['syn', 'syn-ack', 'ack'],
    });
  } else if (previousOnFlow) {
    steps.push({
      id: 'reuse',
      title: 'Reusing the connection',
      text: `This call travels on connection ${call.flowId}, which an earlier call already opened. Reusing a connection skips the handshake round trip — one reason keep-alive and HTTP/2 make calls cheaper.`,
      stage: 'connection',
      phases: [],
    });
  }

  if (proto === 'zmtp') zmqSteps(call, steps, client, server);
  else if (proto === 'websocket' || proto === 'sockjs') webSocketSteps(call, steps, client, server);
  else if (proto === 'dns') dnsSteps(call, steps, client, server, flow?.transport === 'tcp');
  else if (proto === 'tls') tlsSteps(call, steps, client, server);
  else if (BROKERS.has(proto) || call.kind === 'publish' || call.kind === 'deliver') brokerSteps(call, steps, client, server, name);
  else rpcSteps(call, steps, client, server, name);

  // ── the teardown ─────────────────────────────────────────────────────────────────────────
  if (flow && (flow.finUs?.c2s !== undefined || flow.finUs?.s2c !== undefined || flow.rstUs !== undefined)) {
    const first = flow.finUs?.s2c !== undefined && (flow.finUs.c2s === undefined || flow.finUs.s2c < flow.finUs.c2s) ? 'server' : 'client';
    steps.push({
      id: 'teardown',
      title: 'Closing the connection',
      text:
        flow.rstUs !== undefined && flow.finUs?.c2s === undefined && flow.finUs?.s2c === undefined
          ? 'The connection ends abruptly with RST: one side reset it instead of closing it politely. Anything still in flight is lost.'
          : `When the work is done the ${first} says FIN ("I have nothing more to send"), the other side acknowledges and sends its own FIN, which is acknowledged in turn. Each direction is closed on its own — that is why a teardown takes up to four segments${call.http?.version === 'HTTP/1.0' ? '. With HTTP/1.0 the server closes after every answer, so each call pays for a new handshake' : ''}.`,
      stage: 'connection',
      phases: ['fin', 'rst'],
    });
  }
  return steps;
}

function rpcSteps(call: Call, steps: TeachStep[], client: string, server: string, name: string): void {
  const proto = call.protocol;
  const a = args(call);
  const callText = a ? `${call.method}(${a.map((x) => short(x, 30)).join(', ')})` : call.method;
  const reqBytes = bytesOf(call, 'request');
  const resBytes = bytesOf(call, 'response');
  const http = call.http;
  const upgrade = upgradeTo(call);
  const upTo = upgrade?.toLowerCase();

  // 1–2: the client calls, the client stub serializes.
  let serialize: string;
  switch (proto) {
    case 'xmlrpc':
      serialize = `Your code called \`${callText}\` as if the function were local. The client stub (for example Python's \`ServerProxy\`) writes that call down as XML: a \`<methodCall>\` holding \`<methodName>${call.method}</methodName>\` and one \`<param>\` per argument, each value tagged with its type (\`<int>\`, \`<string>\`…). Text is easy to read but verbose.`;
      break;
    case 'jsonrpc':
      serialize = `Your code called \`${callText}\`. The client stub wraps it in a small JSON object: \`"jsonrpc": "2.0"\`, the \`"method"\` name, the \`"params"\` and an \`"id"\` so the answer can be matched to this question.`;
      break;
    case 'grpc':
      serialize = `Your code called \`${call.method}\` on a generated stub. The stub encodes the request message with Protocol Buffers: each field becomes a field number and a compact value — no field names travel. It then adds a 5-byte prefix (a compressed flag and the length) so the receiver knows where the message ends.`;
      break;
    case 'soap':
      serialize = `Your code called \`${call.method}\`. The client wraps the arguments in a SOAP envelope: an XML \`<Envelope>\` with a \`<Body>\` naming the operation and its parameters.`;
      break;
    case 'thrift':
    case 'dubbo':
      if (call.fields['dubbo.event'] === true) {
        serialize = `A Dubbo heartbeat: the framework, not your code, sends an event request with no method on a connection that has been quiet (every minute by default); the other side answers it. A connection that misses a few is closed and opened again.`;
        break;
      }
      serialize = `Your code called \`${callText}\`. The client stub encodes the method name, a sequence number and the arguments in ${call.protocol === 'thrift' ? "Thrift's" : "Dubbo's"} binary format: typed fields, no names.`;
      break;
    case 'graphql': {
      const ws = call.fields['graphql.transport'] === 'websocket';
      if (ws && call.fields['graphql.operation_type'] === undefined && /^(connection_init|connection_ack|ping|pong|ka|connection_keep_alive)$/.test(call.method)) {
        // the WebSocket sub-protocol's own messages (graphql-ws, subscriptions-transport-ws), no operation
        serialize = `Before any operation, the client opens a GraphQL session on the WebSocket: \`${call.method}\` is a message of the sub-protocol itself (graphql-ws or the older subscriptions-transport-ws), not an operation. \`connection_init\` often carries the credentials; the server must answer \`connection_ack\` before any \`subscribe\` is allowed, and keep-alives (\`ping\`/\`pong\`, \`ka\`) keep the long-lived connection open.`;
        break;
      }
      serialize = `Your code sent the GraphQL operation \`${call.method}\`. The operation travels as text — a document that names exactly the fields it wants — with its variables as JSON, ${ws ? 'in a `subscribe` message on a WebSocket kept open for the results' : `in a POST to the one endpoint \`${http?.uri?.split('?')[0] ?? '/graphql'}\``}. Unlike REST, the URL does not say what is asked: every operation goes to the same place, and the document inside tells them apart.`;
      break;
    }
    case 'connect':
    case 'twirp':
      serialize = `Your code called \`${call.method.split('/').pop()}\` on a generated client. ${proto === 'twirp' ? 'Twirp' : 'Connect'} sends it as an HTTP POST to \`${http?.uri?.split('?')[0] ?? `/${call.method}`}\`: the path names the service and the procedure, and the body is the request message itself, in Protocol Buffers binary or its JSON form as the Content-Type says. No envelope and no method name inside the body${proto === 'connect' ? ' (streaming calls add gRPC-like 5-byte prefixes)' : ''}.`;
      break;
    case 'hessian':
      serialize = `Your code called \`${callText}\` on a Hessian proxy. It sends an HTTP POST whose body is a Hessian call: a \`C\`, the method name and the arguments in Hessian's compact binary form — typed values, objects with their Java class names.`;
      break;
    case 'socketio': {
      const t = call.fields['socketio.type'];
      const polling = call.fields['engineio.transport'] === 'polling';
      if (t === undefined || t === 'CONNECT' || t === 'DISCONNECT') {
        // Engine.IO's own packets (open, ping, upgrade) and Socket.IO's namespace CONNECT/DISCONNECT: the library's, not your code's
        const what: Record<string, string> = {
          open: `Engine.IO, the layer under Socket.IO, opens a session: the server's \`0{"sid":…,"upgrades":[…],"pingInterval":…}\` gives a session id that every later request carries, the transports the session may move to and the heartbeat timing.${polling ? ' Here it runs over HTTP long-polling: each packet is the body of a GET or POST.' : ''}`,
          ping: 'Engine.IO\'s heartbeat: a `2` (ping) answered by a `3` (pong) every ping interval. A side that stops answering is taken for gone and the session closes.',
          pong: 'Engine.IO\'s heartbeat: a `3` (pong) answering a `2` (ping).',
          upgrade: 'The client moves the session from HTTP long-polling to a WebSocket: it probes with `2probe`, the server answers `3probe`, and the client\'s `5` (upgrade) switches; from then on packets travel as WebSocket messages.',
          connect: 'Socket.IO joins a namespace: the client sends `40` (CONNECT, for `/` or a named one such as `/chat`) and the server answers `40{"sid":…}`, or CONNECT_ERROR when it refuses.',
          disconnect: 'Socket.IO leaves a namespace: `41` (DISCONNECT). The Engine.IO session under it may stay open for other namespaces.',
        };
        const key = call.method.split(',')[0].trim();
        if (what[key]) {
          serialize = what[key];
          break;
        }
      }
      serialize = `${startedByServer(call) ? "The server's code" : 'Your code'} called \`socket.emit('${call.method}', …)\`${call.kind === 'unary' ? ' with a callback' : ''}. Socket.IO writes an event packet: \`4\` (an Engine.IO message), \`2\` (a Socket.IO EVENT)${call.kind === 'unary' ? ', an acknowledgement id,' : ''} and a JSON array of the event name and its arguments — \`42["${call.method}",…]\` — in one WebSocket text frame (or the body of an HTTP long-polling request).`;
      break;
    }
    default:
      if (upgrade) {
        serialize = `The client sends an ordinary HTTP \`${http?.method ?? 'GET'} ${http?.uri ?? call.target ?? '/'}\` that asks to change protocols on this very connection: \`Connection: Upgrade\` and \`Upgrade: ${upgrade}\`${upTo === 'websocket' ? ', with a random `Sec-WebSocket-Key` the server must prove it read' : ''}. ${upTo === 'h2c' ? 'If the server agrees, the connection switches to HTTP/2 framing after its answer, and the answer to this very request comes back as HTTP/2 stream 1.' : 'If the server agrees, HTTP is over on this connection after its answer.'}`;
        break;
      }
      serialize = `The client prepares an HTTP request. The method \`${http?.method ?? call.method}\` says what to do, the path \`${http?.uri ?? call.target ?? '/'}\` names the resource${call.request?.body?.kind === 'json' || http?.requestBody?.kind === 'json' ? ', and the body carries the data as JSON' : ''}. In REST the URL and the verb carry the meaning, not a method name inside the body.`;
  }
  steps.push({ id: 'serialize', title: proto === 'http' || proto === 'http2' ? 'Building the request' : 'The client stub serializes the call', text: serialize, stage: 'client-stub', phases: ['request', 'message'], lifeline: 'client' });

  // 3: the bytes on the wire.
  // (a JSON-RPC call over WebSocket has no HTTP request of its own: it rides in a message of the upgraded connection)
  const carrier = http ? `an ${http.version} \`${http.method ?? 'POST'} ${http.uri ?? ''}\`` : call.fields['websocket.opcode'] !== undefined || call.fields['websocket.dir'] !== undefined || call.fields['graphql.transport'] === 'websocket' ? 'a WebSocket message' : `${name} frames`;
  const ctype = (http?.requestHeaders ?? call.request?.headers)?.find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  const frames = call.frames.length;
  steps.push({
    id: 'wire',
    title: 'The request on the wire',
    text: `${sizeText(reqBytes)} leave ${client} for ${server} as ${carrier}${ctype ? ` with \`Content-Type: ${ctype}\`` : ''}. TCP may cut them into several segments; the receiver puts them back together${frames ? ` (the whole call used ${frames} frame${frames > 1 ? 's' : ''})` : ''}.${proto === 'grpc' ? ' gRPC rides on HTTP/2: headers are compressed with HPACK and the message goes in DATA frames of a stream.' : ''}`,
    stage: 'transport',
    phases: ['request', 'message'],
  });

  // 4–6: the server stub decodes and calls.
  const t = call.timing;
  const wait = t.responseStartUs !== undefined && t.requestEndUs !== undefined ? formatDuration(t.responseStartUs - t.requestEndUs) : undefined;
  steps.push({
    id: 'server',
    title: 'The server stub decodes and calls',
    text: `On the server, the stub reads the bytes back into a method name and arguments${proto === 'http' || proto === 'http2' ? ' (here: a route matched on the verb and the path)' : ''} and calls the real implementation${a ? `: \`${callText}\`` : ''}. Between the last byte of the request and the first byte of the answer ${wait ? `${wait} passed` : 'the server was working'} — that gap is the server's own time.`,
    stage: 'server-stub',
    phases: [],
    lifeline: 'server',
  });

  // 7–10: the result travels back.
  if (!call.status && call.timing.endUs === undefined) {
    steps.push({ id: 'reply', title: 'No answer', text: call.kind === 'oneway' ? 'This is a one-way call (a notification): the client does not wait for an answer.' : 'No answer was seen in the capture: the call may still be pending, or the capture ended first.', stage: 'server', phases: [] });
    return;
  }
  const r = result(call);
  let reply: string;
  switch (proto) {
    case 'xmlrpc':
      reply = r.fault
        ? `The function failed, so the server stub sends a \`<fault>\` with a \`faultCode\` and a \`faultString\` — ${r.fault}. Note that HTTP still says ${http?.status ?? 200}: XML-RPC reports errors inside the body, not in the HTTP status.`
        : `The server stub serializes the return value${r.value !== undefined ? ` \`${short(r.value)}\`` : ''} into a \`<methodResponse>\` with one \`<param>\` and sends ${sizeText(resBytes)} back with HTTP ${http?.status ?? 200}.`;
      break;
    case 'jsonrpc':
      reply = r.fault ? `The reply carries an \`"error"\` object with a code and a message — ${r.fault} — and the same \`"id"\` as the request.` : `The reply carries \`"result"\`${r.value !== undefined ? `: \`${short(r.value)}\`` : ''} and the same \`"id"\` as the request, ${sizeText(resBytes)} in all.`;
      break;
    case 'graphql':
      reply = r.fault
        ? `The server answers with an \`errors\` list — ${r.fault} — ${http?.status === 200 ? 'yet HTTP says 200: GraphQL reports errors in the body, next to whatever `data` it could still compute' : `and HTTP ${http?.status ?? ''}`}.`
        : `The server answers \`{"data": …}\` holding exactly the fields the operation asked for, no more${resBytes ? ` (${sizeText(resBytes)})` : ''}${call.kind === 'server-stream' ? '; a subscription keeps sending one result per event until it completes' : ''}.`;
      break;
    case 'socketio':
      reply = `The receiver's handler calls the acknowledgement callback: an ACK packet (\`43\`, the same id, a JSON array of the callback's arguments${r.value !== undefined ? `: \`${short(r.value)}\`` : ''}) travels back on the same WebSocket. Without a callback an emit is one-way: nothing comes back.`;
      break;
    case 'connect':
    case 'twirp': {
      const name = proto === 'twirp' ? 'Twirp' : 'Connect';
      if (call.fields['connect.streaming'] === true) {
        // (a Connect stream: enveloped messages, its status in the end-stream message under HTTP 200)
        reply = `The server answers HTTP ${http?.status ?? 200} and streams its messages back, each behind a 5-byte prefix; a last end-stream message, JSON, ends the stream${r.fault ? ` with the error — ${r.fault} — as gRPC's trailers would` : ''}.`;
      } else if (r.fault && call.fields[`${proto}.status_from`] === 'http_status') {
        // (no error body: a proxy's or load balancer's page, a bare status)
        reply = `The answer is HTTP ${http?.status ?? ''} without a ${name} error body — an intermediary's, most likely — so the client makes the code from the HTTP status alone: ${r.fault}.`;
      } else if (r.fault) {
        reply = `The server answers HTTP ${http?.status ?? ''} with a JSON error — ${r.fault} — whose code (${proto === 'twirp' ? '`not_found`, `invalid_argument`…' : '`not_found`, `invalid_argument`…, as gRPC names them'}) the HTTP status mirrors: unlike gRPC, a failed unary call does not say 200.`;
      } else reply = `The server answers HTTP ${http?.status ?? 200} with the response message as the body${resBytes ? ` (${sizeText(resBytes)})` : ''}, encoded as the request was.`;
      break;
    }
    case 'hessian':
      reply = r.fault
        ? `The server answers with a Hessian fault — ${r.fault} — a map with a code and a message; HTTP still says ${http?.status ?? 200}.`
        : `The server answers with a Hessian reply holding the return value${r.value !== undefined ? ` \`${short(r.value)}\`` : ''}, ${sizeText(resBytes)} with HTTP ${http?.status ?? 200}.`;
      break;
    case 'grpc':
      reply = `The server sends the response message (protobuf again) and then trailers with \`grpc-status\` ${call.status?.code ?? '?'}${call.status?.text ? ` (${call.status.text})` : ''}. The HTTP status stays 200: gRPC reports its outcome in the trailers, after the data.`;
      break;
    default: {
      const statusText = `${http?.status ?? call.status?.code ?? ''} ${http?.reason ?? call.status?.text ?? ''}`.trim();
      const sse = (http?.responseHeaders ?? call.response?.headers)?.some(([k, v]) => k.toLowerCase() === 'content-type' && /^text\/event-stream/i.test(v));
      if (http?.status === 101) reply = `The server answers \`${statusText}\`: it agrees to the upgrade${upgrade ? ` to ${upgrade}` : ''}${upTo === 'websocket' ? ' and proves it with `Sec-WebSocket-Accept`, a hash of the client\'s key' : ''}. ${upTo === 'h2c' ? 'The next bytes are HTTP/2 frames: SETTINGS from both sides, then the response to this request on stream 1, and later calls as new streams on the same connection.' : 'After this answer the connection carries no more HTTP: the next bytes are frames of the new protocol, which either side may send at any time.'}`;
      else if (sse) reply = `The server answers \`${statusText}\` with \`Content-Type: text/event-stream\` and never finishes the body while it has news: each event is a few \`field: value\` lines ended by a blank line (server-sent events). One request, many answers, all from the server — the client only listens${call.messages?.length ? ` (${call.messages.length} events here)` : ''}.`;
      else reply = `The server answers \`${statusText}\`${resBytes ? ` with ${sizeText(resBytes)}` : ''}. In REST the status code itself tells success (2xx), a client mistake (4xx) or a server failure (5xx).`;
    }
  }
  steps.push({ id: 'reply', title: r.fault ? 'The error travels back' : 'The result travels back', text: reply, stage: 'server-stub', phases: ['response'], lifeline: 'server' });
  const total = t.endUs !== undefined ? formatDuration(t.endUs - t.startUs) : undefined;
  steps.push({
    id: 'receive',
    title: 'The client gets its answer',
    text: `The client stub decodes the reply and hands ${r.fault ? 'an error (an exception in most languages)' : r.value !== undefined ? `\`${short(r.value)}\`` : 'the result'} back to your code, which was waiting all along. From the first byte sent to the last byte received: ${total ?? 'unknown'}.`,
    stage: 'client',
    phases: ['response'],
    lifeline: 'client',
  });
}

/**
 * ZeroMQ has no broker: the two ends are sockets of the application's own processes, typed by the
 * pattern they play (REQ/REP, PUB/SUB, PUSH/PULL, DEALER/ROUTER), and ZMTP is the framing between them.
 */
const cap = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** WebSocket messages and control frames (and SockJS's, which ride in them or in HTTP bodies). */
function webSocketSteps(call: Call, steps: TeachStep[], client: string, server: string): void {
  const fromServer = startedByServer(call);
  const [from, to] = fromServer ? [`the server at ${server}`, `the client at ${client}`] : [`the client at ${client}`, `the server at ${server}`];
  const bytes = (fromServer ? call.response : call.request)?.wireBytes ?? call.messages?.[0]?.size;
  const m = call.method;
  if (call.protocol === 'sockjs') {
    steps.push({
      id: 'send',
      title: `SockJS: ${m}`,
      text: `SockJS gives browsers a WebSocket-like channel even where WebSockets are blocked: the same session runs over a WebSocket or over HTTP requests (streaming or polling), and its frames say what happens — \`o\` opens the session, \`h\` is a heartbeat, \`a[…]\` carries messages as a JSON array, \`c[code,"reason"]\` closes it. Here ${from} sends \`${m}\`${bytes ? ` (${sizeText(bytes)})` : ''}.`,
      stage: 'transport',
      phases: ['request', 'response', 'message'],
      lifeline: fromServer ? 'server' : 'client',
    });
    return;
  }
  if (m === 'ping' || m === 'pong' || m === 'close') {
    const code = call.fields['websocket.close_code'];
    steps.push({
      id: 'control',
      title: m === 'close' ? 'Closing the WebSocket' : 'A WebSocket heartbeat',
      text:
        m === 'close'
          ? `${cap(from)} sends a close frame${code !== undefined ? ` with code ${code}${code === 1000 ? ' (normal closure)' : code === 1001 ? ' (going away)' : code === 1005 ? ' (the frame carried no code)' : ''}` : ''}; the other side answers with a close frame of its own, and only then is TCP torn down. Closing is a handshake inside the WebSocket, before the TCP one.`
          : `${cap(from)} sends a ${m} control frame${bytes ? ` (${sizeText(bytes)})` : ''}. A ping must be answered with a pong carrying the same payload: both ends learn that the connection — and every proxy on the way — is still alive, even when no message has passed for a while.`,
      stage: 'transport',
      phases: ['request', 'response', 'message'],
      lifeline: fromServer ? 'server' : 'client',
    });
    return;
  }
  steps.push({
    id: 'send',
    title: `${fromServer ? 'The server' : 'The client'} sends a ${m} message`,
    text: `${cap(from)} sends a WebSocket ${m} message${bytes ? ` of ${sizeText(bytes)}` : ''} to ${to}, ${call.target === undefined ? 'on a connection that an HTTP \`GET\` with \`Upgrade: websocket\` turned into a WebSocket before this capture began (the upgrade is not in it)' : 'on the connection that an HTTP \`GET\` with \`Upgrade: websocket\` turned into a WebSocket'}. Each message travels in frames: a 2- to 14-byte header (final-fragment bit, opcode ${m === 'binary' ? '2 for binary' : '1 for text'}, the length) and the payload${fromServer ? '' : ', masked with a 4-byte key because it comes from a client'}. There is no request and no response here: either side may send whenever it likes, and nothing answers this message unless the application chooses to.`,
    stage: 'transport',
    phases: ['request', 'response', 'message'],
    lifeline: fromServer ? 'server' : 'client',
  });
}

/** A DNS query and its answer: usually one UDP datagram each way, no connection. */
function dnsSteps(call: Call, steps: TeachStep[], client: string, server: string, overTcp: boolean): void {
  const f = call.fields;
  const name = typeof f['dns.qry.name'] === 'string' ? f['dns.qry.name'] : call.target;
  steps.push({
    id: 'query',
    title: 'The resolver asks',
    text: `The resolver at ${client} asks the DNS server at ${server} for the \`${call.method}\` record${name ? ` of \`${name}\`` : ''}: ${sizeText(call.request?.wireBytes)} in ${overTcp ? 'a TCP message with a 2-byte length in front' : 'one UDP datagram — no connection to open, no handshake'}. A 12-byte header carries an id${f['dns.id'] !== undefined ? ` (${f['dns.id']})` : ''} and flags, then the question.`,
    stage: 'client',
    phases: ['request'],
    lifeline: 'client',
  });
  if (!call.status && call.timing.endUs === undefined) {
    steps.push({ id: 'answer', title: 'No answer', text: 'No answer was seen: over UDP nothing tells the resolver that the question was lost; it waits for a timeout and asks again (or asks another server).', stage: 'server', phases: [] });
    return;
  }
  const rcode = call.status?.text ?? String(call.status?.code ?? '');
  const answers = f['dns.count.answers'];
  const total = call.timing.endUs !== undefined ? formatDuration(call.timing.endUs - call.timing.startUs) : undefined;
  steps.push({
    id: 'answer',
    title: call.status?.ok === false ? 'The server says no' : 'The server answers',
    text: `The server answers with the same id, so the resolver can match the answer to its question, and the response code \`${rcode}\`${rcode === 'NXDOMAIN' ? ' (the name does not exist)' : rcode === 'REFUSED' ? ' (this server will not answer this client)' : rcode === 'SERVFAIL' ? ' (the server could not find out)' : ''}${typeof answers === 'number' ? ` with ${answers} answer record${answers === 1 ? '' : 's'}` : ''}${f['dns.flags.truncated'] === true ? '; the truncated flag tells the resolver to ask again over TCP' : ''}. Question and answer took ${total ?? 'an unknown time'}: the price of a name, paid before the connection to it can even start.`,
    stage: 'server',
    phases: ['response'],
    lifeline: 'server',
  });
}

/** A TLS handshake: what is agreed in clear before everything else is encrypted. */
function tlsSteps(call: Call, steps: TeachStep[], client: string, server: string): void {
  const f = call.fields;
  const sni = f['tls.handshake.extensions_server_name'];
  const version = f['tls.handshake.version'] ?? call.status?.code;
  const suite = f['tls.handshake.ciphersuite'];
  const alpn = f['tls.handshake.extensions_alpn_selected'] ?? f['tls.handshake.extensions_alpn_str'];
  steps.push({
    id: 'hello',
    title: 'ClientHello and ServerHello',
    text: `Before any call can travel, the client at ${client} says ClientHello: the TLS versions and cipher suites it supports, a random number, a key share${typeof sni === 'string' ? `, and — still in clear — the name of the server it wants, \`${sni}\` (SNI)` : ''}${typeof alpn === 'string' ? ` and the application protocol it will speak (ALPN \`${alpn}\`)` : ''}. The server at ${server} picks one of each in its ServerHello${version !== undefined ? `: ${version}` : ''}${typeof suite === 'string' ? ` with \`${suite}\`` : ''}.`,
    stage: 'connection',
    phases: ['request', 'response', 'message'],
  });
  steps.push({
    id: 'keys',
    title: 'Keys, certificate, Finished',
    text: `Both sides derive the same secret keys from the key shares without ever sending them. The server proves who it is with its certificate and a signature, and each side ends with Finished, a check over everything said so far. ${version === 'TLS 1.3' ? 'In TLS 1.3 all of this after ServerHello is already encrypted, and it costs one round trip.' : 'In TLS 1.2 the certificate travels in clear and the handshake costs two round trips.'} From here on the calls inside are encrypted: callscope can show them only with the session keys (an SSLKEYLOGFILE) or when the service is captured without TLS.`,
    stage: 'transport',
    phases: ['request', 'response', 'message'],
  });
}

function zmqSteps(call: Call, steps: TeachStep[], client: string, server: string): void {
  const f = call.fields;
  const fromServer = f['zmtp.dir'] === 's2c';
  const mine = typeof f['zmtp.socket_type'] === 'string' ? f['zmtp.socket_type'] : undefined;
  const peer = typeof f['zmtp.peer_socket_type'] === 'string' ? f['zmtp.peer_socket_type'] : undefined;
  const sender = `${mine ? `the ${mine} socket` : 'the socket'} at ${fromServer ? server : client}`;
  const receiver = `${peer ? `the ${peer} socket` : 'the socket'} at ${fromServer ? client : server}`;
  const bytes = call.request?.wireBytes ?? call.response?.wireBytes ?? call.messages?.[0]?.size;
  const topic = typeof f['zmtp.topic'] === 'string' && f['zmtp.topic'] ? f['zmtp.topic'] : undefined;
  const noBroker = 'There is no broker in between: ZeroMQ is a library inside each process, which queues and routes messages itself.';
  if (call.method === 'handshake') {
    const mech = f['zmtp.mechanism'];
    steps.push({
      id: 'greeting',
      title: 'The sockets greet each other',
      text: `Once TCP is up, both ends send a 64-byte ZMTP greeting (the protocol version${f['zmtp.version'] ? `, ${f['zmtp.version']} here` : ''}, and the security mechanism${typeof mech === 'string' ? `: \`${mech}\`` : ''}), then a READY command naming their socket type${mine && peer ? ` — ${mine} on the connecting side, ${peer} on the side that bound the port` : ''}. Only compatible pairs may talk (a REQ needs a REP or a ROUTER); ${mech === 'CURVE' ? 'with CURVE everything after the handshake is encrypted' : 'after READY, messages flow'}. ${noBroker}`,
      stage: 'transport',
      phases: ['request', 'response', 'message'],
    });
    return;
  }
  if (call.method === 'SUBSCRIBE' || call.method === 'CANCEL') {
    steps.push({
      id: 'send',
      title: call.method === 'SUBSCRIBE' ? 'The subscriber says what it wants' : 'The subscriber withdraws a subscription',
      text: `${cap(sender)} tells ${receiver} ${call.method === 'SUBSCRIBE' ? 'that it wants' : 'that it no longer wants'} the messages whose first frame starts with \`${topic ?? call.target ?? ''}\`. The publisher keeps this list per subscriber and filters before sending, so unwanted messages never cross the network. A subscriber that connects late has missed what was published before: there is no broker to keep it.`,
      stage: 'client',
      phases: ['request', 'message'],
      lifeline: fromServer ? 'server' : 'client',
    });
    return;
  }
  const pattern: Record<string, string> = {
    PUB: `Publish/subscribe without a broker: ${sender} sends the message on \`${topic ?? ''}\` straight to every connected subscriber whose subscription matches its first frame, and does not wait for anyone. A slow or absent subscriber simply misses messages.`,
    PUSH: `A pipeline: a PUSH socket hands each message to the next of its connected PULL sockets in turn (round robin), so work spreads over the workers; nothing comes back on this connection.`,
    DEALER: `Asynchronous request/reply: a DEALER sends without waiting for answers, and the ROUTER on the other end puts the sender's identity in front of each message it receives (the extra first frame) so that its answers can be routed back to the right peer.`,
    ROUTER: `The ROUTER answers a DEALER: it picks the peer by the identity frame in front of the message, then sends the rest to that peer alone.`,
    REQ: `Strict request/reply: a REQ socket sends one request and must receive the reply before it may send again — lock step, like a remote procedure call, but with opaque frames instead of a method name and typed arguments (the application chooses the format).`,
  };
  const what = (mine && pattern[mine]) ?? `${cap(sender)} sends a message of ${bytes ?? 'a few'} bytes to ${receiver}.`;
  steps.push({
    id: 'send',
    title: `${mine ?? 'A socket'} sends`,
    text: `${what} The message is one or more frames, each with its length in front (ZMTP), ${f['zmtp.parts'] !== undefined ? `${f['zmtp.parts']} frame${f['zmtp.parts'] === 1 ? '' : 's'} here` : 'sent together'}. ${noBroker}`,
    stage: 'transport',
    phases: ['request', 'message', 'deliver', 'publish'],
    lifeline: fromServer ? 'server' : 'client',
  });
  if (call.kind === 'unary' && call.status) {
    const total = call.timing.endUs !== undefined ? formatDuration(call.timing.endUs - call.timing.startUs) : undefined;
    steps.push({
      id: 'reply',
      title: 'The reply travels back',
      text: `${receiver} answers on the same connection${f['zmtp.reply_parts'] !== undefined ? ` (${f['zmtp.reply_parts']} frames: an empty delimiter frame, then the reply)` : ''}; only now may the REQ socket send its next request. From request to reply: ${total ?? 'unknown'}.`,
      stage: 'server',
      phases: ['response'],
      lifeline: 'server',
    });
  }
}

function brokerSteps(call: Call, steps: TeachStep[], client: string, server: string, name: string): void {
  const topic = call.target ?? String(call.fields['mqtt.topic'] ?? call.fields['amqp.routing_key'] ?? call.fields['kafka.topic'] ?? '');
  const bytes = call.request?.body?.size ?? call.request?.wireBytes ?? call.messages?.[0]?.size;
  if (call.kind === 'deliver') {
    steps.push({
      id: 'deliver',
      title: 'The broker delivers',
      text: `The ${name} broker at ${server} pushes the message${topic ? ` from \`${topic}\`` : ''} to the consumer at ${client}, which subscribed earlier. The consumer never talks to the producer: the broker decouples them in space and in time${call.links?.publishId !== undefined ? ` (this delivery comes from call ${call.links.publishId})` : ''}.`,
      stage: 'broker',
      phases: ['deliver'],
    });
    return;
  }
  if (call.kind === 'publish') {
    steps.push({
      id: 'publish',
      title: 'The producer publishes',
      text: `The producer at ${client} serializes an event (${sizeText(bytes)}) and hands it to the ${name} broker at ${server}${topic ? `, addressed to \`${topic}\`` : ''}. It does not know who will read it, and it does not wait for any consumer.`,
      stage: 'client-stub',
      phases: ['publish'],
      lifeline: 'client',
    });
    steps.push({
      id: 'route',
      title: 'The broker routes',
      text: `The broker keeps the message and routes it to every subscription that matches${call.links?.deliveryIds?.length ? ` — ${call.links.deliveryIds.length} deliver${call.links.deliveryIds.length > 1 ? 'ies' : 'y'} in this capture` : ''}. One message, many receivers: publish/subscribe.`,
      stage: 'broker',
      phases: ['publish'],
      lifeline: 'server',
    });
    return;
  }
  // (a method the server starts: a NATS INFO, an AMQP basic.return, a stream server's MetadataUpdate, a Redis MONITOR line)
  const fromServer = startedByServer(call);
  steps.push({
    id: 'stream',
    title: `${name}: ${call.method}`,
    text: fromServer
      ? `The ${name} server at ${server} sends \`${call.method}\`${topic ? ` for \`${topic}\`` : ''} to the client at ${client} on its own: not an answer to a request, but something the server has to say (news about the connection, a message it could not route, a line of a feed the client asked for).`
      : `The client at ${client} sends \`${call.method}\`${topic ? ` for \`${topic}\`` : ''} to the ${name} server at ${server}${call.status ? `, which answers ${call.status.code}${call.status.text ? ` (${call.status.text})` : ''}` : ''}.`,
    stage: 'transport',
    phases: ['request', 'response', 'message'],
  });
}

/** Splits a step text on backticks: odd parts are code. */
export function textParts(text: string): Array<{ code: boolean; text: string }> {
  return text.split('`').map((t, i) => ({ code: i % 2 === 1, text: t })).filter((p) => p.text);
}
