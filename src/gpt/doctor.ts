import { randomBytes } from 'node:crypto';
import { RESPONSE_BUDGET_CHARS } from '../api/budget.js';
import { classifyCallback, GPT_CALLBACK_PATTERNS } from './callbacks.js';
import { describeNetworkError, StepFailure, stepRunner, type DoctorStep, type StepOutcome } from './doctor-steps.js';
import { DoctorBrowser, formAction, hiddenField, locationOf, pageText } from './http-client.js';

export type { DoctorStep } from './doctor-steps.js';

export interface DoctorOptions {
  /** The running Larder, e.g. https://larder.example.com (APP_URL). */
  url: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Where the redirect URI came from: the client's registration, or `--redirect-uri`. */
  redirectUriSource: 'registration' | 'option';
  email: string;
  password: string;
  /** What the client registration allows, when the doctor could read it (for diagnoses). */
  registeredRedirectUris?: string[];
  allowedScopes?: string[];
  /** The scope parameter to send; ChatGPT sends an empty one. */
  scope?: string;
}

export interface DoctorResult {
  steps: DoctorStep[];
  /** True only when every step passed (ok or warn): the doctor never passes a broken setup. */
  ok: boolean;
  /** What the doctor revoked on the server (RFC 7009) so that none of its tokens outlive the run. */
  cleanup: { revokedRefreshTokens: number; revokedAccessTokens: number; problems: string[] };
}

const CLOCK_SKEW_LIMIT_SECONDS = 60;
const GPT_TIMEOUT_MS = 45_000;

interface Metadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint?: string;
}

interface TokenSet {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

/**
 * Runs the sign-in exactly as ChatGPT's GPT Actions drive it, against a running
 * Larder: the redirect URI, discovery, authorization request with state and an empty
 * scope, log-in and consent through the real pages, the callback, the code exchange with
 * the secret in the body and again with HTTP Basic, an API call, a refresh and a
 * revocation. Each step says what went wrong and how to fix it. Whatever happens, every
 * token the doctor still holds is revoked before it returns (revoking a refresh token
 * ends the grant with it, RFC 7009 section 2.1), so no connection it made stays behind.
 */
export async function runDoctor(options: DoctorOptions, report: (step: DoctorStep) => void = () => {}): Promise<DoctorResult> {
  const base = options.url.replace(/\/+$/, '');
  const browser = new DoctorBrowser();
  const held: HeldTokens = { refresh: new Set(), access: new Set() };
  const steps: DoctorStep[] = [];
  const record = (step: DoctorStep): void => {
    steps.push(step);
    report(step);
  };
  let cleanup: DoctorResult['cleanup'] | undefined;
  try {
    await runSteps(options, base, browser, held, record);
  } finally {
    cleanup = await revokeHeldTokens(browser, base, options, held);
  }
  return { steps, ok: steps.every((s) => s.status === 'ok' || s.status === 'warn'), cleanup };
}

interface HeldTokens {
  refresh: Set<string>;
  access: Set<string>;
}

async function revokeHeldTokens(browser: DoctorBrowser, base: string, options: DoctorOptions, held: HeldTokens): Promise<DoctorResult['cleanup']> {
  const cleanup: DoctorResult['cleanup'] = { revokedRefreshTokens: 0, revokedAccessTokens: 0, problems: [] };
  const revoke = async (token: string, hint: 'refresh_token' | 'access_token'): Promise<boolean> => {
    try {
      const response = await browser.postForm(`${base}/oauth/revoke`, { token, token_type_hint: hint, client_id: options.clientId, client_secret: options.clientSecret });
      if (response.status === 200) return true;
      cleanup.problems.push(`revoking a ${hint.replace('_', ' ')} answered ${response.status}`);
    } catch (error) {
      cleanup.problems.push(`revoking a ${hint.replace('_', ' ')} failed: ${describeNetworkError(error, base)}`);
    }
    return false;
  };
  for (const token of held.refresh) if (await revoke(token, 'refresh_token')) cleanup.revokedRefreshTokens++;
  // Without a refresh token, revoking an access token still ends every token of its grant.
  if (cleanup.revokedRefreshTokens === 0) for (const token of held.access) if (await revoke(token, 'access_token')) cleanup.revokedAccessTokens++;
  return cleanup;
}

/** Whether the redirect URI is one ChatGPT will really send. */
function checkRedirectUri(options: DoctorOptions): StepOutcome {
  const uri = options.redirectUri;
  const kind = classifyCallback(uri);
  const fix = `In the GPT builder, save the action and copy the Callback URL it shows (${GPT_CALLBACK_PATTERNS[0]}), then register exactly that: larder clients:update ${options.clientId} --redirect-uri "<the Callback URL>"`;
  const registered = options.registeredRedirectUris ?? [];
  const only = options.redirectUriSource === 'registration' && registered.length === 1;
  const which = options.redirectUriSource === 'option' ? `The redirect URI given, ${uri},` : only ? `The only registered redirect URI, ${uri},` : `No registered redirect URI is a real ChatGPT callback: ${registered.join(', ')}; the one used, ${uri},`;
  if (kind === 'placeholder') return { fail: `${which} is a placeholder: ChatGPT sends the Callback URL of the real GPT, and Larder will refuse it.`, fix };
  if (kind === 'other') return { fail: `${which} is not a ChatGPT callback (${GPT_CALLBACK_PATTERNS.join(' or ')}): Larder will refuse ChatGPT's sign-in.`, fix };
  if (options.redirectUriSource === 'option' && options.registeredRedirectUris === undefined) return `${uri} (from --redirect-uri; the registration was not readable here, the server checks it below)`;
  return options.redirectUriSource === 'option' ? `${uri} (from --redirect-uri)` : `${uri} (registered)`;
}

async function runSteps(options: DoctorOptions, base: string, browser: DoctorBrowser, held: HeldTokens, record: (step: DoctorStep) => void): Promise<void> {
  const updateClientLine = `larder clients:update ${options.clientId} --add-redirect-uri "${options.redirectUri}"`;
  const hold = (tokens: TokenSet): TokenSet => {
    held.access.add(tokens.access_token);
    if (tokens.refresh_token) held.refresh.add(tokens.refresh_token);
    return tokens;
  };

  const step = stepRunner(base, record);

  // A setup that passes only with a placeholder callback is broken: ChatGPT sends its own.
  // The steps after still run, so one run shows every problem.
  await step('redirect URI', async () => checkRedirectUri(options));

  let metadata: Metadata | undefined;
  await step('discovery', async () => {
    const response = await browser.request(`${base}/.well-known/oauth-authorization-server`);
    if (response.status !== 200) throw new StepFailure(`GET /.well-known/oauth-authorization-server answered ${response.status}.`, 'Check that --url points at Larder itself, not at another service on the same host.');
    metadata = (await response.json()) as Metadata;
    if (metadata.issuer !== base) {
      throw new StepFailure(
        `The issuer is ${metadata.issuer} but Larder was reached at ${base}.`,
        `Set APP_URL=${base} on the server (the public address people and ChatGPT use) and restart it, or pass --url ${metadata.issuer}.`,
      );
    }
    const serverDate = Date.parse(response.headers.get('date') ?? '');
    const skew = Number.isFinite(serverDate) ? Math.abs(serverDate - Date.now()) / 1000 : 0;
    if (skew > CLOCK_SKEW_LIMIT_SECONDS) {
      return { warn: `The server clock is ${Math.round(skew)} s away from this machine's.`, fix: 'Turn on time synchronisation (NTP) on the server: tokens expire early or look not yet valid otherwise.' };
    }
    return `issuer ${metadata.issuer}`;
  });

  await step('openapi', async () => {
    const response = await browser.request(`${base}/openapi.json`);
    if (response.status !== 200) throw new StepFailure(`GET /openapi.json answered ${response.status}.`, 'Update Larder: the GPT builder imports its actions from this URL.');
    const document = (await response.json()) as { servers?: Array<{ url: string }> };
    const server = document.servers?.[0]?.url ?? '';
    const apiHost = URL.parse(server)?.host;
    const authHost = URL.parse(metadata!.authorization_endpoint)?.host;
    if (apiHost !== authHost) {
      throw new StepFailure(
        `The API is served from ${server || '(no server URL)'} but sign-in from ${metadata!.authorization_endpoint}: GPT Actions require one domain.`,
        'Serve the API and /oauth from the same public domain and set APP_URL to it.',
      );
    }
    if (!server.startsWith('https://')) return { warn: `The API URL ${server} is not https: ChatGPT refuses it.`, fix: 'Put Larder behind an HTTPS reverse proxy and set APP_URL to the https address (docs/deploy.md).' };
    return `servers[0] ${server}`;
  });

  const authorize = async (): Promise<{ code: string; consented: boolean }> => {
    const state = randomBytes(12).toString('base64url');
    const query = new URLSearchParams({ response_type: 'code', client_id: options.clientId, redirect_uri: options.redirectUri, state, scope: options.scope ?? '' });
    let url = `${metadata!.authorization_endpoint}?${query}`;
    let consented = false;
    let loggedIn = false;
    for (let hop = 0; hop < 15; hop++) {
      const response = await browser.request(url);
      const next = locationOf(response, url);
      if (next?.startsWith(options.redirectUri)) return { code: callbackCode(next, state), consented };
      if (response.status >= 300 && response.status < 400 && next) {
        if (!next.startsWith(base)) throw new StepFailure(`Larder redirected to ${next}, which is not the redirect URI ${options.redirectUri}.`, `Check the redirect URI: ${updateClientLine}`);
        url = next;
        continue;
      }
      const html = await response.text();
      if (response.status >= 400) throw authorizationError(response.status, html, options, updateClientLine);
      if (new URL(url).pathname === '/login') {
        if (loggedIn) throw new StepFailure('Log-in did not take: Larder showed the log-in page again.', 'Check the email and password of the test person (larder users:list), or use --create-test-user.');
        url = await logIn(browser, url, html, options);
        loggedIn = true;
        continue;
      }
      const action = formAction(html, /^\/interaction\//);
      if (action && html.includes('name="decision"')) {
        const csrf = hiddenField(html, '_csrf') ?? '';
        const answer = await browser.postForm(new URL(action, base).href, { _csrf: csrf, decision: 'allow' });
        const after = locationOf(answer, base);
        if (!after) throw new StepFailure(`Consent answered ${answer.status} without sending the person on: ${pageText(await answer.text())}`);
        consented = true;
        if (after.startsWith(options.redirectUri)) return { code: callbackCode(after, state), consented };
        url = after;
        continue;
      }
      throw new StepFailure(`Unexpected page at ${url} (${response.status}): ${pageText(html)}`);
    }
    throw new StepFailure('The authorization request kept redirecting without reaching the callback.');
  };

  let firstCode: string | undefined;
  await step('authorize, log in, consent', async () => {
    const { code, consented } = await authorize();
    if (!consented) {
      // The person already approved this client, so the doctor's tokens would join that
      // grant, and revoking them would end the person's real connection. Stop before the
      // code is exchanged: the unused code expires in a minute and issues nothing.
      throw new StepFailure(
        `Larder did not ask ${options.email} for consent: this person has already connected client ${options.clientId}, and the doctor's checks would end that connection.`,
        'Run the doctor with --create-test-user, or as a person who has not connected this client (they can disconnect it on /account).',
      );
    }
    firstCode = code;
    return 'code received at the callback with state intact (consent given)';
  });

  let tokens: TokenSet | undefined;
  await step('token: secret in the body (Default POST request)', async () => {
    tokens = hold(await exchange(browser, metadata!.token_endpoint, { grant_type: 'authorization_code', code: firstCode!, redirect_uri: options.redirectUri, client_id: options.clientId, client_secret: options.clientSecret }, options));
    return `access token for scope "${tokens.scope ?? ''}", expires in ${tokens.expires_in} s${tokens.refresh_token ? ', with a refresh token' : ''}`;
  });

  await step('token: HTTP Basic (Basic authorization header)', async () => {
    const { code } = await authorize();
    const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64');
    const second = hold(await exchange(browser, metadata!.token_endpoint, { grant_type: 'authorization_code', code, redirect_uri: options.redirectUri }, options, { authorization: `Basic ${basic}` }));
    return `access token for scope "${second.scope ?? ''}"`;
  });

  await step('API call', async () => {
    const started = Date.now();
    const response = await browser.request(`${base}/api/foods/search?query=banana`, { headers: { authorization: `Bearer ${tokens!.access_token}` } });
    const text = await response.text();
    const ms = Date.now() - started;
    if (response.status === 403) throw new StepFailure(`The token lacks the scope to search foods: ${text.slice(0, 200)}`, `Give the client foods:read: larder clients:update ${options.clientId} --scope "foods:read …", and set Scope in the GPT builder to match.`);
    if (response.status !== 200) throw new StepFailure(`GET /api/foods/search answered ${response.status}: ${text.slice(0, 200)}`);
    if (text.length > RESPONSE_BUDGET_CHARS) throw new StepFailure(`The response has ${text.length} characters; GPT Actions refuse more than ${RESPONSE_BUDGET_CHARS}.`, 'Update Larder: every reply should be trimmed to the budget.');
    if (ms > GPT_TIMEOUT_MS) throw new StepFailure(`The API took ${ms} ms; GPT Actions give up after 45 s.`);
    const first = (JSON.parse(text) as { data: Array<{ name: string }> }).data[0];
    return `searchFoods "banana" -> ${first?.name ?? 'no result'} (${text.length} characters, ${ms} ms)`;
  });

  await step('refresh', async () => {
    if (!tokens!.refresh_token) throw new StepFailure('No refresh token was issued.', `Allow refresh tokens for the client (larder clients:show ${options.clientId}); without them the person signs in again every hour.`);
    const refreshed = hold(await exchange(browser, metadata!.token_endpoint, { grant_type: 'refresh_token', refresh_token: tokens!.refresh_token, client_id: options.clientId, client_secret: options.clientSecret }, options));
    if (refreshed.refresh_token === tokens!.refresh_token) return { warn: 'The refresh token was not rotated.' };
    // Rotated (RFC 9700 section 4.14.2): the old one is spent; revoking the new one ends the grant.
    held.refresh.delete(tokens!.refresh_token);
    tokens = refreshed;
    return 'new access token and a rotated refresh token';
  });

  await step('revoke', async () => {
    // Revoking the refresh token ends the whole grant (RFC 7009 section 2.1): the access
    // token must stop working at once, and nothing the doctor made stays on the account.
    const endpoint = metadata!.revocation_endpoint ?? `${base}/oauth/revoke`;
    const refreshToken = tokens!.refresh_token!;
    const response = await browser.postForm(endpoint, { token: refreshToken, token_type_hint: 'refresh_token', client_id: options.clientId, client_secret: options.clientSecret });
    if (response.status !== 200) throw new StepFailure(`Revocation answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    held.refresh.delete(refreshToken);
    const after = await browser.request(`${base}/api/foods/search?query=banana`, { headers: { authorization: `Bearer ${tokens!.access_token}` } });
    if (after.status !== 401) throw new StepFailure(`The access token still works after its grant was revoked (${after.status}).`, 'Report this as a Larder bug: revocation must take effect at once.');
    // Both sign-ins of this run share one grant (the second found the consent given), so nothing is held any more.
    held.access.clear();
    held.refresh.clear();
    return 'revoking the refresh token ended the grant: its access token is refused at once (401)';
  });

}

function callbackCode(location: string, state: string): string {
  const url = new URL(location);
  const error = url.searchParams.get('error');
  if (error) {
    const description = url.searchParams.get('error_description') ?? '';
    if (error === 'invalid_scope') throw new StepFailure(`The client may not have the scope asked for: ${description}`, 'Ask only for scopes the client has (larder clients:show), or give it more with larder clients:update --scope "…".');
    if (error === 'access_denied') throw new StepFailure('The person denied access on the consent page.');
    throw new StepFailure(`The callback received error=${error}: ${description}`);
  }
  if (url.searchParams.get('state') !== state) throw new StepFailure('The callback did not return the state the request sent.', 'Report this as a Larder bug: state must come back untouched.');
  const code = url.searchParams.get('code');
  if (!code) throw new StepFailure('The callback carried neither a code nor an error.');
  return code;
}

async function logIn(browser: DoctorBrowser, url: string, html: string, options: DoctorOptions): Promise<string> {
  const csrf = hiddenField(html, '_csrf');
  if (!csrf) throw new StepFailure('The log-in page has no CSRF field: is a custom login template missing `_csrf`?', 'Compare your LARDER_VIEWS/login.eta with the default in views/.');
  const response = await browser.postForm(new URL('/login', url).href, { _csrf: csrf, return_to: hiddenField(html, 'return_to') ?? '', email: options.email, password: options.password });
  const next = locationOf(response, url);
  if (response.status === 429) throw new StepFailure('Too many log-in attempts for the test person from browsers it does not know: log-in from here is paused.', 'Run `larder users:unlock EMAIL`, wait up to 15 minutes, or use --create-test-user.');
  if (!next) throw new StepFailure(`Log-in failed (${response.status}): ${pageText(await response.text(), 200)}`, 'Check the test person\'s email and password (larder users:list), or use --create-test-user.');
  return next;
}

function authorizationError(status: number, html: string, options: DoctorOptions, updateClientLine: string): StepFailure {
  const text = pageText(html);
  if (/redirect/i.test(text) && /(uri|url)/i.test(text)) {
    const registered = options.registeredRedirectUris?.length ? ` Registered: ${options.registeredRedirectUris.join(', ')}.` : '';
    return new StepFailure(`The redirect URI ${options.redirectUri} is not registered for this client (${status}).${registered}`, `Register the exact Callback URL the GPT builder shows: ${updateClientLine}`);
  }
  if (/client/i.test(text)) return new StepFailure(`Larder does not know the client ${options.clientId} (${status}): ${text}`, 'Check the Client ID (larder clients:list) and the --url of the Larder it was created on.');
  if (/scope/i.test(text)) return new StepFailure(`The scope was refused (${status}): ${text}`, 'Ask only for scopes the client has (larder clients:show).');
  return new StepFailure(`The authorization request was refused (${status}): ${text}`);
}

async function exchange(browser: DoctorBrowser, endpoint: string, fields: Record<string, string>, options: DoctorOptions, headers: Record<string, string> = {}): Promise<TokenSet> {
  const response = await browser.postForm(endpoint, fields, headers);
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status !== 200) {
    const error = String(body.error ?? response.status);
    const description = String(body.error_description ?? '');
    if (error === 'invalid_client') {
      throw new StepFailure(`The client secret was refused (invalid_client): ${description}`, `Use the secret printed when the client was created, or make a new one: larder clients:rotate-secret ${options.clientId} (then paste it into the GPT builder).`);
    }
    if (error === 'invalid_grant') throw new StepFailure(`The code or refresh token was refused (invalid_grant): ${description}`, 'Check that the server clocks agree and that redirect_uri matches the authorization request exactly.');
    throw new StepFailure(`The token endpoint answered ${response.status} ${error}: ${description}`);
  }
  for (const field of ['access_token', 'token_type', 'expires_in']) {
    if (body[field] === undefined) throw new StepFailure(`The token response lacks ${field}.`);
  }
  if (String(body.token_type).toLowerCase() !== 'bearer') throw new StepFailure(`token_type is ${String(body.token_type)}, not Bearer.`);
  return body as unknown as TokenSet;
}
