import { createUser, findUserByEmail, type User } from '../../src/accounts/users.js';
import type { Db } from '../../src/db/index.js';
import { createClient, type CreateClientInput, type OAuthClient } from '../../src/oauth/clients.js';
import { Visitor, csrfIn, type PageResponse } from '../accounts/visitor.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

export const PASSWORD = 'correct horse battery staple';
export const GPT_CALLBACK = 'https://chat.openai.com/aip/g-abc123/oauth/callback';

export interface OAuthTestServer extends TestServer {
  user: User;
  createClient(input?: Partial<CreateClientInput>): Promise<{ client: OAuthClient; clientSecret: string | undefined }>;
  createUser(email: string, plan?: 'free' | 'pro'): Promise<User>;
}

/** A real Larder on 127.0.0.1 with one person (alice@example.com) and helpers to register clients. */
export async function startOAuthTestServer(env: Record<string, string> = {}): Promise<OAuthTestServer> {
  const test = await startTestServer({ bundledCatalog: false, env });
  const db = test.server.database.db;
  const user = await createUser(db, { email: 'alice@example.com', password: PASSWORD, name: 'Alice' });
  return {
    ...test,
    user,
    createClient: (input = {}) =>
      createClient(db, { name: 'My GPT', redirectUris: [GPT_CALLBACK], scopes: ['foods:read', 'diary:read', 'diary:write', 'profile'], ...input }),
    createUser: (email, plan = 'free') => createUser(db, { email, password: PASSWORD, name: email.split('@')[0]!, plan }),
  };
}

/** Where an authorization attempt ended: back at the client (redirect) or on a Larder page. */
export interface AuthorizationOutcome {
  /** The client's redirect URI with its query, when Larder sent the browser back. */
  redirect?: URL;
  /** The last Larder page shown (consent, login, error). */
  page?: PageResponse;
  /** Every URL visited, for failure messages. */
  trail: string[];
}

/**
 * Follows Larder's redirects like a browser until the browser leaves for the client or a
 * page is shown. Logs in (as `login`) when sent to /login.
 */
export async function followAuthorization(
  visitor: Visitor,
  start: string,
  options: { login?: { email: string; password: string }; maxSteps?: number } = {},
): Promise<AuthorizationOutcome> {
  const trail: string[] = [];
  let next: string | undefined = start;
  for (let step = 0; step < (options.maxSteps ?? 12) && next; step++) {
    const url: URL = new URL(next, visitor.baseUrl);
    trail.push(url.href);
    if (url.origin !== visitor.baseUrl) return { redirect: url, trail };
    const page = await visitor.get(url.pathname + url.search);
    if (page.status >= 300 && page.status < 400 && page.location) {
      next = page.location;
      continue;
    }
    if (url.pathname === '/login' && options.login && page.status === 200) {
      const returnTo = url.searchParams.get('return_to') ?? '';
      const result = await visitor.post('/login', { _csrf: csrfIn(page.body), email: options.login.email, password: options.login.password, return_to: returnTo });
      if (!result.location) return { page: result, trail };
      next = result.location;
      continue;
    }
    return { page, trail };
  }
  throw new Error(`too many redirects: ${trail.join(' -> ')}`);
}

/** On the consent page: presses Allow (or Deny) and follows the redirects back to the client. */
export async function answerConsent(visitor: Visitor, consent: PageResponse, decision: 'allow' | 'deny', trail: string[] = []): Promise<AuthorizationOutcome> {
  const action = /<form class="consent" action="([^"]+)"/.exec(consent.body)?.[1];
  if (!action) throw new Error(`not a consent page: ${consent.body.slice(0, 500)}`);
  const posted = await visitor.post(action, { _csrf: csrfIn(consent.body), decision });
  if (!posted.location) return { page: posted, trail };
  const outcome = await followAuthorization(visitor, posted.location);
  return { ...outcome, trail: [...trail, ...outcome.trail] };
}

export function authorizeUrl(params: Record<string, string>): string {
  return `/oauth/authorize?${new URLSearchParams(params).toString()}`;
}

export function basicAuth(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export async function postForm(baseUrl: string, path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}

export async function postJson(baseUrl: string, path: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function apiGet(baseUrl: string, path: string, token: string | undefined): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(baseUrl + path, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}

/** Runs the whole browser part for a client and returns the code (asserting the state came back). */
export async function obtainCode(
  server: OAuthTestServer,
  visitor: Visitor,
  params: Record<string, string>,
): Promise<{ code: string; outcome: AuthorizationOutcome }> {
  let outcome = await followAuthorization(visitor, authorizeUrl(params), { login: { email: server.user.email, password: PASSWORD } });
  if (outcome.page && /class="consent"/.test(outcome.page.body)) outcome = await answerConsent(visitor, outcome.page, 'allow', outcome.trail);
  const code = outcome.redirect?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${outcome.trail.join(' -> ')}\n${outcome.page?.status} ${outcome.page?.body.slice(0, 800) ?? ''}\n${outcome.redirect?.href ?? ''}`);
  return { code, outcome };
}

/**
 * An access token for the API through the real sign-in (log-in, consent, code, token),
 * for tests of API routes on any test server. A new person with `plan` (pro by default:
 * the full nutrient panel and a high quota) and a client allowed `scopes`.
 */
export async function issueApiToken(
  test: Pick<TestServer, 'baseUrl'> & { server: { database: { db: Db } } },
  options: { plan?: 'free' | 'pro'; scopes?: string[]; email?: string; existingPassword?: string } = {},
): Promise<{ accessToken: string; user: User; clientId: string; clientSecret: string }> {
  const db = test.server.database.db;
  const email = options.email ?? `api-${Math.random().toString(36).slice(2, 10)}@example.com`;
  // existingPassword: sign in as a person already in the database instead of a new one.
  const existing = options.existingPassword !== undefined ? await findUserByEmail(db, email) : undefined;
  if (options.existingPassword !== undefined && !existing) throw new Error(`no user ${email}`);
  const user = existing ?? (await createUser(db, { email, password: PASSWORD, name: 'API tester', plan: options.plan ?? 'pro' }));
  const { client, clientSecret } = await createClient(db, { name: 'Test client', redirectUris: [GPT_CALLBACK], scopes: options.scopes ?? ['foods:read', 'diary:read', 'diary:write', 'profile'] });
  const visitor = new Visitor(test.baseUrl);
  let outcome = await followAuthorization(visitor, authorizeUrl({ response_type: 'code', client_id: client.clientId, redirect_uri: GPT_CALLBACK, state: 's', scope: '' }), {
    login: { email, password: options.existingPassword ?? PASSWORD },
  });
  if (outcome.page && /class="consent"/.test(outcome.page.body)) outcome = await answerConsent(visitor, outcome.page, 'allow', outcome.trail);
  const code = outcome.redirect?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${outcome.trail.join(' -> ')}`);
  const tokens = await postForm(test.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: GPT_CALLBACK, client_id: client.clientId, client_secret: clientSecret! });
  if (tokens.status !== 200) throw new Error(`token request failed: ${JSON.stringify(tokens.body)}`);
  return { accessToken: String(tokens.body.access_token), user, clientId: client.clientId, clientSecret: clientSecret! };
}
