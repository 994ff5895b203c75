// MCP (Model Context Protocol) over Streamable HTTP: the official TypeScript SDK's McpServer on
// node:http (StreamableHTTPServerTransport, stateful sessions) and its Client
// (StreamableHTTPClientTransport): initialize, tools/list, tools/call (a result and a tool error),
// resources/read, a notification, and an unknown method. Usage: node lab.cjs PORT (exits by itself)
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { StreamableHTTPServerTransport } = require('@modelcontextprotocol/sdk/server/streamableHttp.js');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { z } = require('zod');
const port = Number(process.argv[2] || 22110);

const transports = new Map();
function newServer() {
  const s = new McpServer({ name: 'person-api', version: '1.0.0' });
  s.tool('add', { a: z.number(), b: z.number() }, async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }));
  s.tool('readPerson', { id: z.string() }, async ({ id }) => (id === '1234' ? { content: [{ type: 'text', text: JSON.stringify({ id, name: 'Ada Lovelace' }) }] } : { isError: true, content: [{ type: 'text', text: `no person ${id}` }] }));
  s.resource('motd', 'memo://motd', async (uri) => ({ contents: [{ uri: uri.href, text: 'hello from the resource' }] }));
  return s;
}
const server = http.createServer(async (req, res) => {
  let body = '';
  for await (const c of req) body += c;
  const parsed = body ? JSON.parse(body) : undefined;
  const sid = req.headers['mcp-session-id'];
  let t = sid ? transports.get(sid) : undefined;
  if (!t) {
    t = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (id) => transports.set(id, t) });
    await newServer().connect(t);
  }
  await t.handleRequest(req, res, parsed);
});
server.listen(port, '127.0.0.1', async () => {
  const client = new Client({ name: 'callscope-lab', version: '0.1.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  console.log('tools', (await client.listTools()).tools.map((t) => t.name));
  console.log('add', JSON.stringify(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })));
  console.log('readPerson', JSON.stringify(await client.callTool({ name: 'readPerson', arguments: { id: '9' } })));
  console.log('motd', JSON.stringify(await client.readResource({ uri: 'memo://motd' })));
  try {
    await client.request({ method: 'nope/nothing', params: {} }, z.any());
  } catch (e) {
    console.log('error', e.code, e.message);
  }
  await client.close();
  server.close();
  setTimeout(() => process.exit(0), 200);
});
setTimeout(() => process.exit(3), 15000).unref();
