import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * An `onSend` step: this reply is about one person (their profile, their diary, or an
 * error about their token) and no cache, shared or private, may keep it (RFC 9111
 * section 5.2.2.5). Registered as it is inside the API context, or for every resource
 * server path by the security headers' hook (security-headers.ts).
 */
export async function forbidStoring(_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  reply.header('cache-control', 'no-store');
  return payload;
}
