import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';

/** Query parameters whose values are secrets or one-time credentials: never logged. */
const SECRET_PARAMS = /^(code|access_token|refresh_token|id_token|token|client_secret|password|code_verifier|state|_csrf|csrf)$/i;

/** The request path with secret query values replaced, for logs. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  for (const key of [...params.keys()]) if (SECRET_PARAMS.test(key)) params.set(key, '[redacted]');
  return `${url.slice(0, at)}?${params.toString()}`;
}

/**
 * pino options: JSON lines, and nothing secret. Headers are not logged at all (they
 * carry bearer tokens, cookies, Basic credentials); URLs lose their secret parameters.
 */
export function loggerOptions(config: Pick<Config, 'logLevel'>): NonNullable<FastifyServerOptions['logger']> {
  return {
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.client_secret', '*.access_token', '*.refresh_token'],
      censor: '[redacted]',
    },
    serializers: {
      req(request: { method: string; url: string; ip?: string; id?: string }) {
        return { id: request.id, method: request.method, url: redactUrl(request.url), ip: request.ip };
      },
    },
  };
}
