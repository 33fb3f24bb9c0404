import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { csrfField, verifyCsrf } from '../accounts/csrf.js';
import { currentUser, loginUrl } from '../accounts/session.js';
import type { User } from '../accounts/users.js';
import type { Db } from '../db/index.js';
import { LarderError } from '../errors.js';
import { SECURITY_HEADERS } from '../http/security-headers.js';
import type { Views } from '../views/render.js';
import { findClient, type OAuthClient } from './clients.js';
import { releaseProviderSession } from './provider-session.js';
import { describeRedirectTarget } from './redirect-uris.js';
import { describeScopes } from './scopes.js';

export interface InteractionRoutesOptions {
  provider: Provider;
  db: Db;
  views: Views;
}

const UID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The consent form posts here and the answer travels, by redirects, back to the
 * client's redirect URI. Chromium applies `form-action` to every hop of that chain, so
 * pages that start it allow the client's registered origins (and only those).
 */
export function contentSecurityPolicyAllowing(redirectUris: string[]): string {
  const sources = redirectUris.map((uri) => {
    const url = URL.parse(uri);
    if (!url) return undefined;
    if (url.origin !== 'null') return url.origin;
    // An app's private-use scheme (cursor://…): a scheme source, the only form CSP has for it.
    return /^[a-z][a-z0-9+.-]*:$/i.test(url.protocol) ? url.protocol : undefined;
  });
  const allowed = [...new Set(sources.filter((source): source is string => !!source))];
  return (SECURITY_HEADERS['content-security-policy'] ?? '').replace("form-action 'self'", ["form-action 'self'", ...allowed].join(' '));
}

class InteractionExpiredError extends LarderError {
  constructor() {
    super('interaction_expired', 400, 'This sign-in request has expired or was already completed. Go back to the app and connect again.');
  }
}

async function loadInteraction(provider: Provider, request: FastifyRequest, reply: FastifyReply): Promise<Interaction> {
  const uid = (request.params as { uid?: string }).uid ?? '';
  if (!UID_PATTERN.test(uid)) throw new InteractionExpiredError();
  let details: Interaction;
  try {
    details = await provider.interactionDetails(request.raw, reply.raw);
  } catch {
    throw new InteractionExpiredError();
  }
  // The interaction cookie names the interaction; the URL must name the same one.
  if (details.uid !== uid) throw new InteractionExpiredError();
  return details;
}

/** The scopes the person is asked for now (those not approved before), for every resource asked for. */
function requestedScopes(details: Interaction): string[] {
  const missing = (details.prompt.details.missingResourceScopes ?? {}) as Record<string, string[]>;
  return Object.values(missing).flat();
}

/**
 * What the consent page says about who is asking (MCP authorization spec, "Client ID
 * Metadata Document Security"): anyone can register a client named "Claude", so a
 * self-registered client is marked unverified; a metadata-document client is named with
 * the host that publishes its document; and the place the person is sent back to is
 * always shown, with a warning when it is this computer.
 */
function clientIdentity(client: OAuthClient, redirectUri: string): Record<string, unknown> {
  const target = describeRedirectTarget(redirectUri);
  return {
    registration: client.registration,
    publisherHost: client.registration === 'metadata_document' ? (URL.parse(client.clientId)?.host ?? '') : '',
    redirectKind: target.kind,
    redirectHost: target.label,
  };
}

/**
 * Larder's side of the authorization request: /interaction/:uid logs the person in
 * (through Larder's own session and /login) and asks for consent; oidc-provider does the rest.
 */
export async function interactionRoutes(app: FastifyInstance, options: InteractionRoutesOptions): Promise<void> {
  const { provider, db, views } = options;

  const finish = async (request: FastifyRequest, reply: FastifyReply, details: Interaction, user: User, result: Parameters<Provider['interactionResult']>[2], merge: boolean) => {
    // Several sign-ins may run at once in one browser: see provider-session.ts.
    await releaseProviderSession({ provider, db }, details, { req: request.raw, res: reply.raw }, user.id);
    const returnTo = await provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: merge });
    return reply.header('cache-control', 'no-store').redirect(returnTo, 303);
  };

  const consentPage = (request: FastifyRequest, reply: FastifyReply, details: Interaction, client: OAuthClient, userName: string) => {
    const scopes = describeScopes(requestedScopes(details));
    const redirectUri = String(details.params.redirect_uri ?? '');
    return reply
      .header('cache-control', 'no-store')
      // The URI this request returns to (oidc-provider checked it against the client's).
      .header('content-security-policy', contentSecurityPolicyAllowing([redirectUri]))
      .type('text/html; charset=utf-8')
      .send(
        views.render('consent', {
          title: `Connect ${client.name}`,
          clientName: client.name,
          userName,
          scopes,
          action: `/interaction/${details.uid}`,
          csrf: csrfField(request, reply),
          switchAccountUrl: loginUrl(`/interaction/${details.uid}`),
          ...clientIdentity(client, redirectUri),
        }),
      );
  };

  app.get('/interaction/:uid', { schema: { hide: true } }, async (request, reply) => {
    const details = await loadInteraction(provider, request, reply);
    const user = await currentUser(request);
    if (!user) return reply.header('cache-control', 'no-store').redirect(loginUrl(`/interaction/${details.uid}`), 303);
    // Larder's session decides who is signed in (see the larder_session check in provider.ts).
    if (details.prompt.name === 'login' || details.session?.accountId !== user.id) {
      return finish(request, reply, details, user, { login: { accountId: user.id } }, false);
    }
    const client = await findClient(db, String(details.params.client_id ?? ''));
    if (!client) throw new InteractionExpiredError();
    return consentPage(request, reply, details, client, user.name);
  });

  app.post<{ Body: { decision?: string } }>('/interaction/:uid', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const details = await loadInteraction(provider, request, reply);
    const user = await currentUser(request);
    if (!user) return reply.redirect(loginUrl(`/interaction/${details.uid}`), 303);
    if (details.prompt.name !== 'consent' || details.session?.accountId !== user.id) {
      // Someone else logged in since the page was shown: start over as them.
      return finish(request, reply, details, user, { login: { accountId: user.id } }, false);
    }
    const decision = request.body?.decision;
    if (decision !== 'allow') {
      // RFC 6749 section 4.1.2.1: the resource owner denied the request.
      return finish(request, reply, details, user, { error: 'access_denied', error_description: 'The person declined to connect this app to Larder.' }, false);
    }
    const clientId = String(details.params.client_id ?? '');
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: user.id, clientId });
    if (!grant) throw new InteractionExpiredError();
    const promptDetails = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (promptDetails.missingOIDCScope) grant.addOIDCScope(promptDetails.missingOIDCScope.join(' '));
    if (promptDetails.missingOIDCClaims) grant.addOIDCClaims(promptDetails.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(promptDetails.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
    const grantId = await grant.save();
    return finish(request, reply, details, user, { consent: { grantId } }, true);
  });
}
