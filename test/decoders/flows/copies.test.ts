/**
 * Copies of a packet: `tcpdump -i any` on a host with a bridge, veth pairs and NAT (Docker,
 * Kubernetes) records each segment once per interface it crosses, with the same addresses or
 * translated. Small synthetic captures (SLL2 with an interface index per frame, pcapng with an
 * interface per IDB, SLL v1 without one).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../../decoders/pipeline';
import type { Call, FlowSummary } from '../../../decoders/core/model';
import { nodeEnv } from '../../../cli/platform/node-env';
import { ethernet, epb, idb, pcapFile, pcapngFile, sll, sll2, tcpPacket, udpPacket, type Frame } from '../../helpers/pcap-builder';

function run(file: Uint8Array, chunk = file.length) {
  const calls: Call[] = [];
  const flows: FlowSummary[] = [];
  const p = new Pipeline({ env: nodeEnv() }, { call: (c) => calls.push(c), flow: (f) => flows.push(f) });
  for (let i = 0; i < file.length; i += chunk) p.push(file.subarray(i, i + chunk));
  p.end();
  return { calls, flows };
}

interface Ep {
  ip: string;
  port: number;
}
/** One view of the connection: the addresses it has there and the interface(s) it is captured on. */
interface View {
  client: Ep;
  server: Ep;
  ifindex: number;
  /** µs after the first view's copy */
  delayUs: number;
}
/** [side, seq, ack, flags, payload] */
type Seg = ['c' | 's', number, number, string, string?];

const REQ = 'GET /x HTTP/1.1\r\nHost: h\r\n\r\n';
const RES = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
/**
 * A whole HTTP exchange: ISNs 1000 (client) and 5000 (server). The flow closes at the second FIN:
 * the last ACK is not counted (the pipeline's closed-connection rule), so a flow has 7 packets.
 */
function exchange(isnC = 1000, isnS = 5000): Seg[] {
  const c1 = isnC + 1;
  const s1 = isnS + 1;
  return [
    ['c', isnC, 0, 'S'],
    ['s', isnS, c1, 'SA'],
    ['c', c1, s1, 'A'],
    ['c', c1, s1, 'PA', REQ],
    ['s', s1, c1 + REQ.length, 'PA', RES],
    ['c', c1 + REQ.length, s1 + RES.length, 'FA'],
    ['s', s1 + RES.length, c1 + REQ.length + 1, 'FA'],
    ['c', c1 + REQ.length + 1, s1 + RES.length + 1, 'A'],
  ];
}

/**
 * Frames of the segments, each captured once per view (client → server packets in the order of
 * the views, `delayUs` after the first; server → client ones in the reverse order, the last view's
 * delay less the view's), 1 ms between segments. The IPv4 id is the
 * segment's index (the same in every copy, as a forwarded packet keeps it).
 */
function frames(segs: Seg[], views: View[], o: { t0?: number; idBase?: number } = {}): Array<{ tsUs: number; ifindex: number; data: Uint8Array }> {
  const out: Array<{ tsUs: number; ifindex: number; data: Uint8Array }> = [];
  const last = views[views.length - 1].delayUs;
  segs.forEach(([side, seq, ack, flags, payload], i) => {
    const c = side === 'c';
    for (const v of c ? views : [...views].reverse()) {
      const data = tcpPacket({ src: c ? v.client.ip : v.server.ip, dst: c ? v.server.ip : v.client.ip, sport: c ? v.client.port : v.server.port, dport: c ? v.server.port : v.client.port, seq, ack, flags, payload, ipId: (o.idBase ?? 100) + i });
      out.push({ tsUs: (o.t0 ?? 1_000_000) + 1000 * i + (c ? v.delayUs : last - v.delayUs), ifindex: v.ifindex, data });
    }
  });
  return out;
}

const sll2File = (fs: Array<{ tsUs: number; ifindex: number; data: Uint8Array }>) => pcapFile(fs.map((f) => ({ tsUs: f.tsUs, data: sll2(f.data, { ifindex: f.ifindex }) })), { linkType: 276 });

const C = { ip: '10.99.1.2', port: 40000 };
/** The container's server (no NAT), the same behind a published port (DNAT), and the host's published port. */
const APP = { ip: '10.99.0.2', port: 8080 };
const WEB = { ip: '10.99.0.2', port: 80 };
const PUBLISHED = { ip: '10.99.1.1', port: 28380 };
/** The connection `client` → `server` as captured on each interface: [ifindex, delayUs] pairs. */
const on = (client: Ep, server: Ep, ...at: Array<[number, number]>): View[] => at.map(([ifindex, delayUs]) => ({ client, server, ifindex, delayUs }));

describe('the same segment on three interfaces (container to container over a bridge)', () => {
  // veth of the client container (ifindex 4), the bridge (2), veth of the server container (3)
  const views: View[] = on(C, APP, [4, 0], [2, 20], [3, 40]);
  const segs = exchange();
  const { calls, flows } = run(sll2File(frames(segs, views)));

  it('one call, one flow', () => {
    assert.equal(calls.length, 1);
    assert.equal(calls[0].state, 'complete');
    assert.equal(calls[0].fields['http.status'], 200);
    assert.equal(flows.length, 1);
  });
  it('packets and bytes counted once; the copies counted apart, with their interfaces', () => {
    const f = flows[0];
    assert.equal(f.packets, segs.length - 1);
    assert.equal(f.c2sBytes, REQ.length);
    assert.equal(f.s2cBytes, RES.length);
    // (the last ACK's copies come after the flow closed: dropped, counted on no flow)
    assert.deepEqual(f.copies, { frames: 2 * (segs.length - 1), bytes: 2 * (REQ.length + RES.length), interfaces: ['ifindex 2', 'ifindex 3'] });
    assert.equal(f.alsoSeenAs, undefined);
    assert.equal(calls[0].alsoSeenAs, undefined);
  });
  it('times from the interface where the connection was first seen (the client side)', () => {
    const f = flows[0];
    // SYN at 1 000 000 on ifindex 4, the client's ACK at 1 002 000 there: a SYN copy does not restart the clock
    assert.equal(f.handshakeRttUs, 2000);
    // the response is read where the client sees it (ifindex 4: the last copy, +40 µs)
    assert.equal(calls[0].timing.startUs, 1_003_000);
    assert.equal(calls[0].timing.responseStartUs, 1_004_040);
  });
  it('frame numbers are those of the first interface', () => {
    // 3 frames per segment: the request is frame 10 (segment 3, its first copy), the response frame 15 (segment 4, its last copy)
    assert.deepEqual(calls[0].frames, [10, 15]);
  });
});

describe('DNAT: a published port seen before and after the translation', () => {
  // client → host:28380 on the uplink (ifindex 5), → 10.99.0.2:80 on the bridge (2) and the container's veth (3)
  const views: View[] = [
    ...on(C, PUBLISHED, [5, 0]),
    ...on(C, WEB, [2, 15], [3, 25]),
  ];
  const segs = exchange(0xfffffff0, 77777);
  const { calls, flows } = run(sll2File(frames(segs, views)));

  it('one call on the addresses seen first (the client side)', () => {
    assert.equal(calls.length, 1);
    assert.equal(calls[0].fields['http.status'], 200);
    assert.deepEqual(calls[0].server, { ip: '10.99.1.1', port: 28380 });
    assert.equal(flows.length, 1);
  });
  it('the other addresses are recorded on the flow and the call', () => {
    const seen = [{ client: C, server: { ip: '10.99.0.2', port: 80 }, interfaces: ['ifindex 2', 'ifindex 3'] }];
    assert.deepEqual(flows[0].alsoSeenAs, seen);
    assert.deepEqual(calls[0].alsoSeenAs, seen);
  });
  it('the same when the capture arrives in small chunks (a live pipe)', () => {
    const file = sll2File(frames(segs, views));
    for (const chunk of [1, 7, 61]) assert.deepEqual(JSON.stringify(run(file, chunk)), JSON.stringify({ calls, flows }));
  });
  it('the translated copies are not counted', () => {
    assert.equal(flows[0].packets, segs.length - 1);
    assert.equal(flows[0].s2cBytes, RES.length);
  });
});

describe('SNAT (MASQUERADE): the source address and port change', () => {
  const views: View[] = [
    ...on({ ip: '10.99.0.3', port: 41000 }, { ip: '10.99.1.2', port: 8080 }, [4, 0]),
    ...on({ ip: '10.99.1.1', port: 61000 }, { ip: '10.99.1.2', port: 8080 }, [5, 30]),
  ];
  const { calls, flows } = run(sll2File(frames(exchange(), views)));
  it('one call from the container, also seen as the host', () => {
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0].client, { ip: '10.99.0.3', port: 41000 });
    assert.deepEqual(flows[0].alsoSeenAs, [{ client: { ip: '10.99.1.1', port: 61000 }, server: { ip: '10.99.1.2', port: 8080 }, interfaces: ['ifindex 5'] }]);
  });
});

describe('two different connections are never merged', () => {
  it('the same ports from two clients at the same moment, other sequence numbers', () => {
    const a: View[] = on({ ip: '10.0.0.1', port: 40000 }, { ip: '10.0.0.9', port: 8080 }, [2, 0], [3, 10]);
    const b: View[] = on({ ip: '10.0.0.2', port: 40000 }, { ip: '10.0.0.9', port: 8080 }, [4, 0], [3, 10]);
    // same IPv4 ids, same lengths and flags, 100 µs apart: only the sequence numbers differ
    const fa = frames(exchange(1000, 5000), a);
    const fb = frames(exchange(2000, 9000), b, { t0: 1_000_100 });
    const all = [...fa, ...fb].sort((x, y) => x.tsUs - y.tsUs);
    const { calls, flows } = run(sll2File(all));
    assert.equal(calls.length, 2);
    assert.deepEqual(calls.map((c) => c.client.ip).sort(), ['10.0.0.1', '10.0.0.2']);
    assert.equal(flows.length, 2);
    for (const f of flows) {
      assert.equal(f.alsoSeenAs, undefined);
      assert.equal(f.packets, 7);
    }
  });
  it('a new connection on the ports of a translated one (another ISN) is a connection of its own', () => {
    const views: View[] = [
      ...on(C, PUBLISHED, [5, 0]),
      ...on(C, WEB, [2, 15]),
    ];
    // the first through NAT; 2 s later the same client port straight to the container (no copy on ifindex 5)
    const first = frames(exchange(1000, 5000), views);
    const second = frames(exchange(300000, 900000), [views[1]], { t0: 3_000_000, idBase: 500 });
    const { calls, flows } = run(sll2File([...first, ...second]));
    assert.equal(calls.length, 2);
    assert.deepEqual(
      calls.map((c) => c.server.ip),
      ['10.99.1.1', '10.99.0.2'],
    );
    assert.equal(flows.length, 2);
  });
  it('the sender retransmitting a segment (a new IPv4 id) is still a retransmission, not a copy', () => {
    const views: View[] = on(C, APP, [2, 0]);
    const fs = frames(exchange(), views);
    // the request again 5 ms later, id 999
    const again = tcpPacket({ src: C.ip, dst: '10.99.0.2', sport: C.port, dport: 8080, seq: 1001, ack: 5001, flags: 'PA', payload: REQ, ipId: 999 });
    fs.splice(4, 0, { tsUs: fs[3].tsUs + 5000, ifindex: 2, data: again });
    const { flows } = run(sll2File(fs));
    assert.equal(flows[0].packets, 8);
    assert.equal(flows[0].c2sBytes, 2 * REQ.length);
    assert.equal(flows[0].copies, undefined);
  });
});

describe('a connection the capture joined late', () => {
  // no handshake: the request and response and the close, through DNAT, on two interfaces
  const segs = exchange().slice(3);
  const views: View[] = [
    ...on(C, PUBLISHED, [5, 0]),
    ...on(C, WEB, [3, 20]),
  ];
  it('its copies are recognised by sequence and acknowledgement numbers: one call, the NAT recorded', () => {
    const { calls, flows } = run(sll2File(frames(segs, views)));
    assert.equal(calls.length, 1);
    assert.equal(calls[0].fields['http.status'], 200);
    assert.equal(flows.length, 1);
    assert.equal(flows[0].synSeen, false);
    assert.deepEqual(flows[0].alsoSeenAs?.[0].server, { ip: '10.99.0.2', port: 80 });
    assert.equal(flows[0].packets, segs.length - 1);
  });
  it('the same with the same addresses on both interfaces (pcapng, one interface per IDB, Ethernet)', () => {
    const same: View[] = on(C, WEB, [0, 0], [1, 20]);
    const fs = frames(segs, same);
    const file = pcapngFile([{ blocks: [idb({ linkType: 1, name: 'veth1' }), idb({ linkType: 1, name: 'br0' }), ...fs.map((f) => epb({ interfaceId: f.ifindex, tsUs: f.tsUs, data: ethernet(f.data) }))] }]);
    const { calls, flows } = run(file);
    assert.equal(calls.length, 1);
    assert.equal(flows.length, 1);
    assert.equal(flows[0].packets, segs.length - 1);
    assert.deepEqual(flows[0].copies?.interfaces, ['br0']);
  });
});

describe('interfaces written one after the other (dumpcap with several -i: not in time order)', () => {
  it('the copies coming after the connection closed open no flow of their own', () => {
    const views: View[] = [
      ...on(C, PUBLISHED, [5, 0]),
      ...on(C, WEB, [2, 15]),
    ];
    const fs = frames(exchange(), views);
    const ordered = [...fs.filter((f) => f.ifindex === 5), ...fs.filter((f) => f.ifindex === 2)];
    const { calls, flows } = run(sll2File(ordered));
    assert.equal(calls.length, 1);
    assert.equal(flows.length, 1);
  });
});

describe('IPv6 (no Identification field)', () => {
  it('copies on two interfaces are told by sequence and acknowledgement numbers, flags and length', () => {
    const v6 = { ip: 'fd00:99::3', port: 40000 };
    const views: View[] = on(v6, { ip: 'fd00:99::2', port: 8080 }, [4, 0], [3, 20]);
    const { calls, flows } = run(sll2File(frames(exchange(), views)));
    assert.equal(calls.length, 1);
    assert.equal(flows.length, 1);
    assert.equal(flows[0].packets, 7);
    assert.deepEqual(flows[0].copies?.interfaces, ['ifindex 3']);
  });
});

describe('UDP: a DNS lookup through a translated address (a Kubernetes DNS service)', () => {
  // the pod's veth (ifindex 4) sees 10.244.0.5 → 10.96.0.10:53, the DNS pod's veth (3) the same after DNAT to 10.244.0.9:53
  const name = [7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0];
  const query = Uint8Array.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...name, 0, 1, 0, 1]);
  const answer = Uint8Array.from([0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, ...name, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 34]);
  const pod = { ip: '10.244.0.5', port: 45000 };
  const dg = (src: Ep, dst: Ep, payload: Uint8Array, id: number) => udpPacket({ src: src.ip, dst: dst.ip, sport: src.port, dport: dst.port, payload, ipId: id });
  const svc = { ip: '10.96.0.10', port: 53 };
  const dns = { ip: '10.244.0.9', port: 53 };
  const fs = [
    { tsUs: 1_000_000, ifindex: 4, data: dg(pod, svc, query, 7) },
    { tsUs: 1_000_030, ifindex: 3, data: dg(pod, dns, query, 7) },
    { tsUs: 1_000_300, ifindex: 3, data: dg(dns, pod, answer, 900) },
    { tsUs: 1_000_330, ifindex: 4, data: dg(svc, pod, answer, 900) },
  ];
  it('one call, on the addresses the pod used; the DNS pod\'s named', () => {
    const { calls, flows } = run(sll2File(fs));
    assert.equal(calls.length, 1);
    assert.equal(calls[0].protocol, 'dns');
    assert.deepEqual(calls[0].server, svc);
    assert.deepEqual(calls[0].alsoSeenAs, [{ client: pod, server: dns, interfaces: ['ifindex 3'] }]);
    assert.equal(flows.length, 1);
    assert.equal(flows[0].packets, 2);
  });
  it('two lookups with the same question from two source ports stay two', () => {
    const other = { ip: '10.244.0.5', port: 45001 };
    const two = [...fs, { tsUs: 1_000_400, ifindex: 4, data: dg(other, svc, query, 8) }, { tsUs: 1_000_700, ifindex: 4, data: dg(svc, other, answer, 901) }];
    const { calls } = run(sll2File(two));
    assert.equal(calls.length, 2);
  });
});

describe('Linux cooked v1 (no interface in the header)', () => {
  it('copies are told by their fields alone', () => {
    const views: View[] = on(C, APP, [4, 0], [3, 20]);
    const fs = frames(exchange(), views);
    const { calls, flows } = run(pcapFile(fs.map((f) => ({ tsUs: f.tsUs, data: sll(f.data) })), { linkType: 113 }));
    assert.equal(calls.length, 1);
    assert.equal(flows[0].packets, 7);
    // (the server's FIN closed the flow at its first copy: its second one is counted on no flow)
    assert.deepEqual(flows[0].copies, { frames: 6, bytes: REQ.length + RES.length, interfaces: [] });
  });
});

describe('an ordinary capture (one Ethernet interface) is read as before', () => {
  it('a packet recorded twice there (a SPAN port) still counts twice', () => {
    const views: View[] = on(C, APP, [0, 0]);
    const fs: Frame[] = frames(exchange(), views).flatMap((f) => [
      { tsUs: f.tsUs, data: ethernet(f.data) },
      { tsUs: f.tsUs + 5, data: ethernet(f.data) },
    ]);
    const { calls, flows } = run(pcapFile(fs));
    assert.equal(calls.length, 1);
    // (the second FIN's copy and the last ACK's two come after the flow closed: not counted, as before)
    assert.equal(flows[0].packets, 13);
    assert.equal(flows[0].copies, undefined);
  });
});

describe('pcapng sections: interface ids count from 0 again in each (pcapng spec §4.2, §4.3)', () => {
  const segs = exchange();
  it('dumpcap ring-buffer files put together with cat: each section describes lo again, nothing is a copy', () => {
    const fs = frames(segs, on(C, APP, [0, 0]));
    const lo = () => idb({ linkType: 1, name: 'lo' });
    const veth = () => idb({ linkType: 1, name: 'veth9' });
    // (a second interface in the first section turns the copy check on)
    const block = (f: (typeof fs)[number]) => epb({ interfaceId: 0, tsUs: f.tsUs, data: ethernet(f.data) });
    const file = pcapngFile([{ blocks: [lo(), veth(), ...fs.slice(0, 4).map(block)] }, { blocks: [lo(), ...fs.slice(4).map(block)] }]);
    const { calls, flows } = run(file);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].fields['http.status'], 200);
    assert.equal(flows.length, 1);
    assert.equal(flows[0].packets, segs.length - 1);
    assert.equal(flows[0].copies, undefined);
  });
  it('a later section listing the same interfaces in another order: each copy named by its interface, not by its id', () => {
    const fs = frames(segs, on(C, WEB, [0, 0], [1, 20]));
    const names = ['veth1', 'br0'];
    // section 1 describes br0 first: its id 0 is br0 there
    const second = (ifindex: number) => 1 - ifindex;
    const file = pcapngFile([
      { blocks: [idb({ linkType: 1, name: names[0] }), idb({ linkType: 1, name: names[1] }), ...fs.slice(0, 6).map((f) => epb({ interfaceId: f.ifindex, tsUs: f.tsUs, data: ethernet(f.data) }))] },
      { blocks: [idb({ linkType: 1, name: names[1] }), idb({ linkType: 1, name: names[0] }), ...fs.slice(6).map((f) => epb({ interfaceId: second(f.ifindex), tsUs: f.tsUs, data: ethernet(f.data) }))] },
    ]);
    const { calls, flows } = run(file);
    assert.equal(calls.length, 1);
    assert.equal(flows.length, 1);
    assert.equal(flows[0].packets, segs.length - 1);
    assert.deepEqual(flows[0].copies?.interfaces, ['br0']);
    assert.equal(flows[0].copies?.frames, segs.length - 1);
  });
});
