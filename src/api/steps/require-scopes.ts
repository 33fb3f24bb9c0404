import type { FastifyRequest } from 'fastify';
import type { Scope } from '../../oauth/scopes.js';
import { callerOf } from '../caller.js';
import { InsufficientScopeError } from '../errors.js';
import type { ProtectedResource } from '../protected-resource.js';

/** The scopes a request needs: for a REST route, what its schema declares. */
export type ScopesNeeded = (request: FastifyRequest) => readonly Scope[];

export const routeScopes: ScopesNeeded = (request) => request.routeOptions.schema?.scopes ?? [];

/**
 * Step 4: the token was granted every scope the request needs. The refusal names them
 * all (not only the missing ones), so a client re-authorizing asks for the whole set.
 */
export function requireScopes(resource: ProtectedResource, needed: ScopesNeeded = routeScopes) {
  return async function requireScopesStep(request: FastifyRequest): Promise<void> {
    const scopes = needed(request);
    const granted = callerOf(request).scopes;
    if (scopes.some((scope) => !granted.has(scope))) throw new InsufficientScopeError(scopes, resource);
  };
}
