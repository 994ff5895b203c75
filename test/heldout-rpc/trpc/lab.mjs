// Held-out tRPC: tRPC 11 standalone server and client (httpLink, httpBatchLink; a NOT_FOUND, a zod validation error). Usage: node lab.mjs PORT
import { initTRPC, TRPCError } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { createTRPCClient, httpLink, httpBatchLink } from '@trpc/client';
import { z } from 'zod';
const port = Number(process.argv[2] || 22080);
const t = initTRPC.create();
const people = new Map([['1', { id: '1', name: 'Ada' }]]);
const router = t.router({
  person: t.router({
    byId: t.procedure.input(z.object({ id: z.string() })).query(({ input }) => {
      const p = people.get(input.id);
      if (!p) throw new TRPCError({ code: 'NOT_FOUND', message: `no person ${input.id}` });
      return p;
    }),
    create: t.procedure.input(z.object({ name: z.string().min(1) })).mutation(({ input }) => {
      const p = { id: String(people.size + 1), name: input.name };
      people.set(p.id, p);
      return p;
    }),
  }),
  hello: t.procedure.query(() => 'world'),
});
const server = createHTTPServer({ router });
server.listen(port, '127.0.0.1');
const url = `http://127.0.0.1:${port}`;
const single = createTRPCClient({ links: [httpLink({ url })] });
const batch = createTRPCClient({ links: [httpBatchLink({ url })] });
const log = async (label, p) => { try { console.log(label, JSON.stringify(await p)); } catch (e) { console.log(label, 'error', e.message); } };
await log('hello', single.hello.query());
await log('byId', single.person.byId.query({ id: '1' }));
await log('create', single.person.create.mutate({ name: 'Grace' }));
await log('missing', single.person.byId.query({ id: '9' }));
await log('invalid', single.person.create.mutate({ name: '' }));
await Promise.all([log('b1', batch.person.byId.query({ id: '1' })), log('b2', batch.person.byId.query({ id: '2' })), log('b3', batch.hello.query())]);
server.close();
process.exit(0);
