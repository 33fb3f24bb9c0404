import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config.js';
import { generateSigningKey, signingKeysPath } from '../../src/oauth/keys.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { csrfIn, Visitor } from '../accounts/visitor.js';
import { answerConsent, apiGet, authorizeUrl, followAuthorization, GPT_CALLBACK, PASSWORD, postForm, startOAuthTestServer, type OAuthTestServer } from '../oauth/oauth-helpers.js';
import { freePort } from '../helpers/server.js';

/** Short, so the test waits well under a second per rotation; servers default to 15 s. */
const POLL_MS = 150;

async function kids(baseUrl: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/oauth/jwks`);
  assert.equal(response.status, 200);
  const body = (await response.json()) as { keys: Array<{ kid: string; d?: string }> };
  assert.ok(body.keys.every((key) => key.d === undefined), 'no private key material on /oauth/jwks');
  return body.keys.map((key) => key.kid);
}

/** Polls /oauth/jwks until `kid` signs (comes first); returns how long it took. */
async function waitForKey(baseUrl: string, kid: string, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await kids(baseUrl))[0] === kid) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${baseUrl} did not serve ${kid} within ${timeoutMs} ms: ${(await kids(baseUrl)).join(', ')}`);
}

describe('key rotation reaches running servers', () => {
  let first: OAuthTestServer;
  let second: RunningServer;
  let secondUrl: string;
  let env: Record<string, string>;
  const larder = async (args: string[], extraEnv: Record<string, string> = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTerminal: false }, Readable.from([]), { ...env, ...extraEnv });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  const storage = mkdtempSync(path.join(os.tmpdir(), 'larder-rotation-'));

  before(async () => {
    first = await startOAuthTestServer({ LARDER_KEYS_POLL_MS: String(POLL_MS), LARDER_STORAGE: storage });
    env = { NODE_ENV: 'test', DATABASE_URL: first.database.url, APP_URL: first.config.appUrl, LARDER_STORAGE: first.config.storageDir, LARDER_KEYS_POLL_MS: String(POLL_MS) };
    // A second instance on the same database and keys file, as behind a load balancer.
    const port = await freePort();
    secondUrl = `http://127.0.0.1:${port}`;
    second = await startServer(
      loadConfig({ ...env, PORT: String(port), APP_URL: first.config.appUrl, LARDER_BUNDLED_CATALOG: 'false' }, { readEnvFile: false }),
    );
  });
  after(async () => {
    await second?.stop();
    await first?.close();
    rmSync(storage, { recursive: true, force: true });
  });

  test('after keys:generate --force every instance serves the new key, and nothing signed before stops working', async (context) => {
    const before = await kids(first.baseUrl);
    assert.deepEqual(await kids(secondUrl), before);
    const { client, clientSecret } = await first.createClient();

    // A token issued before the rotation, and a sign-in left open on its consent page.
    const visitor = new Visitor(first.baseUrl);
    const signIn = (state: string) => followAuthorization(visitor, authorizeUrl({ response_type: 'code', client_id: client.clientId, redirect_uri: GPT_CALLBACK, state, scope: '' }), { login: { email: first.user.email, password: PASSWORD } });
    const exchange = (code: string) => postForm(first.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: GPT_CALLBACK, client_id: client.clientId, client_secret: clientSecret! });
    const consent = await signIn('before');
    const approved = await answerConsent(visitor, consent.page!, 'allow', consent.trail);
    const tokens = await exchange(approved.redirect!.searchParams.get('code')!);
    assert.equal(tokens.status, 200);
    // Another person's sign-in, begun before the rotation and left on the log-in page.
    const late = new Visitor(first.baseUrl);
    const pending = await followAuthorization(late, authorizeUrl({ response_type: 'code', client_id: client.clientId, redirect_uri: GPT_CALLBACK, state: 'open', scope: '' }));
    const loginPage = new URL(pending.trail.at(-1)!);
    assert.equal(loginPage.pathname, '/login');

    const rotated = await larder(['keys:generate', '--force', '--json']);
    assert.equal(rotated.code, 0, rotated.err);
    const result = JSON.parse(rotated.out) as { kid: string; kept: string[]; running_servers: string };
    assert.deepEqual(result.kept, before.slice(0, 2));
    assert.match(result.running_servers, /serve the new key on \/oauth\/jwks within 1 s, without a restart/);

    const [tookFirst, tookSecond] = await Promise.all([waitForKey(first.baseUrl, result.kid), waitForKey(secondUrl, result.kid)]);
    assert.ok(tookFirst < 5_000 && tookSecond < 5_000, `${tookFirst} ms, ${tookSecond} ms`);
    assert.deepEqual(await kids(first.baseUrl), [result.kid, ...result.kept]);
    assert.deepEqual(await kids(secondUrl), [result.kid, ...result.kept]);

    // What was issued before still works, on both instances.
    assert.equal((await apiGet(first.baseUrl, '/api/me', String(tokens.body.access_token))).status, 200);
    assert.equal((await apiGet(secondUrl, '/api/me', String(tokens.body.access_token))).status, 200);
    const refreshed = await postForm(secondUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: String(tokens.body.refresh_token), client_id: client.clientId, client_secret: clientSecret! });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    // The browser's oidc-provider cookies were signed with the old key: a new sign-in from it still completes.
    const again = await signIn('after');
    assert.ok(again.redirect?.searchParams.get('code'), again.trail.join(' -> '));
    assert.equal(again.redirect?.searchParams.get('state'), 'after');
    assert.equal((await exchange(again.redirect!.searchParams.get('code')!)).status, 200);
    // The sign-in begun before the rotation finishes after it.
    const bob = await first.createUser('bob@example.com');
    const loggedIn = await late.post('/login', { _csrf: csrfIn(pending.page!.body), email: bob.email, password: PASSWORD, return_to: loginPage.searchParams.get('return_to') ?? '' });
    assert.ok(loggedIn.location, `log-in answered ${loggedIn.status}`);
    let finished = await followAuthorization(late, loggedIn.location);
    if (finished.page && /class="consent"/.test(finished.page.body)) finished = await answerConsent(late, finished.page, 'allow', finished.trail);
    assert.equal(finished.redirect?.searchParams.get('state'), 'open', finished.trail.join(' -> '));
    assert.equal((await exchange(finished.redirect!.searchParams.get('code')!)).status, 200);
    context.diagnostic(`new key served after ${tookFirst} ms (first instance) and ${tookSecond} ms (second), polling every ${POLL_MS} ms`);
  });

  test('a broken keys file is logged and ignored: the keys in use keep working', async () => {
    const before = await kids(first.baseUrl);
    writeFileSync(signingKeysPath(first.config.storageDir), '{"keys": [ half-written');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 4));
    assert.deepEqual(await kids(first.baseUrl), before);
    // Fixed by hand later: picked up like any rotation.
    const key = generateSigningKey();
    writeFileSync(signingKeysPath(first.config.storageDir), JSON.stringify({ keys: [key] }), { mode: 0o600 });
    await waitForKey(first.baseUrl, key.kid);
    await waitForKey(secondUrl, key.kid);
  });

  test('with LARDER_SIGNING_KEYS the command says exactly what to do, and keeps the keys in use', async () => {
    const inUse = generateSigningKey();
    const result = await larder(['keys:generate', '--force'], { LARDER_SIGNING_KEYS: JSON.stringify({ keys: [inUse] }) });
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, new RegExp(`Kept for verification: ${inUse.kid}\\.`));
    assert.match(result.out, /servers read it only when they start\. Put the content of \S+signing-keys\.json in LARDER_SIGNING_KEYS on every instance, restart them one at a time/);
  });
});
