import type { FastifyRequest } from 'fastify';
import type { User } from '../accounts/users.js';
import type { Scope } from '../oauth/scopes.js';
import { InvalidTokenError } from './errors.js';

/**
 * Who an operation acts for: the person a valid access token was issued for, through
 * which client, with which granted scopes. Established by the context steps (see
 * steps/load-caller.ts) and handed to every operation function.
 */
export interface Caller {
  user: User;
  clientId: string;
  grantId: string | undefined;
  scopes: ReadonlySet<Scope | string>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set inside the API and /mcp contexts once the caller is known. */
    apiCaller?: Caller;
  }
}

/**
 * The caller of a request inside a protected context. Routes outside one have no caller,
 * which is a wiring mistake rather than bad input; it still answers 401, never a 500.
 */
export function callerOf(request: FastifyRequest): Caller {
  const caller = request.apiCaller;
  if (!caller) throw new InvalidTokenError('This request needs an access token: Authorization: Bearer <token>.');
  return caller;
}
