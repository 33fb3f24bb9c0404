import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { CallToolResult, Client } from '@modelcontextprotocol/client';
import { Visitor } from '../accounts/visitor.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { HeldTokenProvider, connectMcp, mcpCaller } from './mcp-helpers.js';

/** The lines of "Recent activity", as text. */
function historyLines(html: string): string[] {
  const section = /<section[^>]*aria-labelledby="recent-history"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  return [...section.matchAll(/<span class="what">([\s\S]*?)<\/span>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').replace(/&#39;/g, "'").replace(/\s+/g, ' ').trim());
}

describe('MCP tools: a note on log_food, and history that names what each tool did', () => {
  let t: TestServer;
  let client: Client;
  let caller: Awaited<ReturnType<typeof mcpCaller>>;
  before(async () => {
    t = await startTestServer();
    caller = await mcpCaller(t, { plan: 'free' });
    client = await connectMcp(t, new HeldTokenProvider(caller.token, caller.clientId), 'modern');
  });
  after(async () => {
    await client?.close();
    await t?.close();
  });

  test("log_food takes the operation's note; /account tells the person what the assistant did", async () => {
    const tools = await client.listTools();
    const logFood = tools.tools.find((tool) => tool.name === 'log_food')!;
    assert.deepEqual((logFood.inputSchema.properties as Record<string, { maxLength?: number }>).note?.maxLength, 280);

    assert.equal(((await client.callTool({ name: 'search_foods', arguments: { query: 'banana' } })) as CallToolResult).isError, undefined);
    const logged = (await client.callTool({ name: 'log_food', arguments: { food_id: 'sr-09040', meal: 'breakfast', grams: 118, note: 'on the train', idempotency_key: randomUUID() } })) as CallToolResult;
    assert.equal(logged.isError, undefined);
    assert.equal((logged.structuredContent as { note?: string }).note, 'on the train');
    const missing = (await client.callTool({ name: 'delete_diary_entry', arguments: { id: 'de_nothingatall' } })) as CallToolResult;
    assert.equal(missing.isError, true);

    const visitor = new Visitor(t.baseUrl);
    await visitor.logIn(caller.user.email, 'correct horse battery staple');
    const lines = historyLines((await visitor.get('/account')).body);
    assert.deepEqual(lines.slice(0, 3), [
      'Tried to delete a diary entry: not found from MCP test client',
      'Logged Bananas, raw, 118 g at breakfast from MCP test client',
      "Searched 'banana' from MCP test client",
    ]);
    const rows = await t.server.database.db.selectFrom('api_requests').select(['route']).where('user_id', '=', caller.user.id).execute();
    assert.deepEqual([...new Set(rows.map((row) => row.route))].sort(), ['/mcp delete_diary_entry', '/mcp log_food', '/mcp search_foods']);
  });
});
