import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setUserPlan } from '../../src/accounts/users.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { mcpCaller, postMcp } from '../mcp/mcp-helpers.js';
import { apiGet } from '../oauth/oauth-helpers.js';

const FREE = 4;
const PRO = 9;

/** Seconds to the next midnight UTC, as the server counts them (whole seconds, rounded up). */
const secondsToMidnight = () => {
  const now = new Date();
  return Math.ceil((Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000);
};

/** The three IETF RateLimit fields of a reply, as numbers (undefined when absent). */
function fields(headers: Headers) {
  const read = (name: string) => (headers.get(name) === null ? undefined : Number(headers.get(name)));
  return { limit: read('ratelimit-limit'), remaining: read('ratelimit-remaining'), reset: read('ratelimit-reset') };
}

function assertResetIsMidnight(reset: number | undefined) {
  assert.ok(reset !== undefined && Math.abs(reset - secondsToMidnight()) <= 2, `RateLimit-Reset ${reset}, midnight UTC in ${secondsToMidnight()} s`);
}

const toolsList = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
const search = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'search_foods', arguments: { query: 'banana' } } };

/** Quota signals for assistants (issue 11): RateLimit fields on every reply to a caller, and a 429 that says when and how to get more. */
describe('RateLimit fields and the quota refusal', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ env: { LARDER_QUOTA_FREE: String(FREE), LARDER_QUOTA_PRO: String(PRO) } });
  });
  after(async () => t?.close());

  test('the API counts down on every reply, then refuses with Retry-After, the reset and the plan that allows more', async () => {
    const { token } = await mcpCaller(t, { plan: 'free', resource: `${t.config.appUrl}/api`, scopes: ['foods:read', 'profile'] });
    for (let i = 1; i <= FREE; i++) {
      const answer = await apiGet(t.baseUrl, '/api/me', token);
      assert.equal(answer.status, 200);
      const signal = fields(answer.headers);
      assert.deepEqual({ limit: signal.limit, remaining: signal.remaining }, { limit: FREE, remaining: FREE - i }, `request ${i}`);
      assertResetIsMidnight(signal.reset);
    }
    const over = await apiGet(t.baseUrl, '/api/foods/search?query=banana', token);
    assert.equal(over.status, 429);
    assert.deepEqual(Object.keys(over.body).sort(), ['error', 'error_description']);
    assert.equal(over.body.error, 'quota_exceeded');
    const signal = fields(over.headers);
    assert.equal(signal.limit, FREE);
    assert.equal(signal.remaining, 0);
    assertResetIsMidnight(signal.reset);
    const retryAfter = Number(over.headers.get('retry-after'));
    assert.ok(Math.abs(retryAfter - signal.reset!) <= 1, `Retry-After ${retryAfter}, RateLimit-Reset ${signal.reset}`);
    const description = String(over.body.error_description);
    assert.match(description, new RegExp(`^The daily limit of ${FREE} requests for the free plan is used up; it resets at midnight UTC \\(in (\\d+ h )?\\d+ min, \\d{4}-\\d{2}-\\d{2}T00:00Z\\)\\.`));
    assert.match(description, new RegExp(`ask the operator of this Larder to move the account to the pro plan \\(${PRO} requests a day\\)\\.$`));
  });

  test('a reply that counted nothing still tells the quota; none without a caller', async () => {
    const { token } = await mcpCaller(t, { plan: 'free', resource: `${t.config.appUrl}/api`, scopes: ['foods:read'] });
    // No diary:read: 403 from the scope step, before the quota counts anything.
    const refused = await apiGet(t.baseUrl, '/api/diary', token);
    assert.equal(refused.status, 403);
    assert.deepEqual({ limit: fields(refused.headers).limit, remaining: fields(refused.headers).remaining }, { limit: FREE, remaining: FREE });
    assert.equal(fields((await apiGet(t.baseUrl, '/api/foods/search?query=egg', token)).headers).remaining, FREE - 1);
    const again = await apiGet(t.baseUrl, '/api/diary', token);
    assert.equal(fields(again.headers).remaining, FREE - 1, 'still not counted');

    for (const answer of [await apiGet(t.baseUrl, '/api/me', undefined), await apiGet(t.baseUrl, '/api/me', 'not-a-token')]) {
      assert.equal(answer.status, 401);
      assert.deepEqual(fields(answer.headers), { limit: undefined, remaining: undefined, reset: undefined });
    }
  });

  test('an upgrade shows at once in the fields; the largest plan is told to wait for the reset', async () => {
    const { token, user } = await mcpCaller(t, { plan: 'free', resource: `${t.config.appUrl}/api`, scopes: ['profile'] });
    for (let i = 0; i < FREE; i++) assert.equal((await apiGet(t.baseUrl, '/api/me', token)).status, 200);
    assert.equal((await apiGet(t.baseUrl, '/api/me', token)).status, 429);
    await setUserPlan(t.server.database.db, user.email, 'pro');
    const upgraded = await apiGet(t.baseUrl, '/api/me', token);
    assert.equal(upgraded.status, 200);
    assert.deepEqual({ limit: fields(upgraded.headers).limit, remaining: fields(upgraded.headers).remaining }, { limit: PRO, remaining: PRO - FREE - 1 });
    for (let i = FREE + 2; i <= PRO; i++) assert.equal(fields((await apiGet(t.baseUrl, '/api/me', token)).headers).remaining, PRO - i);
    const over = await apiGet(t.baseUrl, '/api/me', token);
    assert.equal(over.status, 429);
    assert.match(String(over.body.error_description), /^The daily limit of 9 requests for the pro plan is used up; .*The pro plan has the highest quota: wait for the reset\.$/);
  });

  test('OpenAPI documents the fields on every response and a 429 with Retry-After on every operation', async () => {
    const doc = (await (await fetch(`${t.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown>; content?: unknown }> }>> };
    const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
    assert.ok(operations.length >= 7);
    for (const operation of operations) {
      for (const response of Object.values(operation.responses)) assert.deepEqual(Object.keys(response.headers ?? {}).filter((name) => name.startsWith('RateLimit-')), ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']);
      assert.ok(operation.responses['429']?.headers?.['Retry-After'] && operation.responses['429'].content);
    }
  });

  test('/mcp: the fields on every reply; over the quota an isError result that says when and how to get more', async () => {
    const { token } = await mcpCaller(t, { plan: 'free' });
    const auth = { authorization: `Bearer ${token}` };
    const listed = await postMcp(t, toolsList, auth);
    assert.equal(listed.status, 200);
    assert.deepEqual({ limit: fields(listed.headers).limit, remaining: fields(listed.headers).remaining }, { limit: FREE, remaining: FREE }, 'tools/list is not counted');
    assertResetIsMidnight(fields(listed.headers).reset);
    for (let i = 1; i <= FREE; i++) {
      const answer = await postMcp(t, search, auth);
      assert.equal(answer.status, 200);
      assert.equal((answer.message?.result as { isError?: boolean }).isError, undefined);
      assert.equal(fields(answer.headers).remaining, FREE - i, `call ${i}`);
    }
    const over = await postMcp(t, search, auth);
    assert.equal(over.status, 200, 'a tool result, not an HTTP error');
    const result = over.message?.result as { isError?: boolean; content: Array<{ type: string; text: string }> };
    assert.equal(result.isError, true);
    const text = result.content.map((c) => c.text).join('');
    assert.match(text, new RegExp(`^quota_exceeded: The daily limit of ${FREE} requests for the free plan is used up; it resets at midnight UTC \\(in `));
    assert.match(text, new RegExp(`move the account to the pro plan \\(${PRO} requests a day\\)`));
    assert.deepEqual({ limit: fields(over.headers).limit, remaining: fields(over.headers).remaining }, { limit: FREE, remaining: 0 });
    assertResetIsMidnight(fields(over.headers).reset);
    const unauthenticated = await postMcp(t, toolsList);
    assert.equal(unauthenticated.status, 401);
    assert.equal(unauthenticated.headers.get('ratelimit-limit'), null);
  });
});
