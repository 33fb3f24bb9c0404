import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { flushUsageOf } from '../../src/api/usage.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { mcpCaller, postMcp } from './mcp-helpers.js';

const call = (args: Record<string, unknown>, id: number | string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'search_foods', arguments: args } });

/** search_foods results kept per process (serving.ts): the same bytes, every call still counted. */
describe('a repeated search_foods call', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ env: { LARDER_QUOTA_FREE: '3' } });
  });
  after(async () => t?.close());

  const usageRows = async (userId: string) => {
    await flushUsageOf(t.server.database.db);
    return t.server.database.db.selectFrom('api_requests').select(['route', 'status']).where('user_id', '=', userId).orderBy('id').execute();
  };

  test('is answered with the same bytes, the client id spliced in, and recorded each time', async () => {
    const { token, user } = await mcpCaller(t, { plan: 'pro' });
    const auth = { authorization: `Bearer ${token}` };
    const first = await postMcp(t, call({ query: 'chicken breast roasted', limit: 2 }, 1), auth);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get('content-type'), 'application/json');
    assert.match(first.text, /"id":1}$/);
    const again = await postMcp(t, call({ query: 'chicken breast roasted', limit: 2 }, 1), auth);
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('content-type'), 'application/json');
    assert.equal(again.text, first.text);
    // Ids of other lengths in bytes (a multi-byte one too), and the first id again after them.
    for (const id of ['a"b\\c', 0, 9007199254740991, 'ü→1', 'ü→1', 1]) {
      const other = await postMcp(t, call({ query: 'chicken breast roasted', limit: 2 }, id), auth);
      assert.equal(other.text, `${first.text.slice(0, -'1}'.length)}${JSON.stringify(id)}}`);
      assert.deepEqual(other.message?.id, id);
    }
    // Other arguments are another result, not the kept one.
    const fewer = await postMcp(t, call({ query: 'chicken breast roasted', limit: 1 }, 1), auth);
    assert.notEqual(fewer.text, first.text);
    assert.equal(((fewer.message?.result as { structuredContent: { data: unknown[] } }).structuredContent.data).length, 1);
    const rows = await usageRows(user.id);
    assert.deepEqual(
      rows.map((r) => [r.route, Number(r.status)]),
      Array.from({ length: 9 }, () => ['/mcp search_foods', 200]),
    );
  });

  test('a free and a pro caller each get their own plan\'s result', async () => {
    const free = await mcpCaller(t, { plan: 'free' });
    const pro = await mcpCaller(t, { plan: 'pro' });
    const args = { query: 'banana raw' };
    const proFirst = await postMcp(t, call(args, 7), { authorization: `Bearer ${pro.token}` });
    const freeFirst = await postMcp(t, call(args, 7), { authorization: `Bearer ${free.token}` });
    const proAgain = await postMcp(t, call(args, 7), { authorization: `Bearer ${pro.token}` });
    const freeAgain = await postMcp(t, call(args, 7), { authorization: `Bearer ${free.token}` });
    assert.notEqual(freeFirst.text, proFirst.text);
    assert.equal(proAgain.text, proFirst.text);
    assert.equal(freeAgain.text, freeFirst.text);
    const nutrients = (answer: typeof proFirst) => ((answer.message?.result as { structuredContent: { data: { nutrition: unknown[] }[] } }).structuredContent.data[0]!.nutrition).length;
    assert.ok(nutrients(proFirst) > nutrients(freeFirst), `pro ${nutrients(proFirst)} free ${nutrients(freeFirst)}`);
  });

  test('a call over the quota is refused, kept result or not, and is not counted', async () => {
    const { token, user } = await mcpCaller(t, { plan: 'free' });
    const auth = { authorization: `Bearer ${token}` };
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await postMcp(t, call({ query: 'apple' }, i), auth));
    for (const answer of answers.slice(0, 3)) assert.equal((answer.message?.result as CallToolResult).isError, undefined, answer.text);
    for (const answer of answers.slice(3)) {
      assert.equal((answer.message?.result as CallToolResult).isError, true, answer.text);
      assert.match(answer.text, /quota_exceeded/);
    }
    const rows = await usageRows(user.id);
    assert.equal(rows.filter((r) => Number(r.status) === 200).length, 3);
  });

  test('a change to the catalog is in the next answer', async () => {
    const { token } = await mcpCaller(t, { plan: 'pro' });
    const auth = { authorization: `Bearer ${token}` };
    const args = { query: 'quokka berry jam', limit: 1 };
    const before = await postMcp(t, call(args, 1), auth);
    assert.equal((await postMcp(t, call(args, 1), auth)).text, before.text);
    assert.doesNotMatch(before.text, /Quokka berry jam/);
    await t.server.catalog.importFoods([{ dataset: 'Local', sourceId: 'qk1', name: 'Quokka berry jam', foodGroup: 'Sweets', nutrients: { energy: 250 }, portions: [] }]);
    const afterChange = await postMcp(t, call(args, 1), auth);
    assert.equal(afterChange.status, 200, afterChange.text);
    assert.match(afterChange.text, /Quokka berry jam/);
    assert.equal((await postMcp(t, call(args, 1), auth)).text, afterChange.text);
  });

  test('an invalid call is never kept: the same error each time', async () => {
    const { token } = await mcpCaller(t, { plan: 'pro' });
    const auth = { authorization: `Bearer ${token}` };
    const first = await postMcp(t, call({ query: '   ' }, 1), auth);
    const again = await postMcp(t, call({ query: '   ' }, 1), auth);
    assert.equal((first.message?.result as CallToolResult).isError, true, first.text);
    assert.equal(again.text, first.text);
  });
});
