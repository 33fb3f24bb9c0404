import type { ServerOptions } from 'node:http';
import type { Config } from '../config.js';

/**
 * Fastify's socket limits from config.httpTimeouts, so a client that sends slowly, or
 * connects and says nothing, gives its socket back instead of holding it for minutes
 * (slow-loris). Fastify leaves all but keep-alive off by default.
 *
 * - requestTimeout: the whole request (headers and body) must arrive within it; Node
 *   answers 408 and closes the connection otherwise. It does not limit the handler.
 * - connectionTimeout: a socket with no traffic either way for this long is closed; above
 *   the API's own 40 s answer budget, so a slow answer is never cut off by it.
 * - keepAliveTimeout: an idle keep-alive connection is kept this long; longer than the
 *   60 s idle timeout of common load balancers, so that they, not Larder, close it (a
 *   server closing first races the balancer's next request on that connection).
 *
 * Node checks request and header deadlines on a timer (30 s by default), which would let
 * a stalled request live up to 30 s past its deadline; the check runs ten times per timeout.
 */
export function serverTimeouts(timeouts: Config['httpTimeouts']): {
  requestTimeout: number;
  connectionTimeout: number;
  keepAliveTimeout: number;
  http: ServerOptions;
} {
  const { requestMs, connectionMs, keepAliveMs } = timeouts;
  return {
    requestTimeout: requestMs,
    connectionTimeout: connectionMs,
    keepAliveTimeout: keepAliveMs,
    http: {
      requestTimeout: requestMs,
      // Node's own default, stated: the headers within a minute, and within the whole request's time.
      headersTimeout: Math.min(60_000, requestMs),
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.round(requestMs / 10))),
    },
  };
}
