import type { FastifyRequest } from 'fastify';
import { orderScopes, type Scope } from '../../oauth/scopes.js';
import { callerOf } from '../caller.js';
import { InsufficientScopeError } from '../errors.js';
import type { ProtectedResource } from '../protected-resource.js';
import { routeOf } from '../../http/route-of.js';

/** The scopes a request needs: for a REST route, what its schema declares. */
export type ScopesNeeded = (request: FastifyRequest) => readonly Scope[];

export const routeScopes: ScopesNeeded = (request) => routeOf(request).schema?.scopes ?? [];

/**
 * Step 4: the token was granted every scope the request needs. The refusal names them
 * all (not only the missing ones), so a client re-authorizing asks for the whole set.
 */
export function requireScopes(resource: ProtectedResource, needed: ScopesNeeded = routeScopes, options: { askForGranted?: boolean } = {}) {
  const step = requireScopesNow(resource, needed, options);
  return async function requireScopesStep(request: FastifyRequest): Promise<void> {
    step(request);
  };
}

/** requireScopes' step itself, done at once (run-steps.ts). */
export function requireScopesNow(resource: ProtectedResource, needed: ScopesNeeded = routeScopes, options: { askForGranted?: boolean } = {}) {
  return function requireScopesStep(request: FastifyRequest): void {
    const scopes = needed(request);
    const granted = callerOf(request).scopes;
    let all = true;
    for (const scope of scopes) if (!granted.has(scope)) all = false;
    if (all) return;
    // With askForGranted the challenge names what the token has as well (MCP step-up): a
    // client that re-authorizes with exactly that scope loses nothing it could do before.
    const askFor = options.askForGranted ? orderScopes([...granted, ...scopes]) : scopes;
    throw new InsufficientScopeError(scopes, resource, askFor);
  };
}
