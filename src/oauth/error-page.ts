import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../db/index.js';
import { isClientIdMetadataUrl } from './client-metadata-document.js';
import { findClient } from './clients.js';

/**
 * What the page says when an authorization request cannot go back to the app (RFC 6749
 * section 4.1.2.1: an unknown client or a redirect URI that does not match is shown to the
 * person, never redirected), in the person's words: what happened, whose doing it is, and
 * what to tell the app's maker. oidc-provider's own descriptions ("client is invalid",
 * "interaction session and authentication session mismatch") are written for developers
 * and are never shown.
 */
export interface AuthorizationErrorPage {
  title: string;
  heading: string;
  /** What happened, in a sentence or two. */
  explanation: string;
  /** Whether the app that sent the person here is at fault (and so its maker must act). */
  appAtFault: boolean;
  /** What the person can do now. */
  advice: string;
  /** A message the person can pass on to the app's maker, when the app is at fault. */
  forMaker?: string;
  /** The RFC 6749 error code, for anyone reporting the problem. */
  code: string;
  status: number;
}

const CLIP = 200;

function clip(value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  return text.length > CLIP ? `${text.slice(0, CLIP - 1)}…` : text;
}

function isSessionNotFound(error: unknown): boolean {
  const SessionNotFound = errors.SessionNotFound;
  return SessionNotFound !== undefined && error instanceof SessionNotFound;
}

/** The request's own parameters (query, or the form of a POST), as oidc-provider read them. */
function requestParams(ctx: KoaContextWithOIDC): Record<string, unknown> {
  const params = ctx.oidc?.params as Record<string, unknown> | undefined;
  if (params && typeof params === 'object') return params;
  const fromBody = ctx.method === 'POST' ? (ctx.oidc?.body as Record<string, unknown> | undefined) : undefined;
  return fromBody ?? (ctx.query as Record<string, unknown> | undefined) ?? {};
}

/**
 * Describes an authorization error for the person who sees it.
 *
 * @example const page = await describeAuthorizationError(db, appUrl, ctx, out, error); views.render('oauth-error', page)
 */
export async function describeAuthorizationError(
  db: Db,
  appUrl: string,
  ctx: KoaContextWithOIDC,
  out: Record<string, unknown>,
  error: unknown,
): Promise<AuthorizationErrorPage> {
  const code = typeof out.error === 'string' ? out.error : 'invalid_request';
  const description = typeof out.error_description === 'string' ? out.error_description : '';
  const params = requestParams(ctx);
  const clientId = clip(params.client_id);
  const redirectUri = clip(params.redirect_uri);
  const status = typeof (error as { statusCode?: unknown })?.statusCode === 'number' ? ((error as { statusCode: number }).statusCode) : 400;

  // Not the app's doing: the sign-in outlived its hour, finished in another tab, or the
  // browser dropped Larder's cookies.
  if (isSessionNotFound(error)) {
    return {
      title: 'This sign-in has expired',
      heading: 'This sign-in has expired',
      explanation:
        'Larder could not find this sign-in any more: it was started more than an hour ago, it already finished (perhaps in another tab), or this browser did not keep the cookies Larder uses to follow it. Nothing is wrong with the app, and nothing was shared with it.',
      appAtFault: false,
      advice: 'Go back to the app and connect to Larder again. If this happens every time, check that this browser accepts cookies from this site.',
      code,
      status,
    };
  }

  if (code === 'server_error' || status >= 500) {
    return {
      title: 'This sign-in cannot continue',
      heading: 'Larder could not finish this sign-in',
      explanation: 'Something went wrong on Larder’s side. The app that sent you here did nothing wrong, and nothing was shared with it.',
      appAtFault: false,
      advice: 'Try again in a moment. If it keeps failing, tell the people who run this Larder.',
      code: 'server_error',
      status: 500,
    };
  }

  // An MCP client known by the URL of its metadata document that Larder could not use:
  // the description is Larder's own (client-metadata-document.ts), written for its maker.
  if (code === 'invalid_client' && isClientIdMetadataUrl(clientId)) {
    const host = URL.parse(clientId)?.host ?? clientId;
    return {
      title: 'This app is not set up for Larder',
      heading: 'The app that sent you here is not set up correctly',
      explanation: `The app that sent you here describes itself in a document published at ${host}, and Larder cannot use that document as it is. Larder cannot connect the app to your account until its maker fixes it; nothing was shared with it.`,
      appAtFault: true,
      advice: 'There is nothing you can do here yourself. Tell the app’s maker what is below.',
      forMaker: `${description} (client_id ${clientId})`,
      code,
      status,
    };
  }

  const noClientNamed = code === 'invalid_request' && /'client_id'/.test(description);
  if (code === 'invalid_client' || noClientNamed) {
    return {
      title: 'This app is not set up for Larder',
      heading: 'The app that sent you here is not set up for this Larder',
      explanation: noClientNamed
        ? 'The app that sent you here did not say which app it is, so Larder cannot ask you whether to connect it. Nothing was shared with it.'
        : 'The app that sent you here introduced itself with an app id (its client id) that this Larder does not know: it was never registered here, or it was removed. Larder cannot connect it to your account, and nothing was shared with it.',
      appAtFault: true,
      advice: 'There is nothing you can do here yourself. Tell the app’s maker (for a custom GPT, whoever built it) what is below.',
      forMaker: noClientNamed
        ? `The authorization request to ${appUrl}/oauth/authorize has no client_id. Send the client id the Larder operator gave you.`
        : `The client id "${clientId}" is not registered at ${appUrl}. Ask the Larder operator for a client (larder clients:create) and use the client id it prints, exactly.`,
      code,
      status,
    };
  }

  const noRedirectNamed = code === 'invalid_request' && /'redirect_uri'/.test(description);
  if (code === 'invalid_redirect_uri' || noRedirectNamed) {
    const client = clientId ? await findClient(db, clientId).catch(() => undefined) : undefined;
    const app = client ? `“${client.name}”` : 'The app';
    return {
      title: 'This app’s return address is not registered',
      heading: `${client ? `${app} is` : 'The app that sent you here is'} not set up to bring you back`,
      explanation: noRedirectNamed
        ? `${app} did not say where to send you back after you answer (its redirect URI), and it has several addresses registered, so Larder does not know which one to use. Nothing was shared with it.`
        : `${app} asked Larder to send you back to an address (its redirect URI) that is not registered for it. Larder sends people back only to the exact addresses an app registered: that keeps anyone else from receiving access to your account. Nothing was shared.`,
      appAtFault: true,
      advice: 'There is nothing you can do here yourself. Tell the app’s maker (for a custom GPT, whoever built it) what is below.',
      forMaker: noRedirectNamed
        ? `The authorization request for client ${clientId} has no redirect_uri, and the client has several. Send one of them, exactly as registered.`
        : `The redirect_uri "${redirectUri}" is not registered for client ${clientId || '(none given)'} at ${appUrl}. Redirect URIs must match exactly. The Larder operator adds it with: larder clients:update ${clientId || 'CLIENT_ID'} --add-redirect-uri "${redirectUri}" (for a GPT: the Callback URL the GPT builder shows).`,
      code,
      status,
    };
  }

  return {
    title: 'This sign-in cannot continue',
    heading: 'The app that sent you here made a request Larder cannot accept',
    explanation: 'The app asked to connect to your Larder account in a way Larder does not accept, and there was no safe way to send you back to it with the answer. Nothing was shared with it.',
    appAtFault: true,
    advice: 'Go back to the app and try again. If it happens again, tell the app’s maker what is below.',
    forMaker: `Larder refused the authorization request to ${appUrl}/oauth/authorize with the OAuth error "${code}" (RFC 6749 section 4.1.2.1) and could not redirect it. Check the request against the app’s registration (its client id and its return address, exactly as registered), that it asks for response_type=code, and that no parameter is given twice.`,
    code,
    status,
  };
}
