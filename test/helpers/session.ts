/**
 * A fake DecoderSession for unit tests: collects calls and warnings, resolves hand-offs
 * through the real registry.
 */
import type { CaptureScope, DecoderSession, FlowInfo, Position, StreamDecoder } from '../../decoders/core/decoder';
import type { Call } from '../../decoders/core/model';
import type { DecoderEnv } from '../../decoders/core/env';
import { nodeEnv } from '../../cli/platform/node-env';
import { newCallOn } from '../../decoders/core/call';

export interface TestSession extends DecoderSession {
  calls: Call[];
  warnings: string[];
  handoffs: Array<{ id: string; init?: unknown }>;
}

export function testSession(opts: { env?: DecoderEnv; flow?: Partial<FlowInfo>; capture?: CaptureScope; resolveHandoff?: (id: string, s: DecoderSession, init?: unknown) => StreamDecoder | undefined } = {}): TestSession {
  let nextId = 1;
  const flow: FlowInfo = {
    id: 1,
    transport: 'tcp',
    client: { ip: '127.0.0.1', port: 50000 },
    server: { ip: '127.0.0.1', port: 8080 },
    ...opts.flow,
  };
  const byId = new Map<number, number>();
  const s: TestSession = {
    flow,
    env: opts.env ?? nodeEnv(),
    capture: opts.capture,
    calls: [],
    warnings: [],
    handoffs: [],
    nextCallId: () => nextId++,
    emit(call) {
      const i = byId.get(call.id);
      if (i === undefined) {
        byId.set(call.id, s.calls.length);
        s.calls.push(call);
      } else s.calls[i] = call;
    },
    warn(message) {
      s.warnings.push(message);
    },
    handoff(id, init) {
      s.handoffs.push({ id, init });
      return opts.resolveHandoff?.(id, s, init);
    },
    newCall(protocol, at: Position): Call {
      return newCallOn(flow, s.nextCallId(), protocol, at);
    },
  };
  return s;
}

/** Feed a decoder with one direction's bytes, optionally split every `step` bytes. */
export function at(frame = 1, tsUs = 1_000_000, streamOffset = 0): Position {
  return { frame, tsUs, streamOffset };
}
