import type { FastifyRequest } from 'fastify';
import type { User } from '../../accounts/users.js';
import { splitScopes } from '../../oauth/scopes.js';
import { InvalidTokenError } from '../errors.js';
import type { ProtectedResource } from '../protected-resource.js';
import type { IssuedAccessToken } from './read-bearer-token.js';

/** A token's granted scopes as a set, made once per token object (verified tokens are reused across requests). */
const grantedScopes = new WeakMap<IssuedAccessToken, ReadonlySet<string>>();

function scopesOf(token: IssuedAccessToken): ReadonlySet<string> {
  let scopes = grantedScopes.get(token);
  if (!scopes) grantedScopes.set(token, (scopes = new Set(splitScopes(token.scope))));
  return scopes;
}

/** Step 3: the person the token acts for still has an account; the request gets its caller. */
export function loadCaller(findUser: (id: string) => Promise<User | undefined>, resource: ProtectedResource) {
  return async function loadCallerStep(request: FastifyRequest): Promise<void> {
    const token = request.accessToken;
    const user = token?.accountId ? await findUser(String(token.accountId)) : undefined;
    if (!token || !user) throw new InvalidTokenError('The account this token was issued for no longer exists.', resource);
    request.apiCaller = {
      user,
      clientId: String(token.clientId),
      grantId: token.grantId ? String(token.grantId) : undefined,
      scopes: scopesOf(token),
    };
  };
}
