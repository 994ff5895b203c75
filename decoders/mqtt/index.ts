/**
 * MQTT 3.1 / 3.1.1 (OASIS mqtt-v3.1.1) and 5.0 (OASIS mqtt-v5.0).
 *
 * Reached on port 1883 (and 1884) or by probe on a CONNECT packet whose protocol name is
 * "MQTT" (level 4 or 5) or "MQIsdp" (level 3). The version from CONNECT selects the packet
 * layouts of the connection (5.0 adds properties and reason codes); without a CONNECT in the
 * capture 3.1.1 is assumed.
 *
 * Written here rather than on mqtt-packet: that parser builds node `Buffer`s (through `bl`),
 * which the platform-neutral decoders may not use; MQTT framing is small enough to own.
 *
 * Calls: CONNECT+CONNACK, SUBSCRIBE+SUBACK, UNSUBSCRIBE+UNSUBACK → 'unary'; PINGREQ+PINGRESP →
 * 'event'; PUBLISH from the client → 'publish', from the broker → 'deliver', with its QoS 1
 * (PUBACK) or QoS 2 (PUBREC → PUBREL → PUBCOMP) handshake paired by packet identifier per
 * direction; DISCONNECT and AUTH → 'event'. Topic aliases (5.0) are resolved per direction.
 */
import type { CloseReason, DecoderSpec, DecoderSession, Position, StreamDecoder } from '../core/decoder';
import { leftWaiting } from '../calls/ended';
import type { Call, Dir } from '../core/model';
import { DirStream, addFrames } from '../calls/stream';
import { PayloadBuffer, payloadBody } from '../calls/payload';
import { CONNACK_V3, MqttReader, PACKET_TYPES, REASONS, binText, readProps, sniffVersion, type Props } from './wire';

const MAX_REMAINING = 268_435_455;

export function probeMqtt(head: Uint8Array): 'accept' | 'reject' | 'need-more' {
  if (head.length < 1) return 'need-more';
  if (head[0] !== 0x10) return 'reject';
  // remaining length
  let i = 1;
  for (; i < 5; i++) {
    if (i >= head.length) return 'need-more';
    if (!(head[i] & 0x80)) break;
  }
  if (i === 5) return 'reject';
  i++;
  if (head.length < i + 2) return 'need-more';
  const n = (head[i] << 8) | head[i + 1];
  if (n !== 4 && n !== 6) return 'reject';
  if (head.length < i + 2 + n + 1) return 'need-more';
  const name = String.fromCharCode(...head.subarray(i + 2, i + 2 + n));
  const level = head[i + 2 + n];
  if (name === 'MQTT' && (level === 4 || level === 5)) return 'accept';
  if (name === 'MQIsdp' && level === 3) return 'accept';
  return 'reject';
}

interface PendingPub {
  call: Call;
  qos: number;
  stage: 'sent' | 'rec' | 'rel';
}

interface Packet {
  type: number;
  flags: number;
  body: Uint8Array;
  start: Position;
  end: Position;
  frames: number[];
  wire: number;
}

class MqttDecoder implements StreamDecoder {
  private s = { c2s: new DirStream(), s2c: new DirStream() };
  private lost = { c2s: false, s2c: false };
  private version = 4;
  /** False until a CONNECT sets the version, or a packet only one version's layout fits (mid-connection capture). */
  private versionKnown = false;
  private connect?: Call;
  private pubs = { c2s: new Map<number, PendingPub>(), s2c: new Map<number, PendingPub>() };
  private reqs = new Map<string, Call>(); // 'SUBSCRIBE:12' → call
  private pings: Call[] = [];
  private aliases = { c2s: new Map<number, string>(), s2c: new Map<number, string>() };
  private dead = false;

  constructor(private readonly session: DecoderSession) {}

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (this.dead) return;
    this.s[dir].push(bytes, at);
    try {
      this.parse(dir);
    } catch (e) {
      this.session.warn(`mqtt: internal error: ${(e as Error).message}`, at);
      this.dead = true;
    }
  }

  gap(dir: Dir, length: number, at: Position): void {
    this.s[dir].reset();
    this.lost[dir] = true;
    this.session.warn(`mqtt: ${length} bytes missing (${dir}); the rest of this direction is not decoded`, at);
  }

  end(): void {}

  close(_at: Position, how?: CloseReason): void {
    const left = leftWaiting(how, 'reply', 'no reply before the end of the capture');
    const open: Call[] = [];
    if (this.connect) open.push(this.connect);
    for (const m of [this.pubs.c2s, this.pubs.s2c]) for (const p of m.values()) open.push(p.call);
    open.push(...this.reqs.values(), ...this.pings);
    open.sort((a, b) => a.id - b.id);
    for (const c of open) {
      c.state = left.state;
      c.warnings.push(left.warning);
      this.session.emit(c);
    }
    this.connect = undefined;
    this.pubs.c2s.clear();
    this.pubs.s2c.clear();
    this.reqs.clear();
    this.pings = [];
  }

  private parse(dir: Dir): void {
    const st = this.s[dir];
    const q = st.q;
    const lim = this.session.env.limits;
    while (!this.lost[dir] && q.length >= 2) {
      let len = 0;
      let mul = 1;
      let i = 1;
      for (; ; i++) {
        if (i > 4) {
          this.session.warn(`mqtt: remaining length longer than 4 bytes (${dir}); the rest of this direction is not decoded`, st.pos(0));
          this.lost[dir] = true;
          st.reset();
          return;
        }
        if (i >= q.length) return;
        const c = q.at(i);
        len += (c & 0x7f) * mul;
        mul *= 128;
        if (!(c & 0x80)) break;
      }
      const hdr = i + 1;
      const first = q.at(0);
      const type = first >> 4;
      if (type === 0 || len > MAX_REMAINING) {
        this.session.warn(`mqtt: invalid packet (type ${type}) in ${dir}; the rest of this direction is not decoded`, st.pos(0));
        this.lost[dir] = true;
        st.reset();
        return;
      }
      if (hdr + len > lim.maxBufferedBytes) {
        this.session.warn(`mqtt: ${PACKET_TYPES[type]} of ${len} bytes is larger than the buffer limit; skipped`, st.pos(0));
        st.skipAhead(hdr + len);
        continue;
      }
      if (q.length < hdr + len) return;
      const whole = q.peek(hdr + len);
      const pkt: Packet = { type, flags: first & 15, body: whole.subarray(hdr), start: st.pos(0), end: st.pos(hdr + len - 1), frames: st.frames(0, hdr + len), wire: hdr + len };
      this.packet(dir, pkt);
      st.consume(hdr + len);
    }
  }

  private mk(p: Packet, method: string): Call {
    const call = this.session.newCall('mqtt', p.start);
    call.method = method;
    call.frames = p.frames.slice(0, 64);
    call.fields['mqtt.msgtype'] = p.type;
    call.fields['mqtt.ver'] = this.version;
    return call;
  }

  private reply(call: Call, p: Packet, value: unknown): void {
    call.response = { value, wireBytes: p.wire };
    call.timing.responseStartUs = p.start.tsUs;
    call.timing.endUs = p.end.tsUs;
    addFrames(call.frames, p.frames);
    call.state = 'complete';
  }

  private packet(dir: Dir, p: Packet): void {
    if (!this.versionKnown && p.type !== 1) {
      const v = sniffVersion(p.type, p.flags, p.body);
      if (v) {
        this.version = v;
        this.versionKnown = true;
      }
    }
    const v5 = this.version === 5;
    const r = new MqttReader(p.body);
    const name = PACKET_TYPES[p.type];
    switch (p.type) {
      case 1:
        return this.connectPacket(dir, p, r);
      case 2: {
        const ackFlags = r.byte();
        const code = r.byte();
        const props = v5 && r.left > 0 ? readProps(r) : undefined;
        const value: Record<string, unknown> = { 'session-present': (ackFlags & 1) === 1, [v5 ? 'reason-code' : 'return-code']: code };
        if (props) value.properties = props.values;
        const text = v5 ? REASONS[code] : CONNACK_V3[code];
        const call = this.connect ?? this.mk(p, 'CONNECT');
        this.connect = undefined;
        if (!call.request) {
          call.kind = 'unary';
          call.warnings.push('CONNACK without its CONNECT in the capture');
          call.timing.startUs = p.start.tsUs;
        }
        this.reply(call, p, value);
        call.status = { code, text: text ?? `code ${code}`, ok: code === 0 };
        call.fields['mqtt.conack.val'] = code;
        if (props?.values['assigned-client-identifier']) call.target = String(props.values['assigned-client-identifier']);
        if (r.error) call.warnings.push(`CONNACK: ${r.error}`);
        this.session.emit(call);
        return;
      }
      case 3:
        return this.publish(dir, p, r);
      case 4:
      case 5:
      case 6:
      case 7:
        return this.pubHandshake(dir, p, r);
      case 8:
      case 10: {
        const id = r.u16();
        const props = v5 ? readProps(r) : undefined;
        const filters: Array<Record<string, unknown>> = [];
        while (r.left > 0 && !r.error && filters.length < 4096) {
          const topic = r.string();
          if (p.type === 8) {
            const o = r.byte();
            const f: Record<string, unknown> = { topic, qos: o & 3 };
            if (v5) Object.assign(f, { 'no-local': (o & 4) !== 0, 'retain-as-published': (o & 8) !== 0, 'retain-handling': (o >> 4) & 3 });
            filters.push(f);
          } else filters.push({ topic });
        }
        const call = this.mk(p, name);
        call.kind = 'unary';
        call.target = filters.map((f) => f.topic).join(', ');
        call.request = { value: { 'packet-id': id, filters, ...(props ? { properties: props.values } : {}) }, wireBytes: p.wire };
        call.timing.requestEndUs = p.end.tsUs;
        call.fields['mqtt.msgid'] = id;
        if (filters[0]) call.fields['mqtt.topic'] = String(filters[0].topic);
        if (r.error) call.warnings.push(`${name}: ${r.error}`);
        if (p.flags !== 2) call.warnings.push(`${name} fixed-header flags ${p.flags} (must be 2)`);
        const key = `${name}:${id}`;
        const prev = this.reqs.get(key);
        if (prev) {
          prev.state = 'incomplete';
          prev.warnings.push('packet identifier reused before the acknowledgement');
          this.session.emit(prev);
        }
        if (this.reqs.size > 65536) this.flushOldestReq();
        this.reqs.set(key, call);
        return;
      }
      case 9:
      case 11: {
        const id = r.u16();
        const props = v5 ? readProps(r) : undefined;
        const codes: number[] = [];
        while (r.left > 0 && !r.error && codes.length < 4096) codes.push(r.byte());
        const reqName = p.type === 9 ? 'SUBSCRIBE' : 'UNSUBSCRIBE';
        const call = this.reqs.get(`${reqName}:${id}`) ?? this.mk(p, reqName);
        this.reqs.delete(`${reqName}:${id}`);
        if (!call.request) call.warnings.push(`${name} without its ${reqName} in the capture`);
        const value: Record<string, unknown> = { 'packet-id': id, 'reason-codes': codes.map((c) => ({ code: c, text: REASONS[c] ?? (c === 0x80 ? 'Failure' : `code ${c}`) })) };
        if (props) value.properties = props.values;
        this.reply(call, p, value);
        call.kind = 'unary';
        const bad = codes.filter((c) => c >= 0x80);
        call.status = bad.length ? { code: bad[0], text: REASONS[bad[0]] ?? 'Failure', ok: false } : { code: codes[0] ?? 0, text: p.type === 9 ? `granted ${codes.join(',')}` : 'ok', ok: true };
        if (r.error) call.warnings.push(`${name}: ${r.error}`);
        this.session.emit(call);
        return;
      }
      case 12: {
        const call = this.mk(p, 'PINGREQ');
        call.kind = 'event';
        call.request = { wireBytes: p.wire };
        call.timing.requestEndUs = p.end.tsUs;
        if (this.pings.length >= 1000) this.flushPing();
        this.pings.push(call);
        return;
      }
      case 13: {
        const call = this.pings.shift();
        if (!call) {
          const c = this.mk(p, 'PINGRESP');
          c.kind = 'event';
          c.state = 'complete';
          c.response = { wireBytes: p.wire };
          c.timing.endUs = p.end.tsUs;
          this.session.emit(c);
          return;
        }
        this.reply(call, p, undefined);
        call.status = { code: 0, text: 'PINGRESP', ok: true };
        this.session.emit(call);
        return;
      }
      case 14:
      case 15: {
        const call = this.mk(p, name);
        call.kind = 'event';
        call.state = 'complete';
        call.timing.endUs = p.end.tsUs;
        const value: Record<string, unknown> = { dir };
        if (v5 && r.left > 0) {
          const code = r.byte();
          value['reason-code'] = code;
          const props = r.left > 0 ? readProps(r) : undefined;
          if (props) value.properties = props.values;
          // 0x00 is "Normal disconnection" for DISCONNECT (MQTT 5.0 §3.14.2.1), "Success" for AUTH.
          call.status = { code, text: (code === 0 && p.type === 14 ? 'Normal disconnection' : REASONS[code]) ?? `code ${code}`, ok: code < 0x80 };
          call.fields['mqtt.reason_code'] = code;
        } else call.status = { code: 0, text: p.type === 14 ? 'Normal disconnection' : 'Success', ok: true };
        call.request = { value, wireBytes: p.wire };
        if (r.error) call.warnings.push(`${name}: ${r.error}`);
        this.session.emit(call);
        return;
      }
    }
  }

  private flushOldestReq(): void {
    const first = this.reqs.entries().next();
    if (first.done) return;
    this.reqs.delete(first.value[0]);
    first.value[1].state = 'incomplete';
    this.session.emit(first.value[1]);
  }

  private flushPing(): void {
    const c = this.pings.shift();
    if (c) {
      c.state = 'incomplete';
      this.session.emit(c);
    }
  }

  private connectPacket(dir: Dir, p: Packet, r: MqttReader): void {
    const proto = r.string();
    const level = r.byte();
    if (level === 3 || level === 4 || level === 5) this.version = level;
    this.versionKnown = true;
    const flags = r.byte();
    const keepAlive = r.u16();
    const v5 = this.version === 5;
    const value: Record<string, unknown> = { 'protocol-name': proto, 'protocol-level': level, 'clean-session': (flags & 2) !== 0, 'keep-alive': keepAlive };
    if (v5) value.properties = readProps(r).values;
    const clientId = r.string();
    value['client-id'] = clientId;
    const call = this.mk(p, 'CONNECT');
    call.fields['mqtt.ver'] = this.version;
    if (flags & 4) {
      const will: Record<string, unknown> = { qos: (flags >> 3) & 3, retain: (flags & 0x20) !== 0 };
      if (v5) will.properties = readProps(r).values;
      will.topic = r.string();
      const payload = r.binary();
      const buf = new PayloadBuffer(this.session.env.limits.maxBodyBytes);
      buf.add(payload);
      will.payload = payloadBody(buf.bytes(), buf.size, this.session.env.limits);
      value.will = will;
      call.fields['mqtt.willtopic'] = String(will.topic);
    }
    if (flags & 0x80) {
      value.username = r.string();
      call.fields['mqtt.username'] = String(value.username);
    }
    if (flags & 0x40) {
      r.binary();
      value.password = '(present)';
    }
    if (flags & 1) call.warnings.push('CONNECT reserved flag set');
    if (r.error) call.warnings.push(`CONNECT: ${r.error}`);
    call.kind = 'unary';
    call.target = clientId;
    call.fields['mqtt.clientid'] = clientId;
    if (clientId) call.fields['client.name'] = clientId;
    call.fields['mqtt.proto_name'] = proto;
    call.request = { value, wireBytes: p.wire };
    call.timing.requestEndUs = p.end.tsUs;
    if (dir !== 'c2s') call.warnings.push('CONNECT sent by the server side');
    if (this.connect) {
      this.connect.state = 'incomplete';
      this.connect.warnings.push('second CONNECT before CONNACK');
      this.session.emit(this.connect);
    }
    this.connect = call;
  }

  private publish(dir: Dir, p: Packet, r: MqttReader): void {
    const qos = (p.flags >> 1) & 3;
    const retain = (p.flags & 1) === 1;
    const dup = (p.flags & 8) !== 0;
    const v5 = this.version === 5;
    let topic = r.string();
    const id = qos > 0 ? r.u16() : undefined;
    const props: Props | undefined = v5 ? readProps(r) : undefined;
    const call = this.mk(p, 'PUBLISH');
    call.kind = dir === 'c2s' ? 'publish' : 'deliver';
    const alias = props?.values['topic-alias'];
    if (typeof alias === 'number') {
      const map = this.aliases[dir];
      call.fields['mqtt.topic_alias'] = alias;
      if (topic) map.set(alias, topic);
      else {
        const t = map.get(alias);
        if (t === undefined) call.warnings.push(`topic alias ${alias} was never set on this connection`);
        else topic = t;
      }
    }
    if (qos === 3) call.warnings.push('PUBLISH with QoS 3 (malformed)');
    const payload = r.rest();
    const lim = this.session.env.limits;
    const buf = new PayloadBuffer(lim.maxBodyBytes);
    buf.add(payload);
    const ct = typeof props?.values['content-type'] === 'string' ? (props.values['content-type'] as string) : undefined;
    call.target = topic;
    call.request = {
      value: { topic, qos, retain, dup, ...(id !== undefined ? { 'packet-id': id } : {}), ...(props ? { properties: props.values } : {}) },
      headers: props?.userProps.length ? props.userProps.slice() : undefined,
      body: payloadBody(buf.bytes(), buf.size, lim, ct),
      wireBytes: p.wire,
    };
    if (!call.request.headers) delete call.request.headers;
    call.timing.requestEndUs = p.end.tsUs;
    call.fields['mqtt.topic'] = topic;
    call.fields['mqtt.qos'] = qos;
    call.fields['mqtt.retain'] = retain;
    if (dup) call.fields['mqtt.dupflag'] = true;
    if (id !== undefined) call.fields['mqtt.msgid'] = id;
    call.fields['msg.key'] = buf.key('mqtt', topic);
    call.fields['msg.destination'] = topic;
    if (props) {
      const rt = props.values['response-topic'];
      if (typeof rt === 'string') call.fields['msg.reply_to'] = rt;
      if (props.correlation) call.fields['msg.correlation_id'] = binText(props.correlation);
      if (ct) call.fields['mqtt.content_type'] = ct;
    }
    if (r.error) call.warnings.push(`PUBLISH: ${r.error}`);
    if (qos === 0 || id === undefined) {
      call.state = 'complete';
      call.timing.endUs = p.end.tsUs;
      call.status = { code: 0, text: 'QoS 0', ok: true };
      this.session.emit(call);
      return;
    }
    const map = this.pubs[dir];
    const prev = map.get(id);
    if (prev) {
      if (dup && prev.stage === 'sent') {
        // A retransmission of the same message: keep one call.
        addFrames(prev.call.frames, p.frames);
        prev.call.fields['mqtt.dupflag'] = true;
        prev.call.warnings.push('retransmitted (DUP)');
        return;
      }
      prev.call.state = 'incomplete';
      prev.call.warnings.push(`packet identifier ${id} reused before the handshake completed`);
      this.session.emit(prev.call);
    }
    map.set(id, { call, qos, stage: 'sent' });
  }

  private pubHandshake(dir: Dir, p: Packet, r: MqttReader): void {
    const name = PACKET_TYPES[p.type];
    const id = r.u16();
    const v5 = this.version === 5;
    let code = 0;
    let props: Props | undefined;
    if (v5 && r.left > 0) {
      code = r.byte();
      if (r.left > 0) props = readProps(r);
    }
    // PUBACK, PUBREC, PUBCOMP come from the receiver (other direction); PUBREL from the sender.
    const senderDir: Dir = p.type === 6 ? dir : dir === 'c2s' ? 's2c' : 'c2s';
    const map = this.pubs[senderDir];
    const pend = map.get(id);
    if (!pend) {
      const call = this.mk(p, name);
      call.kind = 'event';
      call.state = 'complete';
      call.timing.endUs = p.end.tsUs;
      call.fields['mqtt.msgid'] = id;
      call.request = { value: { 'packet-id': id, ...(v5 ? { 'reason-code': code } : {}) }, wireBytes: p.wire };
      call.warnings.push(`${name} for packet identifier ${id} without its PUBLISH in the capture`);
      if (r.error) call.warnings.push(`${name}: ${r.error}`);
      this.session.emit(call);
      return;
    }
    const call = pend.call;
    addFrames(call.frames, p.frames);
    const msgs = (call.messages ??= []);
    if (msgs.length < 16) msgs.push({ dir, index: msgs.filter((m) => m.dir === dir).length, tsUs: p.start.tsUs, size: p.wire, frame: p.frames[p.frames.length - 1], label: name, value: { 'packet-id': id, ...(v5 ? { 'reason-code': code, ...(props ? { properties: props.values } : {}) } : {}) } });
    if (r.error) call.warnings.push(`${name}: ${r.error}`);
    if (p.type !== 6 && call.timing.responseStartUs === undefined) call.timing.responseStartUs = p.start.tsUs;
    call.timing.endUs = p.end.tsUs;
    const finish = (ok: boolean) => {
      map.delete(id);
      call.state = 'complete';
      call.status = { code, text: REASONS[code] ?? `code ${code}`, ok };
      call.fields['mqtt.reason_code'] = code;
      call.response = { value: { handshake: msgs.map((m) => m.label).join(' → '), 'reason-code': code, ...(props ? { properties: props.values } : {}) } };
      this.session.emit(call);
    };
    if (p.type === 4) {
      if (pend.qos !== 1) call.warnings.push(`PUBACK for a QoS ${pend.qos} PUBLISH`);
      finish(code < 0x80);
    } else if (p.type === 5) {
      if (pend.qos !== 2) call.warnings.push(`PUBREC for a QoS ${pend.qos} PUBLISH`);
      pend.stage = 'rec';
      if (code >= 0x80) finish(false);
    } else if (p.type === 6) {
      pend.stage = 'rel';
      if (code >= 0x80) finish(false);
    } else finish(code < 0x80);
  }
}

export const spec: DecoderSpec = {
  id: 'mqtt',
  name: 'MQTT',
  transport: 'tcp',
  ports: [1883, 1884],
  probeOrder: 40,
  probe: (head) => probeMqtt(head),
  create: (session) => new MqttDecoder(session),
};
