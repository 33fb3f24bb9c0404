import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { installResponseGuard } from '../../src/api/response-guard.js';

/** The slow route's handler runs until the test lets it go (or 30 s): no timing to race. */
let releaseSlow: () => void = () => {};
let slowFinished = false;

async function guardedApp() {
  const app = Fastify();
  // The guard belongs to a protected context: only the routes registered inside it are guarded.
  await app.register(async (api) => {
    installResponseGuard(api, { maxChars: 1000, timeBudgetMs: 200 });
    api.get('/api/huge', async () => ({ data: 'x'.repeat(5000) }));
    api.get('/api/small', async () => ({ data: 'x'.repeat(10) }));
    // Replies sent as bytes (pre-serialized JSON) are measured too; multi-byte text by its characters.
    api.get('/api/huge-bytes', async (_request, reply) => reply.type('application/json').send(Buffer.from(JSON.stringify({ data: 'x'.repeat(5000) }))));
    api.get('/api/wide-bytes', async (_request, reply) => reply.type('application/json').send(Buffer.from(JSON.stringify({ data: 'é'.repeat(600) }))));
    api.get('/api/slow', async (_request, reply) => {
      slowFinished = false;
      await new Promise<void>((resolve) => {
        const fallback = setTimeout(resolve, 30_000);
        releaseSlow = () => {
          clearTimeout(fallback);
          resolve();
        };
      });
      slowFinished = true;
      if (!reply.sent) return { data: 'late' };
      return reply;
    });
  });
  app.get('/page', async () => 'y'.repeat(5000));
  await app.ready();
  return app;
}

test('a response over the size budget never leaves: a JSON error takes its place', async () => {
  const app = await guardedApp();
  const huge = await app.inject('/api/huge');
  assert.equal(huge.statusCode, 500);
  assert.ok(huge.body.length <= 1000);
  assert.equal(huge.json().error, 'response_too_large');
  assert.equal((await app.inject('/api/small')).statusCode, 200);
  assert.equal((await app.inject('/api/huge-bytes')).json().error, 'response_too_large');
  const wide = await app.inject('/api/wide-bytes');
  assert.equal(wide.statusCode, 200, '1,213 bytes but 613 characters: within the budget');
  assert.equal((await app.inject('/page')).body.length, 5000, 'pages are not API responses');
  await app.close();
});

test('a request over the time budget is answered before the assistant gives up', async () => {
  const app = await guardedApp();
  // Closed whatever happens: a failed assertion must not leave a listening server that keeps the test file from ending.
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${address.port}/api/slow`);
    assert.equal(response.status, 503);
    assert.equal(((await response.json()) as { error: string }).error, 'timeout');
    assert.equal(slowFinished, false, 'answered by the guard while the handler was still at work');
  } finally {
    releaseSlow();
    await new Promise((resolve) => setImmediate(resolve)); // the released handler ends before the close
    await app.close();
  }
});
