import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { StreamableHTTPClientTransport, UnauthorizedError, type CallToolResult, type Client } from '@modelcontextprotocol/client';
import { Visitor } from '../accounts/visitor.js';
import { createUser, type User } from '../../src/accounts/users.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { PASSWORD, answerConsent, followAuthorization } from '../oauth/oauth-helpers.js';
import { claudeLike, vsCodeLike, type RecordingOAuthProvider } from '../oauth/mcp/sdk-client.js';
import { openMcp, type Era } from './mcp-helpers.js';

const text = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

/**
 * A person connects an MCP client to Larder, as Claude or VS Code do it, with nothing but
 * the /mcp URL: the official client's transport meets the 401, discovers, registers,
 * runs PKCE; the person logs in and allows on Larder's pages; the client then uses the
 * six tools, steps up when a tool needs more, refreshes its token, and connects again.
 */
describe('an MCP client signs in from the /mcp URL alone and uses the tools', () => {
  let server: TestServer & { user: User };
  let mcpUrl: URL;
  before(async () => {
    const test = await startTestServer();
    const user = await createUser(test.server.database.db, { email: 'alice@example.com', password: PASSWORD, name: 'Alice' });
    server = { ...test, user };
    mcpUrl = new URL(`${server.baseUrl}/mcp`);
  });
  after(() => server.close());

  /** The person's part in a browser: log in if asked, Allow, and the callback's parameters. */
  async function personApproves(provider: RecordingOAuthProvider, visitor: Visitor): Promise<{ params: URLSearchParams; consent: string | undefined }> {
    const start = provider.authorizationUrl;
    assert.ok(start, 'the client asked for a browser');
    provider.authorizationUrl = undefined;
    let outcome = await followAuthorization(visitor, start.pathname + start.search, { login: { email: server.user.email, password: PASSWORD } });
    const consent = outcome.page?.body;
    if (consent && /class="consent"/.test(consent)) outcome = await answerConsent(visitor, outcome.page!, 'allow', outcome.trail);
    assert.ok(outcome.redirect?.searchParams.get('code'), `no code: ${outcome.trail.join(' -> ')}`);
    return { params: outcome.redirect!.searchParams, consent };
  }

  /** Connects as a host does: on UnauthorizedError the person signs in, then the host finishes and connects again. */
  async function connect(provider: RecordingOAuthProvider, visitor: Visitor, era: Era): Promise<{ client: Client; transport: StreamableHTTPClientTransport; consent: string | undefined }> {
    const open = () => openMcp(mcpUrl, provider, era);
    try {
      return { ...(await open()), consent: undefined };
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
    }
    const { params, consent } = await personApproves(provider, visitor);
    await new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }).finishAuth(params);
    return { ...(await open()), consent };
  }

  /** Calls a tool; when the client must step up (403 insufficient_scope), the person approves and the call is retried. */
  async function callWithStepUp(session: { client: Client; transport: StreamableHTTPClientTransport }, provider: RecordingOAuthProvider, visitor: Visitor, name: string, args: Record<string, unknown>) {
    try {
      return { result: (await session.client.callTool({ name, arguments: args })) as CallToolResult, steppedUp: false };
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
    }
    const { params } = await personApproves(provider, visitor);
    await session.transport.finishAuth(params);
    return { result: (await session.client.callTool({ name, arguments: args })) as CallToolResult, steppedUp: true };
  }

  test('VS Code-like public client: discovery from the 401, registration, PKCE, consent, all six tools with step-up, refresh', async () => {
    const provider = vsCodeLike();
    const visitor = new Visitor(server.baseUrl);
    const session = await connect(provider, visitor, 'legacy');
    // Discovery started from /mcp's 401 and its resource metadata.
    assert.equal(provider.discovery?.resourceMetadata?.resource, mcpUrl.href);
    assert.equal(provider.client?.client_secret, undefined, 'registered as a public client');
    assert.equal(session.client.getProtocolEra(), 'legacy');
    assert.equal(provider.saved?.scope, 'foods:read', 'the default scope of the 401 challenge');
    assert.ok(provider.saved?.refresh_token);

    const search = await callWithStepUp(session, provider, visitor, 'search_foods', { query: 'banana' });
    assert.equal(search.steppedUp, false);
    assert.match(text(search.result), /Bananas, raw/);
    const food = await callWithStepUp(session, provider, visitor, 'get_food', { id: 'sr-09040' });
    assert.equal(food.steppedUp, false);

    // log_food needs diary:write: 403, the person approves more, the call goes through.
    const key = randomUUID();
    const logged = await callWithStepUp(session, provider, visitor, 'log_food', { food_id: 'sr-09040', meal: 'breakfast', portion: '1 cup', idempotency_key: key });
    assert.equal(logged.steppedUp, true);
    assert.equal(logged.result.isError, undefined, text(logged.result));
    assert.deepEqual(provider.saved?.scope?.split(' ').sort(), ['diary:write', 'foods:read']);
    const entryId = (logged.result.structuredContent as { id: string }).id;

    const diary = await callWithStepUp(session, provider, visitor, 'get_diary', {});
    assert.equal(diary.steppedUp, true, 'reading the diary is diary:read');
    assert.deepEqual(((diary.result.structuredContent as { entries: Array<{ id: string }> }).entries).map((e) => e.id), [entryId]);
    const summary = await callWithStepUp(session, provider, visitor, 'get_daily_summary', {});
    assert.equal(summary.steppedUp, false);
    assert.equal((summary.result.structuredContent as { entry_count: number }).entry_count, 1);
    const deleted = await callWithStepUp(session, provider, visitor, 'delete_diary_entry', { id: entryId });
    assert.equal(deleted.steppedUp, false);
    assert.equal(((deleted.result.structuredContent as { deleted: { id: string } }).deleted).id, entryId);

    // An access token that stopped working: the SDK refreshes with the rotated refresh token and retries.
    const before = provider.saved!;
    provider.saveTokens({ ...before, access_token: 'expired-or-revoked' });
    const again = (await session.client.callTool({ name: 'search_foods', arguments: { query: 'banana' } })) as CallToolResult;
    assert.match(text(again), /Bananas, raw/);
    assert.notEqual(provider.saved!.access_token, 'expired-or-revoked');
    assert.notEqual(provider.saved!.refresh_token, before.refresh_token, 'rotated');
    await session.client.close();
  });

  test('Claude-like confidential client registers anew for a second connection, in the 2026-07-28 era', async () => {
    const visitor = new Visitor(server.baseUrl);
    const first = claudeLike();
    const one = await connect(first, visitor, 'modern');
    assert.equal(one.client.getProtocolEra(), 'modern');
    assert.ok(first.client?.client_secret, 'a confidential client with a secret');
    assert.match(one.consent ?? '', /registered itself/);
    const second = claudeLike();
    const two = await connect(second, visitor, 'modern');
    assert.notEqual(second.client?.client_id, first.client?.client_id, 'a second registration');
    for (const session of [one, two]) {
      const result = (await session.client.callTool({ name: 'search_foods', arguments: { query: 'banana' } })) as CallToolResult;
      assert.match(text(result), /Bananas, raw/);
      await session.client.close();
    }
    const names = await server.server.database.db.selectFrom('oauth_clients').select('name').where('name', '=', 'Claude').execute();
    assert.equal(names.length, 2);
  });
});
