import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { LARDER_SCOPES, isScope, splitScopes } from './scopes.js';

/** Scopes of the protocol itself, which oidc-provider handles (and Larder's clients may send). */
const PROTOCOL_SCOPES: ReadonlySet<string> = new Set(['openid', 'offline_access']);

/** The routes where a client asks for scopes on the person's behalf. */
const AUTHORIZATION_ROUTES: ReadonlySet<string> = new Set(['authorization', 'pushed_authorization_request']);

interface ResourceServerInfo {
  scope: string;
  [option: string]: unknown;
}

type GetResourceServerInfo = (ctx: KoaContextWithOIDC, resourceIndicator: string, client: { clientId: string }) => Promise<ResourceServerInfo>;

function invalidScope(description: string, scope: string): Error {
  const InvalidScope = errors.InvalidScope!;
  return new InvalidScope(description, scope);
}

/**
 * RFC 6749 section 4.1.2.1: a request for a scope that is "invalid, unknown, or malformed"
 * is answered `invalid_scope`, by redirect to the client. oidc-provider drops scopes a
 * resource server does not list, so "foods:read bogus" went ahead as "foods:read", and a
 * request for nothing Larder knows ended, after the person had logged in, as
 * `access_denied`, which tells the client the person said no.
 *
 * The check sits in the resource-server step (`getResourceServerInfo`), which oidc-provider
 * runs after it has checked the client and its redirect URI, so the error can be redirected
 * safely. A known scope the client is not registered for is still left out quietly (RFC 6749
 * section 3.3 lets the server grant less); only when nothing asked for can be granted is the
 * request refused.
 */
export function refusingUnknownScopes<T extends { getResourceServerInfo: GetResourceServerInfo }>(resourceIndicators: T): T {
  const resourceServerInfo = resourceIndicators.getResourceServerInfo;
  return {
    ...resourceIndicators,
    getResourceServerInfo: async (ctx, resourceIndicator, client) => {
      const info = await resourceServerInfo(ctx, resourceIndicator, client);
      if (AUTHORIZATION_ROUTES.has(String(ctx.oidc?.route))) checkRequestedScopes(splitScopes(ctx.oidc.params?.scope as string | undefined), splitScopes(info.scope));
      return info;
    },
  };
}

/** Throws InvalidScope for a scope Larder does not have, or when none of those asked for may be granted. */
export function checkRequestedScopes(requested: readonly string[], allowed: readonly string[]): void {
  const unknown = requested.filter((scope) => !isScope(scope) && !PROTOCOL_SCOPES.has(scope));
  if (unknown.length > 0) {
    throw invalidScope(`Larder has no scope ${unknown.map((s) => `"${s.slice(0, 60)}"`).join(', ')}; its scopes are ${LARDER_SCOPES.join(' ')}.`, unknown.join(' '));
  }
  const asked = requested.filter(isScope);
  if (asked.length > 0 && !asked.some((scope) => allowed.includes(scope))) {
    throw invalidScope(`This client may ask only for: ${allowed.join(' ') || 'no scope'}.`, asked.join(' '));
  }
}
