import type { FastifyInstance } from 'fastify';
import { LarderError } from '../errors.js';

/** 503 while the process shuts down: a load balancer or client tries again elsewhere or in a moment. */
export class ShuttingDownError extends LarderError {
  constructor() {
    super('server_shutting_down', 503, 'This Larder instance is shutting down; please try again in a moment.', { 'retry-after': '1', connection: 'close' });
  }
}

/**
 * During a graceful shutdown (`app.close()`), requests already in flight are finished and
 * every new one is refused with a 503, in Larder's terms: Fastify's own `return503OnClosing`
 * answer is written past every hook and error handler, as
 * `{"error":"Service Unavailable","message":…,"statusCode":503}`, so it is turned off and
 * the request entry hook, ahead of every other check, refuses instead (no database work, no token lookup). New
 * requests still arrive on keep-alive connections that are busy when the close begins
 * (Node closes only the idle ones) and as pipelined requests.
 */
export function shutdownRefusal(app: FastifyInstance): () => ShuttingDownError | undefined {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Checked by the request entry hook (request-entry.ts).
  return () => (closing ? new ShuttingDownError() : undefined);
}
