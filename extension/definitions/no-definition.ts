/**
 * The one message for a call with no definition (Go to Definition from the palette, `g d` and the
 * Definition link in the capture editor): what callscope looked for — the kind of definition the
 * call's protocol links to, under the name the linker matches — and how to make it link (which
 * file to put in the workspace, which setting lists more places). Pure: no `vscode`, tested.
 */
import type { Call } from '../../decoders/core/model';

/** Where definition files outside the workspace's own folders are listed. */
export const DEFINITIONS_SETTING = 'callscope.definitions.include';
/** Import roots (and extra places) for .proto files. */
export const PROTO_SETTING = 'callscope.protoPaths';

export interface NoDefinitionHelp {
  /** The notification's text. */
  message: string;
  /** The setting its "Open Settings" button opens. */
  setting: string;
}

const MESSAGING = new Set(['amqp', 'mqtt', 'kafka', 'rabbitstream', 'stomp', 'nats', 'redis', 'zmtp', 'websocket', 'socketio']);
const LABELS: Record<string, string> = { xmlrpc: 'XML-RPC', jsonrpc: 'JSON-RPC', dubbo: 'Dubbo', http: 'HTTP', http2: 'HTTP/2', graphql: 'GraphQL', socketio: 'Socket.IO', trpc: 'tRPC', signalr: 'SignalR' };

/** The call as the message names it: `GET /persons/7`, `/pkg.Svc/Method`, `fun_add`. */
function callName(c: Pick<Call, 'method' | 'target'>): string {
  if (!c.target) return c.method;
  if (c.target === c.method || c.target.endsWith('/' + c.method)) return c.target;
  return `${c.method} ${c.target}`;
}

type CallFacts = Pick<Call, 'protocol' | 'method' | 'target'> & { http?: Pick<NonNullable<Call['http']>, 'method' | 'uri'>; fields?: Call['fields'] };

export function noDefinitionHelp(c: CallFacts): NoDefinitionHelp {
  const name = callName(c);
  const inWorkspace = (what: string) => `put ${what} in the workspace, or add its folder (or a glob) to the ${DEFINITIONS_SETTING} setting`;
  let looked: string;
  let fix: string;
  let setting = DEFINITIONS_SETTING;
  if (c.protocol === 'grpc' || c.protocol === 'grpc-web' || c.protocol === 'connect' || c.protocol === 'twirp') {
    // (a Twirp target has its route's prefix before `/pkg.Service/Method`: the method names the rpc)
    looked = `an rpc ${c.protocol === 'twirp' ? `/${c.method}` : (c.target ?? c.http?.uri ?? c.method)} in a .proto file`;
    fix = `put the .proto file in the workspace, or add its folder to the ${PROTO_SETTING} setting (import roots) or ${DEFINITIONS_SETTING}`;
    setting = PROTO_SETTING;
  } else if (c.protocol === 'thrift') {
    looked = `a service method ${c.method} in a .thrift file`;
    fix = inWorkspace('the .thrift file');
  } else if (c.protocol === 'graphql') {
    const t = c.fields?.['graphql.operation_type'];
    const root = typeof t === 'string' ? `${t[0].toUpperCase()}${t.slice(1)}` : 'Query';
    const field = typeof c.fields?.['graphql.root_fields'] === 'string' ? String(c.fields['graphql.root_fields']).split(', ')[0].replace(/^.*: /, '') : c.method;
    looked = `a field ${field} of the ${root} type in a GraphQL schema (.graphql, .graphqls, .gql)`;
    fix = inWorkspace('the schema file');
  } else if (c.protocol === 'soap') {
    looked = `an operation ${c.method} in a .wsdl file`;
    fix = inWorkspace('the .wsdl file');
  } else if (c.http || c.protocol === 'http' || c.protocol === 'http2') {
    const op = `${c.http?.method ?? c.method} ${c.http?.uri ?? c.target ?? ''}`.trim();
    const rpc = c.protocol !== 'http' && c.protocol !== 'http2' ? ` (${LABELS[c.protocol] ?? c.protocol} has no definition files of its own: callscope matches the HTTP request it travels in)` : '';
    looked = `an OpenAPI 3 or Swagger 2 operation for ${op}${rpc}${rpc ? '' : ' (or a .proto rpc whose google.api.http option binds that path)'}`;
    fix = inWorkspace('the OpenAPI document (YAML or JSON)');
  } else if (MESSAGING.has(c.protocol)) {
    looked = `an AsyncAPI channel for ${c.target ?? c.method}`;
    fix = inWorkspace('the AsyncAPI document (YAML or JSON)');
  } else {
    const proto = LABELS[c.protocol] ?? c.protocol.toUpperCase();
    return {
      message: `callscope: no definition found for ${name}. callscope links gRPC calls to .proto files, Thrift to .thrift, SOAP to .wsdl, GraphQL to its schema, HTTP to OpenAPI and messages to AsyncAPI documents; it reads no definition format for ${proto}.`,
      setting,
    };
  }
  // Decoded with a schema the server sent (gRPC server reflection): readable, but no file to open.
  const learned = c.fields?.['protobuf.schema'] === 'reflection' ? ' Its messages were decoded with the schema the server sent by gRPC server reflection earlier in this capture; that gives field names, not a file to open.' : '';
  return { message: `callscope: no definition found for ${name}. Looked for ${looked} in the workspace and found none.${learned} To link it, ${fix}.`, setting };
}
