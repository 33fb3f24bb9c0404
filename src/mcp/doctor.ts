import { createHash, randomBytes } from 'node:crypto';
import { StepFailure, stepRunner, type DoctorStep } from '../gpt/doctor-steps.js';
import { DoctorBrowser, formAction, hiddenField, locationOf, pageText } from '../gpt/http-client.js';
import { MCP_TOOLS } from './tools.js';

export interface McpDoctorOptions {
  /** The running Larder, e.g. https://larder.example.com (APP_URL). */
  url: string;
  email: string;
  password: string;
}

export interface McpDoctorResult {
  steps: DoctorStep[];
  /** The client the doctor registered, for the caller to delete when it can. */
  clientId: string | undefined;
}

/**
 * The callback the doctor registers, as VS Code does (RFC 8252 section 7.3: loopback, any
 * port). Nothing listens there: the doctor reads the code from the redirect itself.
 */
const DOCTOR_REDIRECT_URI = 'http://127.0.0.1:8976/larder-doctor/callback';
const PROTOCOL_VERSION = '2025-11-25';

interface ServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  registration_endpoint?: string;
  revocation_endpoint?: string;
  code_challenge_methods_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
}

interface TokenSet {
  access_token: string;
  refresh_token?: string;
  scope?: string;
  expires_in?: number;
}

/** `WWW-Authenticate: Bearer a="b", c="d"` as a record (RFC 6750 section 3). */
function challengeParams(header: string | null): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of (header ?? '').matchAll(/([a-z_]+)="([^"]*)"/gi)) params[match[1]!.toLowerCase()] = match[2]!;
  return params;
}

/** A JSON-RPC answer from /mcp: a JSON body, or the `data:` line of a one-event SSE stream. */
async function rpcAnswer(response: Response): Promise<{ result?: Record<string, unknown>; error?: { code: number; message: string } }> {
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('text/event-stream') ? (/^data: (.*)$/m.exec(text)?.[1] ?? '') : text;
  try {
    return JSON.parse(json) as { result?: Record<string, unknown> };
  } catch {
    throw new StepFailure(`/mcp answered ${response.status} with something that is not JSON-RPC: ${text.slice(0, 200)}`, 'Check that nothing (a proxy, another app) answers /mcp in Larder\'s place.');
  }
}

/**
 * The whole MCP sign-in as an MCP client does it, against a running Larder: discovery from
 * /mcp's 401 (RFC 9728 resource metadata, then RFC 8414), dynamic registration (RFC 7591)
 * as a public client, PKCE, log-in and consent through the real pages, the `iss` of the
 * answer (RFC 9207), the token for the /mcp resource (RFC 8707), then initialize,
 * tools/list, one tool call, the audience check and a refresh. Each step says what went
 * wrong and how to fix it.
 */
export async function runMcpDoctor(options: McpDoctorOptions, report: (step: DoctorStep) => void = () => {}): Promise<McpDoctorResult> {
  const base = options.url.replace(/\/+$/, '');
  const mcpUrl = `${base}/mcp`;
  const browser = new DoctorBrowser();
  const steps: DoctorStep[] = [];
  const step = stepRunner(base, (result) => {
    steps.push(result);
    report(result);
  });

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    browser.request(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });
  const rpc = (token: string, id: number, method: string, params: Record<string, unknown> = {}) =>
    post(mcpUrl, { jsonrpc: '2.0', id, method, params }, { authorization: `Bearer ${token}`, 'mcp-protocol-version': PROTOCOL_VERSION });

  let challenge: Record<string, string> = {};
  await step('401 from /mcp', async () => {
    const response = await post(mcpUrl, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'larder-doctor', version: '1' } } });
    await response.text();
    if (response.status === 404) throw new StepFailure(`POST ${mcpUrl} answered 404.`, 'Update Larder to a version with the MCP endpoint, and check that a proxy forwards /mcp.');
    if (response.status !== 401) throw new StepFailure(`POST ${mcpUrl} without a token answered ${response.status}, not 401.`, 'Something in front of Larder answers /mcp, or lets requests through without a token; check the proxy.');
    challenge = challengeParams(response.headers.get('www-authenticate'));
    if (!challenge.resource_metadata) throw new StepFailure('The 401 has no resource_metadata in WWW-Authenticate: MCP clients cannot find where to sign in.', 'Check that the proxy passes the WWW-Authenticate header through.');
    return `resource_metadata ${challenge.resource_metadata}${challenge.scope ? `, scope "${challenge.scope}"` : ''}`;
  });

  let authorizationServer = '';
  await step('protected resource metadata (RFC 9728)', async () => {
    const response = await browser.request(challenge.resource_metadata!);
    if (response.status !== 200) throw new StepFailure(`GET ${challenge.resource_metadata} answered ${response.status}.`, 'Update Larder (it serves /.well-known/oauth-protected-resource/mcp), and check that the proxy forwards /.well-known/.');
    const metadata = (await response.json()) as { resource?: string; authorization_servers?: string[] };
    if (metadata.resource !== mcpUrl) {
      throw new StepFailure(`The metadata names the resource ${String(metadata.resource)}, but clients reach ${mcpUrl}: they refuse a mismatch.`, `Set APP_URL=${base} on the server (the public address clients use) and restart it.`);
    }
    authorizationServer = metadata.authorization_servers?.[0] ?? '';
    if (!authorizationServer) throw new StepFailure('The metadata names no authorization server.', 'Update Larder.');
    return `resource ${metadata.resource}, authorization server ${authorizationServer}`;
  });

  let server: ServerMetadata | undefined;
  await step('authorization server metadata (RFC 8414)', async () => {
    const response = await browser.request(`${authorizationServer}/.well-known/oauth-authorization-server`);
    if (response.status !== 200) throw new StepFailure(`GET ${authorizationServer}/.well-known/oauth-authorization-server answered ${response.status}.`, 'Check that the proxy forwards /.well-known/ to Larder.');
    server = (await response.json()) as ServerMetadata;
    if (server.issuer !== authorizationServer) throw new StepFailure(`The issuer is ${server.issuer}, not ${authorizationServer}: clients refuse the mismatch.`, `Set APP_URL=${base} on the server and restart it.`);
    if (!server.registration_endpoint) throw new StepFailure('The metadata has no registration_endpoint: MCP clients such as Claude and VS Code cannot register.', 'Update Larder to a version with dynamic client registration.');
    if (!server.code_challenge_methods_supported?.includes('S256')) throw new StepFailure('S256 is not among code_challenge_methods_supported: MCP clients refuse to sign in without it.', 'Update Larder.');
    const notes = server.authorization_response_iss_parameter_supported ? ', iss in responses' : '';
    return `issuer ${server.issuer}, registration at ${server.registration_endpoint}${notes}`;
  });

  let clientId: string | undefined;
  await step('dynamic client registration (RFC 7591)', async () => {
    const response = await post(server!.registration_endpoint!, {
      client_name: 'Larder doctor',
      redirect_uris: [DOCTOR_REDIRECT_URI],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      ...(challenge.scope ? { scope: challenge.scope } : {}),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status === 429) throw new StepFailure('Registration is rate-limited for this address right now.', 'Wait an hour, or run the doctor from another machine.');
    if (response.status !== 201 || typeof body.client_id !== 'string') throw new StepFailure(`Registration answered ${response.status}: ${String(body.error ?? '')} ${String(body.error_description ?? '')}`.trim(), 'Update Larder, and check that the proxy forwards POST /oauth/register.');
    clientId = body.client_id;
    return `public client ${clientId}`;
  });

  let tokens: TokenSet | undefined;
  await step('authorize with PKCE, log in, consent', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(12).toString('base64url');
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId!,
      redirect_uri: DOCTOR_REDIRECT_URI,
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      resource: mcpUrl,
      ...(challenge.scope ? { scope: challenge.scope } : {}),
    });
    const callback = await walkAuthorization(browser, base, `${server!.authorization_endpoint}?${query}`, options);
    if (callback.searchParams.get('error')) throw new StepFailure(`The callback received error=${callback.searchParams.get('error')}: ${callback.searchParams.get('error_description') ?? ''}`);
    if (callback.searchParams.get('state') !== state) throw new StepFailure('The callback did not return the state the request sent.', 'Report this as a Larder bug: state must come back untouched.');
    // RFC 9207 section 2.4: the client compares iss with the issuer it discovered.
    if (server!.authorization_response_iss_parameter_supported && callback.searchParams.get('iss') !== server!.issuer) {
      throw new StepFailure(`The callback's iss is ${String(callback.searchParams.get('iss'))}, not the issuer ${server!.issuer}: MCP clients stop here.`, `Set APP_URL=${base} on the server and restart it.`);
    }
    const code = callback.searchParams.get('code');
    if (!code) throw new StepFailure('The callback carried neither a code nor an error.');
    tokens = await exchange(browser, server!.token_endpoint, { grant_type: 'authorization_code', code, redirect_uri: DOCTOR_REDIRECT_URI, client_id: clientId!, code_verifier: verifier, resource: mcpUrl });
    return `access token for scope "${tokens.scope ?? ''}"${tokens.refresh_token ? ' and a refresh token' : ''}`;
  });

  await step('initialize', async () => {
    const response = await rpc(tokens!.access_token, 1, 'initialize', { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'larder-doctor', version: '1' } });
    if (response.status === 401) throw new StepFailure(`/mcp refused the new token: ${challengeParams(response.headers.get('www-authenticate')).error_description ?? ''}`, `The token must be for ${mcpUrl}: check that APP_URL is ${base}.`);
    const answer = await rpcAnswer(response);
    if (response.status !== 200 || !answer.result) throw new StepFailure(`initialize answered ${response.status}: ${answer.error?.message ?? ''}`);
    const info = answer.result.serverInfo as { name?: string; version?: string } | undefined;
    return `protocol ${String(answer.result.protocolVersion)}, server ${info?.name ?? '?'} ${info?.version ?? ''}`.trim();
  });

  await step('tools/list', async () => {
    const answer = await rpcAnswer(await rpc(tokens!.access_token, 2, 'tools/list'));
    const names = ((answer.result?.tools as Array<{ name: string }> | undefined) ?? []).map((t) => t.name);
    const missing = MCP_TOOLS.map((t) => t.name).filter((name) => !names.includes(name));
    if (missing.length > 0) throw new StepFailure(`tools/list lacks ${missing.join(', ')} (it has ${names.join(', ') || 'nothing'}).`, 'Update Larder on every instance behind the load balancer.');
    return names.join(', ');
  });

  await step('tool call: search_foods', async () => {
    const response = await rpc(tokens!.access_token, 3, 'tools/call', { name: 'search_foods', arguments: { query: 'banana', limit: 1 } });
    if (response.status === 403) throw new StepFailure('The token lacks foods:read.', 'Allow foods:read on the consent page; a client with fewer scopes steps up when asked.');
    const answer = await rpcAnswer(response);
    const result = answer.result as { isError?: boolean; content?: Array<{ text?: string }> } | undefined;
    if (!result) throw new StepFailure(`tools/call answered ${response.status}: ${answer.error?.message ?? ''}`);
    const text = result.content?.map((c) => c.text ?? '').join(' ') ?? '';
    if (result.isError) throw new StepFailure(`search_foods answered an error: ${text.slice(0, 200)}`, /quota/.test(text) ? 'The test person is over the daily quota; use another one, or --create-test-user.' : undefined);
    return text.slice(0, 120);
  });

  await step('audience (RFC 8707)', async () => {
    const response = await browser.request(`${base}/api/foods/search?query=banana`, { headers: { authorization: `Bearer ${tokens!.access_token}` } });
    await response.text();
    if (response.status !== 401) throw new StepFailure(`The /mcp token also opened /api (${response.status}).`, 'Report this as a Larder bug: a token is for one resource.');
    return 'the /mcp token is refused by /api, as it must be';
  });

  await step('refresh', async () => {
    if (!tokens!.refresh_token) throw new StepFailure('No refresh token was issued: people would sign in again every hour.', 'Update Larder: MCP clients get refresh tokens without offline_access.');
    const refreshed = await exchange(browser, server!.token_endpoint, { grant_type: 'refresh_token', refresh_token: tokens!.refresh_token, client_id: clientId!, resource: mcpUrl });
    const answer = await rpcAnswer(await rpc(refreshed.access_token, 4, 'tools/list'));
    if (!answer.result) throw new StepFailure('/mcp refused the refreshed token.', `Check that APP_URL is ${base}.`);
    const rotated = refreshed.refresh_token !== undefined && refreshed.refresh_token !== tokens!.refresh_token;
    tokens = refreshed;
    return rotated ? 'new access token, rotated refresh token, accepted by /mcp' : { warn: 'The refresh token was not rotated.' };
  });

  if (tokens?.refresh_token && clientId && server) {
    // Leave nothing usable behind: revoking the refresh token ends the grant (RFC 7009 section 2.1).
    await browser.postForm(server.revocation_endpoint ?? `${base}/oauth/revoke`, { token: tokens.refresh_token, token_type_hint: 'refresh_token', client_id: clientId }).catch(() => undefined);
  }
  return { steps, clientId };
}

/** Follows the authorization request like a browser, logging in and allowing, until it leaves for the callback. */
async function walkAuthorization(browser: DoctorBrowser, base: string, start: string, options: McpDoctorOptions): Promise<URL> {
  let url = start;
  let loggedIn = false;
  for (let hop = 0; hop < 15; hop++) {
    const response = await browser.request(url);
    const next = locationOf(response, url);
    if (next?.startsWith(DOCTOR_REDIRECT_URI)) return new URL(next);
    if (response.status >= 300 && response.status < 400 && next) {
      if (!next.startsWith(base)) throw new StepFailure(`Larder redirected to ${next}, not to the registered callback.`);
      url = next;
      continue;
    }
    const html = await response.text();
    if (response.status >= 400) throw new StepFailure(`The authorization request was refused (${response.status}): ${pageText(html)}`, /resource|target/i.test(html) ? `Larder must know ${base}/mcp as a resource: check APP_URL.` : undefined);
    if (new URL(url).pathname === '/login') {
      if (loggedIn) throw new StepFailure('Log-in did not take: Larder showed the log-in page again.', 'Check the email and password (larder users:list), or use --create-test-user.');
      const csrf = hiddenField(html, '_csrf');
      if (!csrf) throw new StepFailure('The log-in page has no CSRF field: is a custom login template missing `_csrf`?', 'Compare your LARDER_VIEWS/login.eta with the default in views/.');
      const answer = await browser.postForm(new URL('/login', url).href, { _csrf: csrf, return_to: hiddenField(html, 'return_to') ?? '', email: options.email, password: options.password });
      if (answer.status === 429) throw new StepFailure('Too many failed log-ins: the person is locked for a while.', 'Wait 15 minutes, or use --create-test-user.');
      const after = locationOf(answer, url);
      if (!after) throw new StepFailure(`Log-in failed (${answer.status}): ${pageText(await answer.text(), 200)}`, 'Check the email and password (larder users:list), or use --create-test-user.');
      loggedIn = true;
      url = after;
      continue;
    }
    const action = formAction(html, /^\/interaction\//);
    if (action && html.includes('name="decision"')) {
      const answer = await browser.postForm(new URL(action, base).href, { _csrf: hiddenField(html, '_csrf') ?? '', decision: 'allow' });
      const after = locationOf(answer, base);
      if (!after) throw new StepFailure(`Consent answered ${answer.status} without sending the person on: ${pageText(await answer.text())}`);
      if (after.startsWith(DOCTOR_REDIRECT_URI)) return new URL(after);
      url = after;
      continue;
    }
    throw new StepFailure(`Unexpected page at ${url} (${response.status}): ${pageText(html)}`);
  }
  throw new StepFailure('The authorization request kept redirecting without reaching the callback.');
}

async function exchange(browser: DoctorBrowser, endpoint: string, fields: Record<string, string>): Promise<TokenSet> {
  const response = await browser.postForm(endpoint, fields);
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    const error = String(body.error ?? response.status);
    const fix =
      error === 'invalid_target'
        ? 'Larder does not know the /mcp resource at this address: check APP_URL.'
        : error === 'invalid_grant'
          ? 'Check that the server clocks agree and that nothing rewrites the redirect URI.'
          : undefined;
    throw new StepFailure(`The token endpoint answered ${response.status} ${error}: ${String(body.error_description ?? '')}`, fix);
  }
  return body as unknown as TokenSet;
}
