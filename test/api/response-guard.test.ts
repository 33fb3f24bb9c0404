import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { installResponseGuard } from '../../src/api/response-guard.js';

async function guardedApp() {
  const app = Fastify();
  // The guard belongs to a protected context: only the routes registered inside it are guarded.
  await app.register(async (api) => {
    installResponseGuard(api, { maxChars: 1000, timeBudgetMs: 200 });
    api.get('/api/huge', async () => ({ data: 'x'.repeat(5000) }));
    api.get('/api/small', async () => ({ data: 'x'.repeat(10) }));
    api.get('/api/slow', async (_request, reply) => {
      await new Promise((resolve) => setTimeout(resolve, 600));
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
  assert.equal((await app.inject('/page')).body.length, 5000, 'pages are not API responses');
  await app.close();
});

test('a request over the time budget is answered before the assistant gives up', async () => {
  const app = await guardedApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  // Closed whatever the assertions say: a failure left the server listening and the test file never ended.
  try {
    const address = app.server.address() as { port: number };
    const started = Date.now();
    const response = await fetch(`http://127.0.0.1:${address.port}/api/slow`);
    const elapsed = Date.now() - started;
    assert.equal(response.status, 503);
    assert.equal(((await response.json()) as { error: string }).error, 'timeout');
    assert.ok(elapsed < 550, `answered after ${elapsed} ms`);
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 500)); // let the slow handler finish before closing
    await app.close();
  }
});
