/**
 * Twirp routes (wire protocol v7, "URLs"): `[<prefix>]/[<package>.]<Service>/<Method>`, the prefix
 * `/twirp` unless the server chose another or none. Apart from the router so that the HTTP body
 * decoder can ask without importing it.
 */
import { requestPath } from '../http-common/target';

export interface TwirpRoute {
  /** `/twirp`, `/api/rpc`, or '' (no prefix) */
  prefix: string;
  /** `pkg.Service` (package-qualified) or `Service` */
  service: string;
  method: string;
}

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const ROUTE = new RegExp(`^((?:/[^/]+)*)/((?:${IDENT}\\.)*${IDENT})/(${IDENT})$`);
/** No route is longer (prefixes are short; a long path is REST). */
const MAX_ROUTE = 512;

/** A request target's Twirp route, or undefined when its path has not that shape. */
export function twirpRoute(uri: string | undefined): TwirpRoute | undefined {
  if (!uri || uri.length > MAX_ROUTE * 2) return undefined;
  const path = requestPath(uri);
  if (path.length > MAX_ROUTE) return undefined;
  const m = ROUTE.exec(path);
  return m ? { prefix: m[1], service: m[2], method: m[3] } : undefined;
}

export function underTwirp(r: TwirpRoute): boolean {
  return r.prefix === '/twirp' || r.prefix.endsWith('/twirp');
}

/** A route that is Twirp's by its path alone: under `/twirp`, or to a package-qualified service. */
export function plainlyTwirp(r: TwirpRoute): boolean {
  return underTwirp(r) || r.service.includes('.');
}

/**
 * A protobuf body sent to this target is a Twirp message (for the HTTP layer: it keeps such a
 * body's bytes whole for this router instead of decoding it raw; the router takes the same ones).
 */
export function isTwirpProtobufTarget(uri: string | undefined): boolean {
  const r = twirpRoute(uri);
  return !!r && plainlyTwirp(r);
}

