import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/client';
import os from 'node:os';
import { flushUsageOf } from '../../src/api/usage.js';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { apiGet } from '../oauth/oauth-helpers.js';
import { freePort, startTestServer, type TestServer } from '../helpers/server.js';
import { HeldTokenProvider, connectMcp, mcpCaller, postMcp } from './mcp-helpers.js';

const toolsList = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
const call = (name: string, args: Record<string, unknown>, id: number | string = 2) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

/** /mcp over HTTP: the context steps, the challenges MCP clients act on, and what a stateless endpoint refuses. */
describe('the /mcp endpoint', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ env: { LARDER_QUOTA_FREE: '3', LARDER_MCP_ALLOWED_ORIGINS: 'https://inspector.example' } });
  });
  after(async () => t?.close());

  test('without a token: 401 pointing at the /mcp resource metadata with the default scope to start with', async () => {
    const response = await postMcp(t, toolsList);
    assert.equal(response.status, 401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer /);
    assert.match(challenge, new RegExp(`resource_metadata="${t.config.appUrl}/\\.well-known/oauth-protected-resource/mcp"`));
    assert.match(challenge, /scope="foods:read"/);
    assert.equal(response.message?.error, 'invalid_token');
  });

  test('a 2025-06-18 client gets its version from initialize', async () => {
    const { token } = await mcpCaller(t);
    const response = await postMcp(
      t,
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'claude-ai', version: '0.1.0' } } },
      { authorization: `Bearer ${token}` },
    );
    assert.equal(response.status, 200, response.text);
    assert.equal((response.message?.result as { protocolVersion: string }).protocolVersion, '2025-06-18');
    assert.equal(response.headers.get('mcp-session-id'), null, 'stateless: no session');
  });

  test('RFC 8707 audience: /mcp refuses an /api-only token and /api an /mcp-only one, each with 401', async () => {
    const forApi = await mcpCaller(t, { resource: `${t.config.appUrl}/api` });
    const refused = await postMcp(t, toolsList, { authorization: `Bearer ${forApi.token}` });
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.match(String(refused.message?.error_description), /not issued for Larder MCP/);
    // The official client sees the same refusal and would start a sign-in for /mcp.
    const provider = new HeldTokenProvider(forApi.token, forApi.clientId);
    await assert.rejects(connectMcp(t, provider, 'legacy'), /sent to sign in/);
    const signIn = provider.authorizations[0]!;
    assert.equal(`${signIn.origin}${signIn.pathname}`, `${t.config.appUrl}/oauth/authorize`);
    assert.equal(signIn.searchParams.get('scope'), 'foods:read', 'the scope of the 401 challenge');
    assert.equal(signIn.searchParams.get('code_challenge_method'), 'S256');

    const forMcp = await mcpCaller(t);
    assert.equal((await postMcp(t, toolsList, { authorization: `Bearer ${forMcp.token}` })).status, 200);
    assert.equal((await apiGet(t.baseUrl, '/api/foods/search?query=egg', forMcp.token)).status, 401);
  });

  test('a tool needing a scope the token lacks: 403 insufficient_scope with every scope to ask for, for step-up', async () => {
    const { token } = await mcpCaller(t, { scopes: ['foods:read'] });
    const auth = { authorization: `Bearer ${token}` };
    assert.equal((await postMcp(t, toolsList, auth)).status, 200, 'listing needs no tool scope');
    assert.equal((await postMcp(t, call('search_foods', { query: 'egg' }), auth)).status, 200);
    const refused = await postMcp(t, call('log_food', { food_id: 'sr-09040', meal: 'lunch', grams: 100, idempotency_key: randomUUID() }), auth);
    assert.equal(refused.status, 403);
    const challenge = refused.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /error="insufficient_scope"/);
    assert.match(challenge, /scope="foods:read diary:write"/);
    assert.match(challenge, new RegExp(`resource_metadata="${t.config.appUrl}/\\.well-known/oauth-protected-resource/mcp"`));
    // Nor inside a batch, which the 2025-03-26 revision allowed.
    const batch = await postMcp(t, [call('search_foods', { query: 'egg' }, 3), call('log_food', { food_id: 'sr-09040', meal: 'lunch', grams: 100, idempotency_key: randomUUID() }, 4)], {
      ...auth,
      'mcp-protocol-version': '2025-03-26',
    });
    assert.equal(batch.status, 403);
    const diary = await t.server.database.db.selectFrom('diary_entries').select('id').execute();
    assert.equal(diary.length, 0, 'nothing was logged');
  });

  test('Origin: a foreign one gets 403 (DNS-rebinding protection); Larder\'s own and allowed ones pass', async () => {
    const { token } = await mcpCaller(t);
    const auth = { authorization: `Bearer ${token}` };
    const foreign = await postMcp(t, toolsList, { ...auth, origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.message?.error, 'forbidden_origin');
    assert.equal((await postMcp(t, toolsList, { ...auth, origin: new URL(t.config.appUrl).origin })).status, 200);
    assert.equal((await postMcp(t, toolsList, { ...auth, origin: 'https://inspector.example' })).status, 200);
    // Refused before the token is even looked at.
    assert.equal((await postMcp(t, toolsList, { origin: 'https://evil.example' })).status, 403);
  });

  test('GET and DELETE answer 405: the endpoint keeps no sessions or streams', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(`${t.config.appUrl}/mcp`, { method, headers: { accept: 'text/event-stream' } });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get('allow'), 'POST');
    }
  });

  test('protocol errors are JSON-RPC errors, never a 500', async () => {
    const { token } = await mcpCaller(t);
    const auth = { authorization: `Bearer ${token}` };
    const broken = await postMcp(t, '{"jsonrpc": ', auth);
    assert.equal(broken.status, 400);
    assert.equal((broken.message?.error as { code: number }).code, -32700);
    const unknownMethod = await postMcp(t, { jsonrpc: '2.0', id: 7, method: 'cook/dinner', params: {} }, auth);
    assert.equal((unknownMethod.message?.error as { code: number }).code, -32601);
    const notJson = await postMcp(t, 'hello', { ...auth, 'content-type': 'text/plain' });
    assert.equal(notJson.status, 415);
    assert.equal((notJson.message?.error as { code: number }).code, -32000);
    const huge = await postMcp(t, call('search_foods', { query: 'x'.repeat(300_000) }), auth);
    assert.ok(huge.status >= 400 && huge.status < 500, String(huge.status));
    const tooLong = await postMcp(t, call('search_foods', { query: 'x'.repeat(300) }), auth);
    assert.match(tooLong.text, /too long/);
  });

  test("a 2025-era tool call is answered in JSON by the process's tool server: the message the SDK's transport sends, to each POST its own", async () => {
    const { token } = await mcpCaller(t, { plan: 'pro' });
    const auth = { authorization: `Bearer ${token}` };
    const single = await postMcp(t, call('search_foods', { query: 'banana', limit: 3 }, 41), auth);
    assert.equal(single.status, 200);
    assert.equal(single.headers.get('content-type'), 'application/json');
    assert.equal(single.message?.id, 41);
    assert.equal(((single.message?.result as CallToolResult).structuredContent as { data: Array<{ name: string }> }).data[0]!.name, 'Bananas, raw');
    // A batch of the same call goes through the SDK's transport (which answers a batch of one with its one response): the same bytes.
    const batch = await postMcp(t, [call('search_foods', { query: 'banana', limit: 3 }, 41)], auth);
    assert.equal(batch.status, 200);
    assert.equal(batch.headers.get('content-type'), single.headers.get('content-type'));
    assert.ok(batch.text === single.text, `${batch.text.slice(0, 200)} / ${single.text.slice(0, 200)}`);
    const error = await postMcp(t, call('get_food', { id: 'sr-00000' }, 'call-1'), auth);
    assert.equal(error.message?.id, 'call-1');
    assert.equal((error.message?.result as CallToolResult).isError, true);
    assert.equal((await postMcp(t, [call('get_food', { id: 'sr-00000' }, 'call-1')], auth)).text, error.text);
    // What the SDK's transport refuses, it still refuses.
    const version = await postMcp(t, call('search_foods', { query: 'banana' }), { ...auth, 'mcp-protocol-version': '1999-01-01' });
    assert.equal(version.status, 400, version.text);
    // A plain call under the 2026-07-28 header lacks that era's envelope: refused, never answered as a 2025-era call.
    const modernHeader = await postMcp(t, call('search_foods', { query: 'banana', limit: 3 }, 41), { ...auth, 'mcp-protocol-version': '2026-07-28' });
    assert.equal(modernHeader.status, 400, modernHeader.text);
    assert.equal((modernHeader.message?.error as { code: number }).code, -32602, modernHeader.text);
    const accept = await postMcp(t, call('search_foods', { query: 'banana' }), { ...auth, accept: 'application/json' });
    assert.equal(accept.status, 406, accept.text);
    // Calls in flight at once, every one with id 1: each POST gets the answer to its own query.
    const queries = ['banana', 'apple', 'oats', 'chicken breast', 'milk', 'rice', 'egg', 'butter'];
    const answers = await Promise.all(queries.map((query) => postMcp(t, call('search_foods', { query, limit: 1 }, 1), auth)));
    for (const [i, answer] of answers.entries()) {
      assert.equal(answer.message?.id, 1);
      const text = ((answer.message?.result as CallToolResult).content[0] as { text: string }).text;
      assert.equal(text, ((await postMcp(t, call('search_foods', { query: queries[i], limit: 1 }, 1), auth)).message?.result as CallToolResult).content.map((c) => (c as { text: string }).text).join(''));
    }
    assert.equal(new Set(answers.map((a) => a.text)).size, queries.length);
  });

  test('2026-07-28 requests carry Mcp-Method and Mcp-Name, and a header that disagrees with the body is refused', async () => {
    const { token } = await mcpCaller(t);
    const envelope = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} };
    const body = { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'get_diary', arguments: {}, _meta: envelope } };
    const modern = { authorization: `Bearer ${token}`, 'mcp-protocol-version': '2026-07-28' };
    const agreed = await postMcp(t, body, { ...modern, 'mcp-method': 'tools/call', 'mcp-name': 'get_diary' });
    assert.equal(agreed.status, 200, agreed.text);
    assert.match(agreed.text, /Nothing is logged/);
    const disagreeing = await postMcp(t, body, { ...modern, 'mcp-method': 'tools/call', 'mcp-name': 'search_foods' });
    assert.equal(disagreeing.status, 400);
    assert.equal((disagreeing.message?.error as { code: number }).code, -32020);
    const discover = await postMcp(t, { jsonrpc: '2.0', id: 6, method: 'server/discover', params: { _meta: envelope } }, { ...modern, 'mcp-method': 'server/discover' });
    assert.equal(discover.status, 200, discover.text);
    assert.ok(((discover.message?.result as { supportedVersions?: string[] }).supportedVersions ?? []).includes('2026-07-28'), discover.text);
  });

  test('every tool call is recorded in the history (never the token); protocol housekeeping is not', async () => {
    const { token, user, clientId } = await mcpCaller(t);
    const client = await connectMcp(t, new HeldTokenProvider(token, clientId), 'legacy');
    await client.close();
    const auth = { authorization: `Bearer ${token}` };
    await postMcp(t, toolsList, auth);
    await postMcp(t, call('search_foods', { query: 'egg' }), auth);
    await postMcp(t, call('get_food', { id: 'sr-00000' }), auth);
    // History is written in batches, a flush interval after the answers; flush this process's now.
    await flushUsageOf(t.server.database.db);
    const rows = await t.server.database.db.selectFrom('api_requests').select(['route', 'status', 'method']).where('user_id', '=', user.id).orderBy('id').execute();
    assert.deepEqual(
      rows.map((r) => [r.method, r.route, Number(r.status)]),
      [
        ['POST', '/mcp search_foods', 200],
        ['POST', '/mcp get_food', 404],
      ],
    );
    assert.ok(!JSON.stringify(rows).includes(token));
  });

  test('over the daily quota a tool answers with an error a model can relay; refused calls do not count', async () => {
    const { token, clientId } = await mcpCaller(t, { plan: 'free' });
    const client = await connectMcp(t, new HeldTokenProvider(token, clientId), 'modern');
    for (let i = 0; i < 3; i++) {
      const ok = (await client.callTool({ name: 'search_foods', arguments: { query: 'apple' } })) as CallToolResult;
      assert.equal(ok.isError, undefined, `call ${i + 1}`);
    }
    for (let i = 0; i < 2; i++) {
      const over = (await client.callTool({ name: 'search_foods', arguments: { query: 'apple' } })) as CallToolResult;
      assert.equal(over.isError, true);
      assert.match(over.content.map((c) => (c.type === 'text' ? c.text : '')).join(''), /^quota_exceeded: The daily limit of 3 requests for the free plan is used up; it resets at midnight UTC/);
    }
    await client.close();
  });
});

test('LARDER_MCP_ALLOWED_ORIGINS takes origins, and a bad entry is named at start', () => {
  const load = (value: string) => loadConfig({ LARDER_MCP_ALLOWED_ORIGINS: value }, { cwd: os.tmpdir(), readEnvFile: false });
  assert.deepEqual(load('http://localhost:6274, https://inspector.example/').mcpAllowedOrigins, ['http://localhost:6274', 'https://inspector.example']);
  assert.deepEqual(load('').mcpAllowedOrigins, []);
  for (const bad of ['localhost:6274', 'https://inspector.example/path', 'null']) {
    assert.throws(() => load(bad), (error: unknown) => error instanceof ConfigError && error.problems.some((p) => p.startsWith('LARDER_MCP_ALLOWED_ORIGINS')), bad);
  }
});

describe('/mcp is stateless: any instance answers any request', () => {
  let first: TestServer;
  let second: RunningServer;
  let secondUrl: string;
  before(async () => {
    first = await startTestServer({ bundledCatalog: false });
    const port = await freePort();
    secondUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig(
      { NODE_ENV: 'test', PORT: String(port), APP_URL: first.config.appUrl, DATABASE_URL: first.database.url, LARDER_STORAGE: first.config.storageDir, LARDER_BUNDLED_CATALOG: 'false' },
      { readEnvFile: false },
    );
    second = await startServer(config);
  });
  after(async () => {
    await second?.stop();
    await first?.close();
  });

  test('initialize on one instance, then list and call tools on the other', async () => {
    const { token } = await mcpCaller(first);
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` };
    const init = await fetch(`${first.baseUrl}/mcp`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    });
    assert.equal(init.status, 200);
    await init.text();
    const later = { ...headers, 'mcp-protocol-version': '2025-11-25' };
    const list = await fetch(`${secondUrl}/mcp`, { method: 'POST', headers: later, body: JSON.stringify(toolsList) });
    assert.equal(list.status, 200);
    assert.match(await list.text(), /search_foods/);
    const diary = await fetch(`${secondUrl}/mcp`, { method: 'POST', headers: later, body: JSON.stringify(call('get_diary', {})) });
    assert.match(await diary.text(), /Nothing is logged/);
  });
});
