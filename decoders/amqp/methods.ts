/**
 * AMQP 0-9-1 method table (amqp0-9-1.xml, with RabbitMQ's extensions: connection.blocked /
 * unblocked / update-secret, basic.nack, confirm class, exchange.bind / unbind).
 * Arguments are written `name:type`; types: octet short long longlong shortstr longstr bit table.
 * `reserved-*` arguments are read and not shown.
 */

export type ArgType = 'octet' | 'short' | 'long' | 'longlong' | 'shortstr' | 'longstr' | 'bit' | 'table';

export interface MethodDef {
  name: string;
  args: Array<[string, ArgType]>;
  /** Names of the methods that answer this one (synchronous request). */
  replies?: string[];
  /** Carries content (header + body frames follow). */
  content?: boolean;
}

const CLASSES: Record<number, string> = { 10: 'connection', 20: 'channel', 40: 'exchange', 50: 'queue', 60: 'basic', 85: 'confirm', 90: 'tx' };

function parse(args: string): Array<[string, ArgType]> {
  return args
    .split(/\s+/)
    .filter(Boolean)
    .map((a) => {
      const [n, t] = a.split(':');
      return [n, t as ArgType];
    });
}

const CLOSE = 'reply-code:short reply-text:shortstr class-id:short method-id:short';
const RAW: Array<[number, number, string, string, string?, boolean?]> = [
  // class, method, name, args, replies (comma-separated), content
  [10, 10, 'start', 'version-major:octet version-minor:octet server-properties:table mechanisms:longstr locales:longstr', 'start-ok'],
  [10, 11, 'start-ok', 'client-properties:table mechanism:shortstr response:longstr locale:shortstr'],
  [10, 20, 'secure', 'challenge:longstr', 'secure-ok'],
  [10, 21, 'secure-ok', 'response:longstr'],
  [10, 30, 'tune', 'channel-max:short frame-max:long heartbeat:short', 'tune-ok'],
  [10, 31, 'tune-ok', 'channel-max:short frame-max:long heartbeat:short'],
  [10, 40, 'open', 'virtual-host:shortstr reserved-1:shortstr reserved-2:bit', 'open-ok'],
  [10, 41, 'open-ok', 'reserved-1:shortstr'],
  [10, 50, 'close', CLOSE, 'close-ok'],
  [10, 51, 'close-ok', ''],
  [10, 60, 'blocked', 'reason:shortstr'],
  [10, 61, 'unblocked', ''],
  [10, 70, 'update-secret', 'new-secret:longstr reason:shortstr', 'update-secret-ok'],
  [10, 71, 'update-secret-ok', ''],
  [20, 10, 'open', 'reserved-1:shortstr', 'open-ok'],
  [20, 11, 'open-ok', 'reserved-1:longstr'],
  [20, 20, 'flow', 'active:bit', 'flow-ok'],
  [20, 21, 'flow-ok', 'active:bit'],
  [20, 40, 'close', CLOSE, 'close-ok'],
  [20, 41, 'close-ok', ''],
  [40, 10, 'declare', 'reserved-1:short exchange:shortstr type:shortstr passive:bit durable:bit auto-delete:bit internal:bit no-wait:bit arguments:table', 'declare-ok'],
  [40, 11, 'declare-ok', ''],
  [40, 20, 'delete', 'reserved-1:short exchange:shortstr if-unused:bit no-wait:bit', 'delete-ok'],
  [40, 21, 'delete-ok', ''],
  [40, 30, 'bind', 'reserved-1:short destination:shortstr source:shortstr routing-key:shortstr no-wait:bit arguments:table', 'bind-ok'],
  [40, 31, 'bind-ok', ''],
  [40, 40, 'unbind', 'reserved-1:short destination:shortstr source:shortstr routing-key:shortstr no-wait:bit arguments:table', 'unbind-ok'],
  [40, 51, 'unbind-ok', ''],
  [50, 10, 'declare', 'reserved-1:short queue:shortstr passive:bit durable:bit exclusive:bit auto-delete:bit no-wait:bit arguments:table', 'declare-ok'],
  [50, 11, 'declare-ok', 'queue:shortstr message-count:long consumer-count:long'],
  [50, 20, 'bind', 'reserved-1:short queue:shortstr exchange:shortstr routing-key:shortstr no-wait:bit arguments:table', 'bind-ok'],
  [50, 21, 'bind-ok', ''],
  [50, 30, 'purge', 'reserved-1:short queue:shortstr no-wait:bit', 'purge-ok'],
  [50, 31, 'purge-ok', 'message-count:long'],
  [50, 40, 'delete', 'reserved-1:short queue:shortstr if-unused:bit if-empty:bit no-wait:bit', 'delete-ok'],
  [50, 41, 'delete-ok', 'message-count:long'],
  [50, 50, 'unbind', 'reserved-1:short queue:shortstr exchange:shortstr routing-key:shortstr arguments:table', 'unbind-ok'],
  [50, 51, 'unbind-ok', ''],
  [60, 10, 'qos', 'prefetch-size:long prefetch-count:short global:bit', 'qos-ok'],
  [60, 11, 'qos-ok', ''],
  [60, 20, 'consume', 'reserved-1:short queue:shortstr consumer-tag:shortstr no-local:bit no-ack:bit exclusive:bit no-wait:bit arguments:table', 'consume-ok'],
  [60, 21, 'consume-ok', 'consumer-tag:shortstr'],
  [60, 30, 'cancel', 'consumer-tag:shortstr no-wait:bit', 'cancel-ok'],
  [60, 31, 'cancel-ok', 'consumer-tag:shortstr'],
  [60, 40, 'publish', 'reserved-1:short exchange:shortstr routing-key:shortstr mandatory:bit immediate:bit', undefined, true],
  [60, 50, 'return', 'reply-code:short reply-text:shortstr exchange:shortstr routing-key:shortstr', undefined, true],
  [60, 60, 'deliver', 'consumer-tag:shortstr delivery-tag:longlong redelivered:bit exchange:shortstr routing-key:shortstr', undefined, true],
  [60, 70, 'get', 'reserved-1:short queue:shortstr no-ack:bit', 'get-ok,get-empty'],
  [60, 71, 'get-ok', 'delivery-tag:longlong redelivered:bit exchange:shortstr routing-key:shortstr message-count:long', undefined, true],
  [60, 72, 'get-empty', 'reserved-1:shortstr'],
  [60, 80, 'ack', 'delivery-tag:longlong multiple:bit'],
  [60, 90, 'reject', 'delivery-tag:longlong requeue:bit'],
  [60, 100, 'recover-async', 'requeue:bit'],
  [60, 110, 'recover', 'requeue:bit', 'recover-ok'],
  [60, 111, 'recover-ok', ''],
  [60, 120, 'nack', 'delivery-tag:longlong multiple:bit requeue:bit'],
  [85, 10, 'select', 'no-wait:bit', 'select-ok'],
  [85, 11, 'select-ok', ''],
  [90, 10, 'select', '', 'select-ok'],
  [90, 11, 'select-ok', ''],
  [90, 20, 'commit', '', 'commit-ok'],
  [90, 21, 'commit-ok', ''],
  [90, 30, 'rollback', '', 'rollback-ok'],
  [90, 31, 'rollback-ok', ''],
];

export const METHODS = new Map<number, MethodDef>();
for (const [c, m, name, args, replies, content] of RAW) {
  const cls = CLASSES[c];
  METHODS.set(c * 65536 + m, {
    name: `${cls}.${name}`,
    args: parse(args),
    replies: replies?.split(',').map((r) => `${cls}.${r}`),
    content: content ?? false,
  });
}

/** Method name → the request methods it answers. */
export const REQUEST_OF = new Map<string, string[]>();
for (const def of METHODS.values()) {
  for (const r of def.replies ?? []) {
    const list = REQUEST_OF.get(r) ?? [];
    list.push(def.name);
    REQUEST_OF.set(r, list);
  }
}

export function methodDef(classId: number, methodId: number): MethodDef | undefined {
  return METHODS.get(classId * 65536 + methodId);
}

/**
 * AMQP 0-8 as RabbitMQ speaks it (protocol header `AMQP 1 1 8 0`; the 1.x RabbitMQ.Client's default, still
 * packaged by Debian for Mono): the 0-9-1 table but for the methods 0-8 numbers or shapes otherwise
 * (amqp0-8.xml) — connection.close / close-ok are 10/60 and 10/61 (0-9-1's blocked / unblocked),
 * connection.redirect is 10/50 (0-9-1's close), channel.open-ok carries nothing, basic.consume has no
 * `arguments` table. (AMQP 0-9, header `AMQP 1 1 0 9`, numbers RabbitMQ's methods as 0-9-1 does.)
 */
const AMQP_0_8 = new Map<number, MethodDef>([
  [10 * 65536 + 50, { name: 'connection.redirect', args: parse('host:shortstr known-hosts:shortstr') }],
  [10 * 65536 + 60, { ...METHODS.get(10 * 65536 + 50)! }],
  [10 * 65536 + 61, { ...METHODS.get(10 * 65536 + 51)! }],
  [20 * 65536 + 11, { name: 'channel.open-ok', args: [] }],
  [60 * 65536 + 20, { ...METHODS.get(60 * 65536 + 20)!, args: METHODS.get(60 * 65536 + 20)!.args.filter(([n]) => n !== 'arguments') }],
]);

/** The method of a connection that speaks `version` ('0-8': AMQP_0_8's differences; else 0-9-1's table). */
export function methodDefOf(version: '0-8' | undefined, classId: number, methodId: number): MethodDef | undefined {
  return (version === '0-8' ? AMQP_0_8.get(classId * 65536 + methodId) : undefined) ?? METHODS.get(classId * 65536 + methodId);
}

export function className(classId: number): string {
  return CLASSES[classId] ?? `class-${classId}`;
}

/** Reply codes (amqp0-9-1.xml constants). */
export const REPLY_CODES: Record<number, string> = {
  200: 'reply-success',
  311: 'content-too-large',
  312: 'no-route',
  313: 'no-consumers',
  320: 'connection-forced',
  402: 'invalid-path',
  403: 'access-refused',
  404: 'not-found',
  405: 'resource-locked',
  406: 'precondition-failed',
  501: 'frame-error',
  502: 'syntax-error',
  503: 'command-invalid',
  504: 'channel-error',
  505: 'unexpected-frame',
  506: 'resource-error',
  530: 'not-allowed',
  540: 'not-implemented',
  541: 'internal-error',
};

/** Basic content properties in flag-bit order (bit 15 first). */
export const BASIC_PROPERTIES: Array<[string, 'shortstr' | 'table' | 'octet' | 'longlong']> = [
  ['content-type', 'shortstr'],
  ['content-encoding', 'shortstr'],
  ['headers', 'table'],
  ['delivery-mode', 'octet'],
  ['priority', 'octet'],
  ['correlation-id', 'shortstr'],
  ['reply-to', 'shortstr'],
  ['expiration', 'shortstr'],
  ['message-id', 'shortstr'],
  ['timestamp', 'longlong'],
  ['type', 'shortstr'],
  ['user-id', 'shortstr'],
  ['app-id', 'shortstr'],
  ['cluster-id', 'shortstr'],
];
