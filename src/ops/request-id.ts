import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyInstance } from 'fastify';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * An incoming id Larder keeps: what proxies and tracing systems send (UUIDs, hex, Base64,
 * `trace:span`), and nothing that could break a log line or a header (spaces, control
 * characters, quotes) or flood the logs.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The request's id: the caller's `X-Request-Id` when it is sane, else a new UUID. */
export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Fastify options: ids from {@link requestIdFor}, logged as `request_id` on every line of the request. */
export function requestIdOptions(): { genReqId: typeof requestIdFor; requestIdHeader: false; logController: LogController } {
  return { genReqId: requestIdFor, requestIdHeader: false, logController: new LogController({ requestIdLogLabel: 'request_id' }) };
}

/**
 * Every reply carries its request's id, so a person reporting a problem, a proxy log
 * and Larder's log name the same request. Set on the raw response, so replies that
 * bypass Fastify (the OAuth hand-off) carry it too.
 */
export function installRequestIdHeader(app: FastifyInstance): void {
  // Callback hooks (here and in the other hooks every request passes): no promise and no
  // microtask per hook, which an async hook costs even when it has nothing to wait for.
  app.addHook('onRequest', (request, reply, done) => {
    reply.raw.setHeader(REQUEST_ID_HEADER, request.id);
    done();
  });
}
