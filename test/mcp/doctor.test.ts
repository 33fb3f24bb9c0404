import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { freePort, startTestServer, type TestServer } from '../helpers/server.js';

/** `larder doctor --mcp` against a real running Larder: the whole MCP sign-in, then nothing left behind. */
describe('larder doctor --mcp', () => {
  let t: TestServer;
  let env: Record<string, string>;
  const larder = async (args: string[], stdin = '', extraEnv: Record<string, string> = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTerminal: false }, Readable.from([stdin]), { NODE_ENV: 'test', ...env, ...extraEnv });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  before(async () => {
    t = await startTestServer();
    env = { DATABASE_URL: t.database.url, APP_URL: t.config.appUrl, LARDER_STORAGE: t.config.storageDir };
  });
  after(async () => t?.close());

  test('passes every step with a throwaway person, and removes the person and the client it registered', async () => {
    const result = await larder(['doctor', '--mcp', '--create-test-user']);
    assert.equal(result.code, 0, result.out + result.err);
    for (const name of ['401 from /mcp', 'protected resource metadata', 'authorization server metadata', 'dynamic client registration', 'authorize with PKCE', 'initialize', 'tools/list', 'tool call: search_foods', 'audience', 'refresh']) {
      assert.match(result.out, new RegExp(`^ok {2}\\s*${name.replace(/[/()]/g, '\\$&')}`, 'm'), name);
    }
    assert.match(result.out, /search_foods, get_food, log_food, get_diary, get_daily_summary, delete_diary_entry/);
    const db = t.server.database.db;
    assert.deepEqual(await db.selectFrom('users').select('email').where('email', 'like', 'doctor-%').execute(), [], 'the person is gone');
    assert.deepEqual(await db.selectFrom('oauth_clients').select('client_id').where('name', '=', 'Larder doctor').execute(), [], 'the client is gone');
  });

  test('--json prints the steps for scripts', async () => {
    const result = await larder(['doctor', '--mcp', '--create-test-user', '--json']);
    assert.equal(result.code, 0, result.out);
    const report = JSON.parse(result.out) as { ok: boolean; mcp_url: string; cleaned_up: boolean; steps: Array<{ status: string }> };
    assert.equal(report.ok, true);
    assert.equal(report.mcp_url, `${t.config.appUrl}/mcp`);
    assert.equal(report.cleaned_up, true);
    assert.ok(report.steps.every((s) => s.status === 'ok'));
  });

  test('a wrong password fails at the log-in with the fix', async () => {
    const result = await larder(['doctor', '--mcp', '--email', 'nobody@example.com', '--password-stdin'], 'not the password\n');
    assert.equal(result.code, 1);
    assert.match(result.out, /FAIL {2}authorize with PKCE, log in, consent: Log-in failed/);
    assert.match(result.out, /fix: Check the email and password/);
    assert.match(result.out, /skip {2}initialize/);
  });

  test('a Larder reached at another address than its APP_URL fails with the fix', async () => {
    const elsewhere = t.config.appUrl.replace('127.0.0.1', 'localhost');
    const result = await larder(['doctor', '--mcp', '--create-test-user', '--url', elsewhere]);
    assert.equal(result.code, 1);
    assert.match(result.out, /FAIL {2}protected resource metadata \(RFC 9728\): The metadata names the resource http:\/\/127\.0\.0\.1:\d+\/mcp, but clients reach http:\/\/localhost:\d+\/mcp/);
    assert.match(result.out, new RegExp(`fix: Set APP_URL=${elsewhere.replace(/[.:/]/g, '\\$&')}`));
  });

  test('nothing listening: the first step says so and how to fix it', async () => {
    const port = await freePort();
    const result = await larder(['doctor', '--mcp', '--email', 'a@example.com', '--password', 'x', '--url', `http://127.0.0.1:${port}`]);
    assert.equal(result.code, 1);
    assert.match(result.out, /FAIL {2}401 from \/mcp: Nothing answers at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
    assert.match(result.out, /fix: Is Larder running and reachable/);
  });

  test('usage mistakes exit 2', async () => {
    assert.equal((await larder(['doctor', '--mcp'])).code, 2);
    assert.equal((await larder(['doctor', '--mcp', '--create-test-user', '--client-id', 'lc_x'])).code, 2);
    // A bad --url is found before the throwaway person is made.
    for (const url of ['not a url', 'ftp://larder.example.com', 'https://larder.example.com/#x']) {
      const result = await larder(['doctor', '--mcp', '--create-test-user', '--url', url]);
      assert.equal(result.code, 2, url);
      assert.match(result.err, /--url must be/);
      assert.equal(result.out, '');
    }
    assert.deepEqual(await t.server.database.db.selectFrom('users').select('email').where('email', 'like', 'doctor-%').execute(), []);
    const help = await larder(['doctor', '--help']);
    assert.match(help.out, /--mcp/);
  });
});
