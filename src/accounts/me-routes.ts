import type { FastifyInstance } from 'fastify';
import { callerOf } from '../api/caller.js';
import { restSchema } from '../api/rest-route.js';
import { describeMe, getMeOperation } from './me.js';

/** GET /api/me. */
export async function meRoutes(api: FastifyInstance): Promise<void> {
  api.get('/api/me', { schema: restSchema(getMeOperation, { input: 'none' }) }, (request) => describeMe(callerOf(request)));
}
