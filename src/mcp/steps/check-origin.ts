import type { FastifyRequest } from 'fastify';
import { LarderError } from '../../errors.js';

export class ForeignOriginError extends LarderError {
  constructor(origin: string) {
    super('forbidden_origin', 403, `Requests from ${origin.slice(0, 200)} may not call /mcp. An operator can allow a browser-based client's origin with LARDER_MCP_ALLOWED_ORIGINS.`);
  }
}

/**
 * First step on /mcp: a browser's Origin must be Larder's own or one the operator allowed.
 * MCP Streamable HTTP (2025-06-18 and later, "Security Warning") requires servers to validate
 * Origin against DNS rebinding and to answer an invalid one with 403. Requests without an
 * Origin (every non-browser client) pass.
 */
export function checkOrigin(appUrl: string, allowed: readonly string[]) {
  const origins = new Set([new URL(appUrl).origin, ...allowed]);
  return async function checkOriginStep(request: FastifyRequest): Promise<void> {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (!origins.has(origin)) throw new ForeignOriginError(origin);
  };
}
