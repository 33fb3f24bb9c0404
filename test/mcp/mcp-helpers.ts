import { Client, StreamableHTTPClientTransport, type OAuthClientProvider } from '@modelcontextprotocol/client';
import { createClient } from '../../src/oauth/clients.js';
import { createUser, type User } from '../../src/accounts/users.js';
import { mintAccessToken } from '../helpers/tokens.js';
import type { TestServer } from '../helpers/server.js';

export type Era = 'legacy' | 'modern';
export const ERAS: Era[] = ['legacy', 'modern'];

/**
 * The official client's OAuth provider holding a token it already has (minted on the test
 * server's database): the transport sends it as a bearer token; a sign-in it would start
 * (after a 401 or 403) is recorded and stopped, so a test sees that it was asked for.
 */
export class HeldTokenProvider implements OAuthClientProvider {
  readonly authorizations: URL[] = [];
  constructor(private accessToken: string, private readonly clientId: string) {}
  get redirectUrl(): string {
    return 'http://127.0.0.1:9/callback';
  }
  get clientMetadata() {
    return { client_name: 'Larder test', redirect_uris: [this.redirectUrl] };
  }
  clientInformation() {
    return { client_id: this.clientId };
  }
  tokens() {
    return { access_token: this.accessToken, token_type: 'Bearer' };
  }
  saveTokens(tokens: { access_token: string }) {
    this.accessToken = tokens.access_token;
  }
  redirectToAuthorization(url: URL): void {
    this.authorizations.push(url);
    throw new Error(`the client was sent to sign in: ${url.href}`);
  }
  saveCodeVerifier(): void {}
  codeVerifier(): string {
    return 'not-used-with-a-held-token';
  }
}

/** A person with an MCP client (registered in the database) and a token for `resource` with `scopes`. */
export async function mcpCaller(
  test: TestServer,
  options: { plan?: 'free' | 'pro'; scopes?: string[]; resource?: string; email?: string } = {},
): Promise<{ user: User; clientId: string; token: string }> {
  const db = test.server.database.db;
  const email = options.email ?? `mcp-${Math.random().toString(36).slice(2, 10)}@example.com`;
  const user = await createUser(db, { email, password: 'correct horse battery staple', name: 'MCP tester', plan: options.plan ?? 'pro' });
  const { client } = await createClient(db, { name: 'MCP test client', redirectUris: ['https://client.example/callback'], scopes: ['foods:read', 'diary:read', 'diary:write', 'profile'] });
  const token = await mintAccessToken(test, {
    user,
    clientId: client.clientId,
    resource: options.resource ?? `${test.config.appUrl}/mcp`,
    scopes: options.scopes ?? ['foods:read', 'diary:read', 'diary:write'],
  });
  return { user, clientId: client.clientId, token };
}

/**
 * The official MCP client and its transport connected to `mcpUrl` in one era (2025-11-25
 * `initialize`, or 2026-07-28 `server/discover`), signing in with `provider`: it rejects with
 * the SDK's UnauthorizedError while the provider has no token that works.
 */
export async function openMcp(mcpUrl: URL, provider: OAuthClientProvider, era: Era): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
  const client = new Client({ name: 'larder-tests', version: '1.0.0' }, era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
  await client.connect(transport);
  return { client, transport };
}

/** The official MCP client connected to the test server's `/mcp` in one era. */
export async function connectMcp(test: TestServer, provider: OAuthClientProvider, era: Era): Promise<Client> {
  return (await openMcp(new URL(`${test.config.appUrl}/mcp`), provider, era)).client;
}

/** One raw JSON-RPC POST to /mcp, for what the client would never send. */
export async function postMcp(
  test: TestServer,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; message: Record<string, unknown> | undefined }> {
  const response = await fetch(`${test.config.appUrl}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  // A JSON body, or the one `data:` line of a single-event SSE stream.
  const json = response.headers.get('content-type')?.startsWith('text/event-stream') ? /^data: (.*)$/m.exec(text)?.[1] : text;
  let message: Record<string, unknown> | undefined;
  try {
    message = json ? (JSON.parse(json) as Record<string, unknown>) : undefined;
  } catch {
    message = undefined;
  }
  return { status: response.status, headers: response.headers, text, message };
}
