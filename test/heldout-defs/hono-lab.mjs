// hono-lab.mjs PORT WORKSPACE NODE_MODULES: a booking API in Hono with @hono/zod-openapi, whose
// OpenAPI 3.1.0 document (`app.doc31`) zod-to-openapi writes from zod schemas — nullable fields as
// type lists with null, a nullable reference as anyOf [$ref, {type: null}], a discriminated union
// (oneOf + discriminator), z.literal as const, bounds, regex, uuid/email/datetime formats, coerced
// query numbers, a 201, a 204 and 400s from the route's own validation (defaultHook). Served by
// @hono/node-server, called with fetch (valid and invalid requests), the document as served written to
// WORKSPACE/openapi.json, one JSON line per call to stdout. Stops by itself.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [port, workspace, nodeModules] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const require = createRequire(`${nodeModules}/`);
const { OpenAPIHono, createRoute, z } = await import(require.resolve('@hono/zod-openapi'));
const { serve } = await import(require.resolve('@hono/node-server'));

const Guest = z.object({ name: z.string().min(1), email: z.string().email() }).openapi('Guest');
const Room = z.object({ kind: z.literal('room'), number: z.number().int().min(1), beds: z.number().int().min(1).max(4) }).openapi('Room');
const Desk = z.object({ kind: z.literal('desk'), floor: z.number().int(), monitor: z.boolean() }).openapi('Desk');
const Booking = z
  .object({
    id: z.string().uuid(),
    guest: Guest,
    space: z.discriminatedUnion('kind', [Room, Desk]),
    nights: z.number().int().min(1).max(30),
    code: z.string().regex(/^[A-Z]{3}[0-9]{3}$/),
    note: z.string().max(40).nullable(),
    sponsor: Guest.nullable(),
    createdAt: z.string().datetime(),
    status: z.enum(['held', 'confirmed', 'cancelled']),
  })
  .openapi('Booking');
const NewBooking = Booking.omit({ id: true, createdAt: true, status: true }).openapi('NewBooking');
const Problem = z.object({ success: z.literal(false), error: z.object({ name: z.string(), message: z.string() }).passthrough() }).openapi('Problem');

const app = new OpenAPIHono({
  defaultHook: (result, c) => (result.success ? undefined : c.json({ success: false, error: { name: result.error.name, message: result.error.message } }, 400)),
});
const bookings = new Map();
const json = (schema, description = 'ok') => ({ content: { 'application/json': { schema } }, description });

app.openapi(
  createRoute({ method: 'post', path: '/bookings', operationId: 'createBooking', request: { body: { content: { 'application/json': { schema: NewBooking } }, required: true } }, responses: { 201: json(Booking), 400: json(Problem) } }),
  (c) => {
    const b = { id: `7b0f7a6e-3c1d-4e8b-9a55-00000000000${bookings.size + 1}`, ...c.req.valid('json'), createdAt: '2026-11-23T05:40:00.000Z', status: 'held' };
    bookings.set(b.id, b);
    return c.json(b, 201);
  },
);
app.openapi(
  createRoute({
    method: 'get',
    path: '/bookings',
    operationId: 'listBookings',
    request: { query: z.object({ status: z.enum(['held', 'confirmed', 'cancelled']).optional(), limit: z.coerce.number().int().min(1).max(50).optional() }) },
    responses: { 200: json(z.array(Booking)), 400: json(Problem) },
  }),
  (c) => {
    const q = c.req.valid('query');
    return c.json([...bookings.values()].filter((b) => !q.status || b.status === q.status).slice(0, q.limit ?? 50), 200);
  },
);
app.openapi(
  createRoute({ method: 'get', path: '/bookings/{id}', operationId: 'getBooking', request: { params: z.object({ id: z.string().uuid() }) }, responses: { 200: json(Booking), 400: json(Problem), 404: json(Problem) } }),
  (c) => {
    const b = bookings.get(c.req.valid('param').id);
    return b ? c.json(b, 200) : c.json({ success: false, error: { name: 'NotFound', message: 'no booking' } }, 404);
  },
);
app.openapi(createRoute({ method: 'delete', path: '/bookings/{id}', operationId: 'cancelBooking', request: { params: z.object({ id: z.string().uuid() }) }, responses: { 204: { description: 'cancelled' }, 400: json(Problem) } }), (c) => {
  bookings.delete(c.req.valid('param').id);
  return c.body(null, 204);
});
app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'Bookings', version: '0.9.0' } });

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
setTimeout(() => process.exit(3), 30000).unref();
const base = `http://127.0.0.1:${port}`;
const log = (method, path, status, operationId, invalid = null) => console.log(JSON.stringify({ method, path, status, operationId, invalid }));
const call = async (method, path, body) => {
  const r = await fetch(base + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, text: await r.text() };
};
await new Promise((r) => setTimeout(r, 200));
let r = await call('GET', '/openapi.json');
writeFileSync(`${workspace}/openapi.json`, r.text);
log('GET', '/openapi.json', r.status, null);
const guest = { name: 'Ada', email: 'ada@example.org' };
r = await call('POST', '/bookings', { guest, space: { kind: 'room', number: 12, beds: 2 }, nights: 3, code: 'ABC123', note: null, sponsor: null });
log('POST', '/bookings', r.status, 'createBooking');
const id = JSON.parse(r.text).id;
r = await call('POST', '/bookings', { guest, space: { kind: 'desk', floor: 2, monitor: true }, nights: 1, code: 'XYZ999', note: 'window', sponsor: { name: 'Acme', email: 'pay@acme.example' } });
log('POST', '/bookings', r.status, 'createBooking');
r = await call('POST', '/bookings', { guest: { name: '', email: 'nope' }, space: { kind: 'room', number: 0, beds: 9 }, nights: 31, code: 'abc', note: 'x'.repeat(41), sponsor: null });
log('POST', '/bookings', r.status, 'createBooking', 'name empty, email invalid, room number 0, beds 9, nights 31, code pattern, note too long');
r = await call('POST', '/bookings', { guest, space: { kind: 'boat' }, nights: 2, code: 'ABC123', note: null, sponsor: null });
log('POST', '/bookings', r.status, 'createBooking', 'space kind boat names no schema of the discriminated union');
r = await call('GET', '/bookings');
log('GET', '/bookings', r.status, 'listBookings');
r = await call('GET', '/bookings?status=held&limit=1');
log('GET', '/bookings', r.status, 'listBookings');
r = await call('GET', '/bookings?limit=0');
log('GET', '/bookings', r.status, 'listBookings', 'query parameter limit 0 < 1');
r = await call('GET', `/bookings/${id}`);
log('GET', '/bookings/{id}', r.status, 'getBooking');
r = await call('GET', '/bookings/7b0f7a6e-3c1d-4e8b-9a55-0000000000ff');
log('GET', '/bookings/{id}', r.status, 'getBooking');
r = await call('GET', '/bookings/42');
log('GET', '/bookings/{id}', r.status, 'getBooking', 'path parameter id 42 not a uuid');
r = await call('DELETE', `/bookings/${id}`);
log('DELETE', '/bookings/{id}', r.status, 'cancelBooking');
r = await call('GET', '/rooms');
log('GET', '/rooms', r.status, null);
server.close();
