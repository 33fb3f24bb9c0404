import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { CallToolResult, Client } from '@modelcontextprotocol/client';
import { RESPONSE_BUDGET_CHARS } from '../../src/api/budget.js';
import { addEntry } from '../../src/diary/operations.js';
import { MAX_ENTRIES_PER_DAY } from '../../src/diary/entries.js';
import { setGoals } from '../../src/diary/goals.js';
import { FACTS_APP_URI } from '../../src/mcp/facts-app.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ERAS, HeldTokenProvider, connectMcp, mcpCaller } from './mcp-helpers.js';

type Structured = Record<string, unknown>;
const structured = (result: CallToolResult) => result.structuredContent as Structured;
const text = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

/** The six tools through the official MCP client, in both protocol eras, over the same operations as the API. */
describe('MCP tools', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => t?.close());

  for (const era of ERAS) {
    describe(`${era === 'legacy' ? '2025-11-25 initialize' : '2026-07-28 server/discover'} era`, () => {
      let client: Client;
      let caller: Awaited<ReturnType<typeof mcpCaller>>;
      before(async () => {
        caller = await mcpCaller(t, { plan: 'pro' });
        client = await connectMcp(t, new HeldTokenProvider(caller.token, caller.clientId), era);
      });
      after(async () => client?.close());

      test('negotiates the era the client asked for', () => {
        assert.equal(client.getProtocolEra(), era);
        assert.equal(client.getNegotiatedProtocolVersion(), era === 'legacy' ? '2025-11-25' : '2026-07-28');
      });

      test('lists the six tools, each with a description, input and output schemas and every annotation', async () => {
        const { tools } = await client.listTools();
        assert.deepEqual(
          tools.map((tool) => tool.name),
          ['search_foods', 'get_food', 'log_food', 'get_diary', 'get_daily_summary', 'delete_diary_entry'],
        );
        for (const tool of tools) {
          assert.ok((tool.description ?? '').length > 80, `${tool.name} has a description a model can choose by`);
          assert.equal(tool.inputSchema.type, 'object', tool.name);
          assert.equal(tool.outputSchema?.type, 'object', tool.name);
          for (const hint of ['readOnlyHint', 'destructiveHint', 'openWorldHint', 'idempotentHint'] as const) {
            assert.equal(typeof tool.annotations?.[hint], 'boolean', `${tool.name} ${hint}`);
          }
        }
        const byName = new Map(tools.map((tool) => [tool.name, tool]));
        assert.equal(byName.get('delete_diary_entry')!.annotations!.destructiveHint, true);
        assert.equal(byName.get('log_food')!.annotations!.readOnlyHint, false);
        assert.deepEqual(byName.get('log_food')!.inputSchema.required, ['food_id', 'meal', 'idempotency_key']);
        // Descriptions name the other operations as MCP calls them, not as the REST API does.
        assert.match(JSON.stringify(byName.get('log_food')!.inputSchema), /from search_foods/);
        assert.doesNotMatch(JSON.stringify(tools), /searchFoods|addDiaryEntry|listDiaryEntries/);
        for (const name of ['search_foods', 'get_food']) {
          assert.equal((byName.get(name)!._meta as { ui?: { resourceUri?: string } }).ui?.resourceUri, FACTS_APP_URI, name);
        }
      });

      test('search_foods and get_food answer with structured content and a short text, the app rendering its panels from the structure', async () => {
        const search = (await client.callTool({ name: 'search_foods', arguments: { query: 'banana', limit: 2 } })) as CallToolResult;
        assert.equal(search.isError, undefined);
        const foods = structured(search).data as Array<{ id: string; name: string }>;
        assert.equal(foods[0]!.name, 'Bananas, raw');
        assert.match(text(search), /Bananas, raw \(id sr-09040/);
        // No markup in the result: the app page has the panel templates (test/e2e/mcp-app.browser.test.ts renders them).
        assert.doesNotMatch(JSON.stringify(search), /<section|<table|<tr/);

        const food = (await client.callTool({ name: 'get_food', arguments: { id: foods[0]!.id } })) as CallToolResult;
        const data = structured(food).data as { source: { dataset: string; id: string }; nutrition: Array<{ name: string }> };
        assert.deepEqual(data.source, { dataset: 'USDA SR28', id: '09040' });
        assert.ok(data.nutrition.some((n) => n.name === 'Potassium'), 'pro sees the full panel');
        assert.ok(text(food).length < 2_100);
      });

      test('log_food is idempotent with its key; get_diary, get_daily_summary and delete_diary_entry act on the same diary', async () => {
        const key = randomUUID();
        const entry = { food_id: 'sr-09040', meal: 'snack', portion: '1 cup', date: '2026-02-02', idempotency_key: key };
        const logged = (await client.callTool({ name: 'log_food', arguments: entry })) as CallToolResult;
        assert.equal(logged.isError, undefined, text(logged));
        const first = structured(logged) as { id: string; amount: string; grams: number };
        assert.match(first.amount, /1 cup/);
        assert.match(text(logged), /^Logged on 2026-02-02/);
        // "1 cup" of banana is sliced or mashed: the text says which was logged, as the API's portion_note does.
        const note = (structured(logged) as { portion_note?: string }).portion_note;
        if (note) assert.ok(text(logged).includes(`Note: ${note}`), text(logged));
        const retried = (await client.callTool({ name: 'log_food', arguments: entry })) as CallToolResult;
        assert.deepEqual(structured(retried), first, 'a retry returns the first entry');
        assert.match(text(retried), /Already logged/);

        const day = (await client.callTool({ name: 'get_diary', arguments: { date: '2026-02-02' } })) as CallToolResult;
        assert.deepEqual((structured(day).entries as Array<{ id: string }>).map((e) => e.id), [first.id], 'logged once');

        await setGoals(t.server.database.db, caller.user.id, { energy: 2000 });
        const summary = (await client.callTool({ name: 'get_daily_summary', arguments: { date: '2026-02-02' } })) as CallToolResult;
        assert.equal(structured(summary).entry_count, 1);
        assert.match(text(summary), /Energy \d+(\.\d+)? of 2000 kcal/);

        const deleted = (await client.callTool({ name: 'delete_diary_entry', arguments: { id: first.id } })) as CallToolResult;
        assert.equal((structured(deleted).deleted as { id: string }).id, first.id);
        const again = (await client.callTool({ name: 'delete_diary_entry', arguments: { id: first.id } })) as CallToolResult;
        assert.equal(again.isError, true);
        assert.match(text(again), /^not_found: No diary entry of yours/);
      });

      test('tool errors are results a model can act on: unknown food, bad portion, bad arguments, a reused key', async () => {
        const unknown = (await client.callTool({ name: 'get_food', arguments: { id: 'sr-00000' } })) as CallToolResult;
        assert.equal(unknown.isError, true);
        assert.match(text(unknown), /not_found: No food has the id "sr-00000"\. Search the catalog by name first/);

        const portion = (await client.callTool({
          name: 'log_food',
          arguments: { food_id: 'sr-09040', meal: 'lunch', portion: 'one bucket', idempotency_key: randomUUID() },
        })) as CallToolResult;
        assert.equal(portion.isError, true);
        assert.match(text(portion), /invalid_request: This food has no portion "one bucket"\. Its portions are "1 cup, mashed"/);

        const invalid = (await client.callTool({ name: 'log_food', arguments: { food_id: 'sr-09040', meal: 'brunch', idempotency_key: randomUUID() } })) as CallToolResult;
        assert.equal(invalid.isError, true);
        assert.match(text(invalid), /meal/);

        const key = randomUUID();
        await client.callTool({ name: 'log_food', arguments: { food_id: 'sr-09040', meal: 'lunch', grams: 100, idempotency_key: key, date: '2026-02-03' } });
        const reused = (await client.callTool({ name: 'log_food', arguments: { food_id: 'sr-09040', meal: 'lunch', grams: 250, idempotency_key: key, date: '2026-02-03' } })) as CallToolResult;
        assert.equal(reused.isError, true);
        assert.match(text(reused), /^idempotency_key_reused: /);
      });

      test('an unknown tool is a JSON-RPC error, not a tool result', async () => {
        await assert.rejects(client.callTool({ name: 'order_pizza', arguments: {} }), (error: Error & { code?: number }) => error.code === -32602 && /order_pizza/.test(error.message));
      });

      test('the app resource is an MCP Apps page with everything inlined', async () => {
        const { resources } = await client.listResources();
        assert.ok(resources.some((r) => r.uri === FACTS_APP_URI && r.mimeType === 'text/html;profile=mcp-app'));
        const read = await client.readResource({ uri: FACTS_APP_URI });
        const page = read.contents[0] as { mimeType: string; text: string };
        assert.equal(page.mimeType, 'text/html;profile=mcp-app');
        assert.match(page.text, /<style>[\s\S]*\.facts \{[\s\S]*<\/style>/);
        assert.match(page.text, /<script>[\s\S]*ui\/initialize[\s\S]*<\/script>/);
        // The panel templates, compiled once into the page: views/mcp-facts.eta and the nutrition-facts table it includes.
        assert.match(page.text, /var LARDER_FACTS = [\s\S]*panelsInMeta: false[\s\S]*"mcp-facts": function \(it, options\)[\s\S]*<section class="facts"[\s\S]*"nutrition-facts": function[\s\S]*<caption>Amounts in /);
        assert.equal(page.text.match(/<\/script/gi)?.length, 1, 'nothing inlined closes the script element early');
        assert.doesNotMatch(page.text, /<link|<script [^>]*src=|<img|@import|url\(/, 'no external assets');
      });
    });
  }

  test('free callers see the main nutrients', async () => {
    const { token, clientId } = await mcpCaller(t, { plan: 'free' });
    const client = await connectMcp(t, new HeldTokenProvider(token, clientId), 'modern');
    const food = (await client.callTool({ name: 'get_food', arguments: { id: 'sr-09040' } })) as CallToolResult;
    await client.close();
    const names = (structured(food).data as { nutrition: Array<{ name: string }> }).nutrition.map((n) => n.name);
    assert.ok(names.includes('Energy') && !names.includes('Potassium'), names.join(', '));
  });

  test('the fullest day stays within the 100,000-character budget, trimmed with truncated', async () => {
    const caller = await mcpCaller(t, { plan: 'pro' });
    const db = t.server.database.db;
    const longest = await db.selectFrom('foods').select('id').orderBy((eb) => eb.fn('length', ['name']), 'desc').limit(1).executeTakeFirstOrThrow();
    const asCaller = { user: caller.user, clientId: caller.clientId, grantId: undefined, scopes: new Set<string>() };
    for (let i = 0; i < MAX_ENTRIES_PER_DAY; i++) {
      await addEntry({ db, catalog: t.server.catalog }, asCaller, { food_id: longest.id, meal: 'snack', grams: 100, date: '2026-01-15' });
    }
    const client = await connectMcp(t, new HeldTokenProvider(caller.token, caller.clientId), 'legacy');
    const day = (await client.callTool({ name: 'get_diary', arguments: { date: '2026-01-15' } })) as CallToolResult;
    const summary = (await client.callTool({ name: 'get_daily_summary', arguments: { date: '2026-01-15' } })) as CallToolResult;
    await client.close();
    assert.ok(JSON.stringify(day).length <= RESPONSE_BUDGET_CHARS, `${JSON.stringify(day).length} characters`);
    assert.equal(structured(day).truncated, true);
    assert.ok((structured(day).entries as unknown[]).length < MAX_ENTRIES_PER_DAY);
    assert.match(text(day), /left out/);
    assert.equal(structured(summary).entry_count, MAX_ENTRIES_PER_DAY);
  });
});
