import type { FastifyInstance } from 'fastify';
import { DATABASE_RETRY_AFTER_SECONDS } from '../db/errors.js';
import type { Db } from '../db/index.js';
import { checkReadiness } from './readiness.js';

/**
 * Probes for operators and load balancers, outside the API (no token):
 * - `/livez`: the process answers; it touches nothing else, so a database outage never
 *   makes an orchestrator restart a process that would recover by itself.
 * - `/readyz`: the process can serve (readiness.ts); 503 otherwise.
 * - `/health`: the original probe, kept for those who already use it.
 */
export async function healthRoutes(app: FastifyInstance, options: { db: Db; catalogSize: () => number }): Promise<void> {
  // Probes answer JSON and render no page: no page context is worked out for them.
  const hidden = { schema: { hide: true }, config: { rendersNoPage: true } };
  // Answered in the handler's own call (not async): no promise for what is known at once.
  app.get('/livez', hidden, (_request, reply) => {
    reply.header('cache-control', 'no-store').send({ status: 'ok' });
  });

  app.get('/readyz', hidden, async (_request, reply) => {
    const { ready, checks, problems } = await checkReadiness(options);
    reply.header('cache-control', 'no-store');
    if (ready) return reply.send({ status: 'ready', checks });
    return reply
      .code(503)
      .header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
      .send({ error: 'not_ready', error_description: problems.join(' '), status: 'not_ready', checks });
  });

  // With its answer's schema, serialized by Fastify's compiled serializer rather than JSON.stringify (the same bytes).
  const health = {
    ...hidden,
    schema: {
      ...hidden.schema,
      response: { 200: { type: 'object', properties: { status: { type: 'string' }, foods: { type: 'integer' } }, required: ['status', 'foods'] } },
    },
  };
  app.get('/health', health, () => ({ status: 'ok', foods: options.catalogSize() }));
}
