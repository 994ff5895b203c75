// fastify-lab.cjs PORT WORKSPACE NODE_MODULES: an order API in Fastify 5 whose OpenAPI document
// @fastify/swagger 9 writes from the routes' JSON Schemas (draft-07, as Fastify's ajv reads them:
// shared schemas by `$id` and `$ref: 'Order#'`, `nullable: true`, type lists with null, numeric
// exclusiveMinimum, const, oneOf, additionalProperties: false, 2xx and default responses, a 204).
// Called with fetch (valid and invalid bodies: Fastify answers 400 from its own validation), the
// document as served written to WORKSPACE/openapi.json, one JSON line per call to stdout. Stops by itself.
const [port, workspace, nodeModules] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const fastify = require(`${nodeModules}/fastify`)({ logger: false });
const fs = require('node:fs');

const main = async () => {
  await fastify.register(require(`${nodeModules}/@fastify/swagger`), {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Orders', version: '3.2.0' },
      servers: [{ url: `http://127.0.0.1:${port}/shop` }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => json.$id || `def-${i}` },
  });
  fastify.addSchema({
    $id: 'Line',
    type: 'object',
    required: ['sku', 'qty'],
    additionalProperties: false,
    properties: { sku: { type: 'string', pattern: '^[A-Z]{3}-[0-9]{4}$' }, qty: { type: 'integer', minimum: 1, maximum: 99 }, gift: { type: 'boolean' } },
  });
  fastify.addSchema({
    $id: 'Order',
    type: 'object',
    required: ['id', 'status', 'lines', 'total'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      status: { type: 'string', enum: ['open', 'paid', 'shipped'] },
      lines: { type: 'array', minItems: 1, items: { $ref: 'Line#' } },
      total: { type: 'number', exclusiveMinimum: 0 },
      coupon: { type: ['string', 'null'] },
      note: { type: 'string', nullable: true },
      paidAt: { type: 'string', format: 'date-time', nullable: true },
      channel: { const: 'web' },
    },
  });
  fastify.addSchema({ $id: 'Problem', type: 'object', required: ['statusCode', 'message'], properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, error: { type: 'string' }, message: { type: 'string' } } });
  const orders = new Map();
  await fastify.register(
    async (app) => {
      app.post('/orders', {
        schema: {
          operationId: 'createOrder',
          body: {
            type: 'object',
            required: ['lines'],
            additionalProperties: false,
            properties: { lines: { type: 'array', minItems: 1, items: { $ref: 'Line#' } }, coupon: { type: ['string', 'null'], maxLength: 12 }, note: { type: 'string', nullable: true } },
          },
          response: { 201: { $ref: 'Order#' }, '4xx': { $ref: 'Problem#' } },
        },
        handler: async (req, reply) => {
          const id = `0b5c1e6a-8d3f-4c2b-9e7a-00000000000${orders.size + 1}`;
          const o = { id, status: 'open', lines: req.body.lines, total: req.body.lines.reduce((n, l) => n + l.qty * 9.5, 0), coupon: req.body.coupon ?? null, note: req.body.note ?? null, paidAt: null, channel: 'web' };
          orders.set(id, o);
          return reply.code(201).send(o);
        },
      });
      app.get('/orders', {
        schema: {
          operationId: 'listOrders',
          querystring: { type: 'object', properties: { status: { type: 'string', enum: ['open', 'paid', 'shipped'] }, limit: { type: 'integer', minimum: 1, default: 10 } } },
          response: { '2xx': { type: 'array', items: { $ref: 'Order#' } } },
        },
        handler: async (req) => [...orders.values()].filter((o) => !req.query.status || o.status === req.query.status).slice(0, req.query.limit),
      });
      app.get('/orders/:id', {
        schema: {
          operationId: 'getOrder',
          params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } },
          response: { 200: { $ref: 'Order#' }, default: { $ref: 'Problem#' } },
        },
        handler: async (req, reply) => orders.get(req.params.id) ?? reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no order ${req.params.id}` }),
      });
      app.post('/orders/:id/payment', {
        schema: {
          operationId: 'payOrder',
          params: { type: 'object', properties: { id: { type: 'string' } } },
          body: {
            oneOf: [
              { type: 'object', required: ['card'], additionalProperties: false, properties: { card: { type: 'string', minLength: 12 } } },
              { type: 'object', required: ['iban'], additionalProperties: false, properties: { iban: { type: 'string', pattern: '^[A-Z]{2}[0-9]{2}' } } },
            ],
          },
          response: { 200: { $ref: 'Order#' }, '4xx': { $ref: 'Problem#' } },
        },
        handler: async (req) => {
          const o = orders.get(req.params.id);
          o.status = 'paid';
          o.paidAt = '2026-11-23T05:30:00.000Z';
          return o;
        },
      });
      app.delete('/orders/:id', {
        schema: { operationId: 'cancelOrder', params: { type: 'object', properties: { id: { type: 'string' } } }, response: { 204: { type: 'null', description: 'cancelled' } } },
        handler: async (req, reply) => {
          orders.delete(req.params.id);
          return reply.code(204).send();
        },
      });
    },
    { prefix: '/shop' },
  );
  fastify.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger());
  await fastify.listen({ port, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  const log = (method, path, status, operationId, invalid = null) => console.log(JSON.stringify({ method, path, status, operationId, invalid }));
  const call = async (method, path, body) => {
    const r = await fetch(base + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, text };
  };
  let r = await call('GET', '/openapi.json');
  fs.writeFileSync(`${workspace}/openapi.json`, r.text);
  log('GET', '/openapi.json', r.status, null);
  r = await call('POST', '/shop/orders', { lines: [{ sku: 'ABC-1234', qty: 2 }, { sku: 'XYZ-0001', qty: 1, gift: true }], coupon: null, note: 'leave at door' });
  log('POST', '/shop/orders', r.status, 'createOrder');
  const id = JSON.parse(r.text).id;
  r = await call('POST', '/shop/orders', { lines: [{ sku: 'ABC-1234', qty: 1 }], coupon: 'WELCOME10' });
  log('POST', '/shop/orders', r.status, 'createOrder');
  r = await call('POST', '/shop/orders', { lines: [{ sku: 'abc', qty: 0 }], coupon: 'A-VERY-LONG-COUPON', extra: 1 });
  log('POST', '/shop/orders', r.status, 'createOrder', 'sku pattern, qty 0 < 1, coupon longer than 12, extra not allowed');
  r = await call('POST', '/shop/orders', { lines: [] });
  log('POST', '/shop/orders', r.status, 'createOrder', 'no lines (minItems 1)');
  r = await call('GET', '/shop/orders');
  log('GET', '/shop/orders', r.status, 'listOrders');
  r = await call('GET', '/shop/orders?status=open&limit=1');
  log('GET', '/shop/orders', r.status, 'listOrders');
  r = await call('GET', `/shop/orders/${id}`);
  log('GET', '/shop/orders/{id}', r.status, 'getOrder');
  r = await call('GET', '/shop/orders/0b5c1e6a-8d3f-4c2b-9e7a-0000000000ff');
  log('GET', '/shop/orders/{id}', r.status, 'getOrder');
  r = await call('POST', `/shop/orders/${id}/payment`, { card: '4242424242424242' });
  log('POST', '/shop/orders/{id}/payment', r.status, 'payOrder');
  r = await call('POST', `/shop/orders/${id}/payment`, { card: '4242', iban: 'FR76' });
  log('POST', '/shop/orders/{id}/payment', r.status, 'payOrder', 'card too short and both card and iban (oneOf matches none)');
  r = await call('DELETE', `/shop/orders/${id}`);
  log('DELETE', '/shop/orders/{id}', r.status, 'cancelOrder');
  r = await call('GET', '/shop/basket');
  log('GET', '/shop/basket', r.status, null);
  await fastify.close();
};
setTimeout(() => process.exit(3), 30000).unref();
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
