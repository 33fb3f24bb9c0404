import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController } from 'fastify';

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
