import {
  auth,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { Visitor } from '../../accounts/visitor.js';
import { PASSWORD, answerConsent, followAuthorization, type AuthorizationOutcome } from '../oauth-helpers.js';

/**
 * The official MCP SDK's OAuth client as an MCP host uses it: the SDK runs discovery,
 * registration (or a metadata document URL), PKCE, the RFC 9207 `iss` check and token
 * requests; this provider only keeps what the SDK hands it, in memory, and records the
 * authorization URL the host would open in a browser.
 */
export class RecordingOAuthProvider implements OAuthClientProvider {
  client: StoredOAuthClientInformation | undefined;
  saved: StoredOAuthTokens | undefined;
  verifier = '';
  discovery: OAuthDiscoveryState | undefined;
  authorizationUrl: URL | undefined;
  readonly invalidated: string[] = [];
  clientMetadataUrl?: string;

  constructor(
    private readonly metadata: OAuthClientMetadata,
    options: { clientMetadataUrl?: string } = {},
  ) {
    if (options.clientMetadataUrl) this.clientMetadataUrl = options.clientMetadataUrl;
  }

  get redirectUrl(): string {
    return this.metadata.redirect_uris[0]!;
  }
  get clientMetadata(): OAuthClientMetadata {
    return this.metadata;
  }
  state(): string {
    return `state-${Math.random().toString(36).slice(2)}`;
  }
  clientInformation(): StoredOAuthClientInformation | undefined {
    return this.client;
  }
  saveClientInformation(information: StoredOAuthClientInformation): void {
    this.client = information;
  }
  tokens(): StoredOAuthTokens | undefined {
    return this.saved;
  }
  saveTokens(tokens: StoredOAuthTokens): void {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    return this.verifier;
  }
  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }
  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    this.invalidated.push(scope);
    if (scope === 'all' || scope === 'client') this.client = undefined;
    if (scope === 'all' || scope === 'tokens') this.saved = undefined;
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
  }
}

/**
 * The Client ID Metadata Document ChatGPT publishes (private_key_jwt preferred, none
 * offered), as served at `clientId`; its jwks_uri is on the same origin.
 */
export function chatGptMetadataDocument(clientId: string): Record<string, unknown> {
  return {
    client_id: clientId,
    client_uri: 'https://chatgpt.com/',
    redirect_uris: ['https://chatgpt.com/connector_platform_oauth_redirect'],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    client_name: 'ChatGPT',
    token_endpoint_auth_signing_alg: 'RS256',
    jwks_uri: `${new URL(clientId).origin}/oauth/jwks.json`,
  };
}

/** A desktop MCP host as VS Code registers itself: a public client with a loopback callback. */
export const vsCodeLike = (): RecordingOAuthProvider =>
  new RecordingOAuthProvider({
    client_name: 'Visual Studio Code',
    redirect_uris: ['http://127.0.0.1:33418/callback'],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  });

/** A web MCP host as Claude registers itself: a confidential client with a secret, a fresh registration per connection. */
export const claudeLike = (): RecordingOAuthProvider =>
  new RecordingOAuthProvider({
    client_name: 'Claude',
    redirect_uris: ['https://claude.ai/api/mcp/auth_callback'],
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  });

export interface SignIn {
  /** The consent page the person saw. */
  consent: AuthorizationOutcome['page'];
  /** The authorization response at the client's redirect URI (code, state, iss). */
  callback: URL;
  tokens: StoredOAuthTokens;
  /** The person's browser, still logged in to Larder. */
  visitor: Visitor;
}

/**
 * One MCP sign-in, as a host does it: `auth()` until it wants a browser, the person logs in
 * and allows on Larder's pages (HTTP, cookie-keeping visitor), then `auth()` with the code
 * and the callback's `iss`.
 */
export async function signInWithSdk(
  baseUrl: string,
  provider: RecordingOAuthProvider,
  person: { email: string; password?: string },
  options: { scope?: string; serverUrl?: string } = {},
): Promise<SignIn> {
  const serverUrl = options.serverUrl ?? `${baseUrl}/mcp`;
  const first = await auth(provider, { serverUrl, ...(options.scope ? { scope: options.scope } : {}) });
  if (first !== 'REDIRECT' || !provider.authorizationUrl) throw new Error(`expected the SDK to ask for a browser, got ${first}`);
  const visitor = new Visitor(baseUrl);
  const start = provider.authorizationUrl;
  let outcome = await followAuthorization(visitor, start.pathname + start.search, { login: { email: person.email, password: person.password ?? PASSWORD } });
  const consent = outcome.page;
  if (consent && /class="consent"/.test(consent.body)) outcome = await answerConsent(visitor, consent, 'allow', outcome.trail);
  const callback = outcome.redirect;
  const code = callback?.searchParams.get('code');
  if (!callback || !code) throw new Error(`no code: ${outcome.trail.join(' -> ')}\n${outcome.page?.body.slice(0, 600) ?? ''}`);
  const second = await auth(provider, { serverUrl, authorizationCode: code, iss: callback.searchParams.get('iss') ?? undefined });
  if (second !== 'AUTHORIZED' || !provider.saved) throw new Error(`expected tokens, got ${second}`);
  return { consent, callback, tokens: provider.saved, visitor };
}
