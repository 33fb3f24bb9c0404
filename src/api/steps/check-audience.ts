import type { FastifyRequest } from 'fastify';
import { InvalidTokenError } from '../errors.js';
import type { ProtectedResource } from '../protected-resource.js';

/**
 * Step 2: the token was issued for this resource (RFC 8707 section 2; RFC 9068 section 4
 * for the same rule with JWTs): a token for `/api` does not open `/mcp`, nor the other way
 * round. The resource is a parameter, so the API and /mcp contexts each check their own.
 * `checkAudienceNow` is the step itself (api/steps/run-steps.ts), `checkAudience` the same as an async hook.
 */
export function checkAudienceNow(resource: ProtectedResource) {
  return function checkAudienceStep(request: FastifyRequest): void {
    const aud = request.accessToken?.aud;
    if (aud === resource.resource) return;
    if (!(Array.isArray(aud) && aud.includes(resource.resource))) {
      throw new InvalidTokenError(`The access token was not issued for ${resource.name} (${resource.resource}); connect the app again.`, resource);
    }
  };
}

export function checkAudience(resource: ProtectedResource) {
  const step = checkAudienceNow(resource);
  return async function checkAudienceStep(request: FastifyRequest): Promise<void> {
    step(request);
  };
}
