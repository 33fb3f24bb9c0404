import type { FastifyRequest } from 'fastify';
import type { User } from '../../accounts/users.js';
import { splitScopes } from '../../oauth/scopes.js';
import { InvalidTokenError } from '../errors.js';
import type { ProtectedResource } from '../protected-resource.js';
import type { IssuedAccessToken } from './read-bearer-token.js';
import { isPromise, type MaybePromise } from './run-steps.js';

/** A token's granted scopes as a set, made once per token object (verified tokens are reused across requests). */
const grantedScopes = new WeakMap<IssuedAccessToken, ReadonlySet<string>>();

function scopesOf(token: IssuedAccessToken): ReadonlySet<string> {
  let scopes = grantedScopes.get(token);
  if (!scopes) grantedScopes.set(token, (scopes = new Set(splitScopes(token.scope))));
  return scopes;
}

/**
 * Step 3: the person the token acts for still has an account; the request gets its caller.
 * `loadCallerNow` is the step (at once when `findUser` answers at once: a cached person;
 * run-steps.ts), `loadCaller` the same as an async hook.
 */
export function loadCallerNow(findUser: (id: string) => MaybePromise<User | undefined>, resource: ProtectedResource) {
  const accept = (request: FastifyRequest, token: IssuedAccessToken | undefined, user: User | undefined): void => {
    if (!token || !user) throw new InvalidTokenError('The account this token was issued for no longer exists.', resource);
    request.apiCaller = {
      user,
      clientId: String(token.clientId),
      grantId: token.grantId ? String(token.grantId) : undefined,
      scopes: scopesOf(token),
    };
  };
  return function loadCallerStep(request: FastifyRequest): void | Promise<void> {
    const token = request.accessToken;
    const found = token?.accountId ? findUser(String(token.accountId)) : undefined;
    if (isPromise(found)) return found.then((user) => accept(request, token, user));
    accept(request, token, found);
  };
}

export function loadCaller(findUser: (id: string) => Promise<User | undefined>, resource: ProtectedResource) {
  const step = loadCallerNow(findUser, resource);
  return async function loadCallerStep(request: FastifyRequest): Promise<void> {
    await step(request);
  };
}
