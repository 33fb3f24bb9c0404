import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createUser, listUsers } from '../../src/accounts/users.js';
import { createClient, rotateClientSecret } from '../../src/oauth/clients.js';
import { runCli } from '../../src/cli/main.js';
import type { CliOutput } from '../../src/cli/command.js';
import { Visitor } from '../accounts/visitor.js';
import { answerConsent, authorizeUrl, followAuthorization } from '../oauth/oauth-helpers.js';
import { startTestServer, type TestServer, freePort } from '../helpers/server.js';

/** A callback as the GPT builder shows it: the GPT's id is a long random string. */
const CALLBACK = 'https://chatgpt.com/aip/g-3f1c9a7e5b2d4c6a8e0f1a2b3c4d5e6f7a8b9c0d/oauth/callback';
const PASSWORD = 'correct horse battery staple';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('GPT setup commands', () => {
  let t: TestServer;
  let env: Record<string, string>;
  let clientId: string;
  let clientSecret: string;

  const larder = async (args: string[], stdin = '', output: Partial<CliOutput> = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTerminal: false, ...output }, Readable.from([stdin]), { NODE_ENV: 'test', ...env });
    return { code, out: out.join('\n'), err: err.join('\n'), both: `${out.join('\n')}\n${err.join('\n')}` };
  };
  const db = () => t.server.database.db;
  const doctorPeople = async () => (await listUsers(db())).filter((u) => u.email.endsWith('@larder.invalid'));
  const grantsOf = async (client: string) =>
    (await db().selectFrom('oauth_models').select(['id', 'account_id']).where('model', '=', 'Grant').where('client_id', '=', client).execute()).map((g) => g.account_id);
  const tokensOf = async (client: string) =>
    Number((await db().selectFrom('oauth_models').select((eb) => eb.fn.countAll().as('n')).where('model', 'in', ['AccessToken', 'RefreshToken']).where('client_id', '=', client).executeTakeFirstOrThrow()).n);
  const newClient = async (redirectUris: string[], scopes = ['foods:read', 'diary:read', 'diary:write', 'profile']) => {
    const created = await createClient(db(), { name: 'Another GPT', redirectUris, scopes });
    return { id: created.client.clientId, secret: created.clientSecret! };
  };

  before(async () => {
    t = await startTestServer();
    env = { DATABASE_URL: t.database.url, APP_URL: t.config.appUrl, LARDER_STORAGE: t.config.storageDir };
    const created = await newClient([CALLBACK]);
    clientId = created.id;
    clientSecret = created.secret;
  });
  after(async () => t?.close());

  test('gpt:config prints every GPT builder field, labelled as the builder labels it, and the privacy policy URL', async () => {
    const result = await larder(['gpt:config', clientId]);
    assert.equal(result.code, 0, result.err);
    for (const label of ['Client ID', 'Client Secret', 'Authorization URL', 'Token URL', 'Scope', 'Token Exchange Method']) {
      assert.match(result.out, new RegExp(`^\\s+${label}\\s+\\S`, 'm'), label);
    }
    assert.match(result.out, new RegExp(`Authorization URL\\s+${t.config.appUrl}/oauth/authorize`));
    assert.match(result.out, new RegExp(`Token URL\\s+${t.config.appUrl}/oauth/token`));
    assert.match(result.out, /Token Exchange Method\s+Default \(POST request\)/);
    assert.match(result.out, new RegExp(`${t.config.appUrl}/openapi.json`));
    assert.match(result.out, new RegExp(`Privacy policy[^\\n]*\\n\\s+${t.config.appUrl}/privacy`));
    assert.match(result.out, new RegExp(`${t.config.appUrl}/terms`));
    assert.match(result.out, new RegExp(`larder clients:update ${clientId} --add-redirect-uri`));
    assert.match(result.out, /rotate-secret/);
    // http://127.0.0.1 is neither https nor reachable by ChatGPT.
    assert.match(result.out, /GPT Actions need https/);
    assert.doesNotMatch(result.out, /placeholder/);
  });

  test('gpt:config --json has snake_case keys (the builder labels stay as aliases); --new-secret rotates', async () => {
    const json = JSON.parse((await larder(['gpt:config', clientId, '--json'])).out) as Record<string, unknown>;
    assert.equal(json.client_id, clientId);
    assert.equal(json.token_url, `${t.config.appUrl}/oauth/token`);
    assert.equal(json.authorization_url, `${t.config.appUrl}/oauth/authorize`);
    assert.equal(json.token_exchange_method, 'Default (POST request)');
    assert.equal(json.privacy_policy_url, `${t.config.appUrl}/privacy`);
    assert.equal(json.client_secret, null);
    assert.deepEqual(json.gpt_callbacks, [CALLBACK]);
    assert.equal(json['Client ID'], clientId);
    assert.equal(json['Client Secret'], null);
    const snake = Object.keys(json).filter((key) => /^[a-z0-9_]+$/.test(key));
    assert.ok(snake.length >= 12, snake.join(' '));
    const rotated = JSON.parse((await larder(['gpt:config', clientId, '--json', '--new-secret'])).out) as Record<string, unknown>;
    assert.equal(typeof rotated.client_secret, 'string');
    assert.equal(rotated['Client Secret'], rotated.client_secret);
    assert.notEqual(rotated.client_secret, clientSecret);
    clientSecret = String(rotated.client_secret);
  });

  test('gpt:config for a public client says what to do instead and never mentions a secret', async () => {
    const created = await createClient(db(), { name: 'An MCP app', redirectUris: [CALLBACK], isPublic: true });
    const result = await larder(['gpt:config', created.client.clientId]);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /public client/);
    assert.match(result.out, /clients:create .*without --public/);
    assert.doesNotMatch(result.out, /secret/i);
    const asJson = await larder(['gpt:config', created.client.clientId, '--json']);
    assert.equal(asJson.code, 0, asJson.err);
    const json = JSON.parse(asJson.out) as Record<string, unknown>;
    assert.equal(json.public_client, true);
    assert.ok(!Object.keys(json).some((key) => /secret/i.test(key)), Object.keys(json).join(' '));
    const rotate = await larder(['gpt:config', created.client.clientId, '--new-secret']);
    assert.equal(rotate.code, 1);
  });

  test('gpt:config warns when the only GPT callback is a placeholder', async () => {
    const placeholder = await newClient(['https://chatgpt.com/aip/g-placeholder/oauth/callback']);
    const result = await larder(['gpt:config', placeholder.id]);
    assert.match(result.out, /only GPT callback registered is a placeholder/);
  });

  test('gpt:config and clients:show name the database they searched when the client is not there', async () => {
    for (const command of ['gpt:config', 'clients:show']) {
      const result = await larder([command, 'lc_nope']);
      assert.equal(result.code, 1);
      assert.equal(result.out, '');
      assert.match(result.err, /no client lc_nope in (SQLite \S+larder\.db|PostgreSQL .+?): is the server on another DATABASE_URL\?/);
    }
  });

  test('doctor runs the whole ChatGPT sign-in, passes on a good setup, and leaves no person, grant or token behind', async () => {
    const result = await larder(['doctor', '--client-id', clientId, '--client-secret', clientSecret, '--create-test-user', '--json']);
    assert.equal(result.code, 0, result.both);
    const report = JSON.parse(result.out) as { ok: boolean; redirect_uri: string; steps: Array<{ name: string; status: string }>; cleanup: Record<string, unknown> };
    assert.equal(report.ok, true);
    assert.equal(report.redirect_uri, CALLBACK);
    assert.deepEqual(
      report.steps.map((s) => s.name),
      ['redirect URI', 'discovery', 'openapi', 'authorize, log in, consent', 'token: secret in the body (Default POST request)', 'token: HTTP Basic (Basic authorization header)', 'API call', 'refresh', 'revoke'],
    );
    assert.ok(report.steps.every((s) => s.status === 'ok' || (s.name === 'openapi' && s.status === 'warn')), JSON.stringify(report.steps));
    assert.equal(report.cleanup.deleted_test_user, true);
    assert.deepEqual(await doctorPeople(), []);
    assert.deepEqual(await grantsOf(clientId), []);
    assert.equal(await tokensOf(clientId), 0);
  });

  test('doctor explains a wrong secret, and still removes the person and the grant its consent created', async () => {
    const result = await larder(['doctor', '--client-id', clientId, '--client-secret-stdin', '--create-test-user'], 'not-the-secret\n');
    assert.equal(result.code, 1, result.both);
    assert.match(result.out, /FAIL\s+token: secret in the body.*invalid_client/);
    assert.match(result.out, new RegExp(`fix: .*larder clients:rotate-secret ${clientId}`));
    assert.match(result.out, /skip\s+API call/);
    assert.match(result.out, /Clean-up: deleted the test person doctor-\w+@larder\.invalid; revoked 1 grant/);
    assert.deepEqual(await doctorPeople(), []);
    assert.deepEqual(await grantsOf(clientId), []);
  });

  test('doctor passes with a real secret that starts with a dash (one in 64 does: the old flake)', async () => {
    const client = await newClient([CALLBACK]);
    let secret = client.secret;
    for (let tries = 0; !secret.startsWith('-') && tries < 2000; tries++) secret = (await rotateClientSecret(db(), client.id)).clientSecret!;
    assert.ok(secret.startsWith('-'), 'no secret starting with "-" in 2000 rotations');
    const result = await larder(['doctor', '--client-id', client.id, '--client-secret', secret, '--create-test-user']);
    assert.equal(result.code, 0, result.both);
  });

  test('a secret that starts with a dash is read as the secret, not as an option', async () => {
    const result = await larder(['doctor', '--client-id', clientId, '--client-secret', '-Xnot-the-secret', '--create-test-user']);
    assert.equal(result.code, 1, result.both);
    assert.match(result.out, /invalid_client/);
    assert.equal((await larder(['doctor', '--client-id', clientId, '--client-secret', '--create-test-user'])).code, 2);
  });

  test('doctor revokes the tokens it holds when a step fails after they were issued', async () => {
    const profileOnly = await newClient([CALLBACK], ['profile']);
    const result = await larder(['doctor', '--client-id', profileOnly.id, '--client-secret', profileOnly.secret, '--create-test-user', '--json']);
    assert.equal(result.code, 1, result.both);
    const report = JSON.parse(result.out) as { steps: Array<{ name: string; status: string; detail: string }>; cleanup: { revoked_refresh_tokens: number } };
    assert.equal(report.steps.find((s) => s.name === 'API call')?.status, 'fail');
    assert.ok(report.cleanup.revoked_refresh_tokens >= 1);
    assert.deepEqual(await doctorPeople(), []);
    assert.deepEqual(await grantsOf(profileOnly.id), []);
    assert.equal(await tokensOf(profileOnly.id), 0);
  });

  test('doctor removes its person even when the run itself breaks off', async () => {
    let lines = 0;
    const result = await larder(['doctor', '--client-id', clientId, '--client-secret', clientSecret, '--create-test-user'], '', {
      out: () => {
        // The output breaking (a closed pipe) in the middle of the steps.
        if (++lines === 5) throw new Error('EPIPE: the output went away');
      },
    });
    assert.equal(result.code, 1);
    assert.match(result.err, /EPIPE/);
    assert.deepEqual(await doctorPeople(), []);
    assert.deepEqual(await grantsOf(clientId), []);
    assert.equal(await tokensOf(clientId), 0);
  });

  test('doctor fails with the exact fix when the only registered redirect URI is a placeholder', async () => {
    const placeholder = 'https://chatgpt.com/aip/g-placeholder/oauth/callback';
    const client = await newClient([placeholder]);
    const result = await larder(['doctor', '--client-id', client.id, '--client-secret', client.secret, '--create-test-user']);
    assert.equal(result.code, 1, result.both);
    assert.match(result.out, new RegExp(`FAIL\\s+redirect URI: The only registered redirect URI, ${escape(placeholder)}, is a placeholder`));
    assert.match(result.out, new RegExp(`fix: .*Callback URL.*larder clients:update ${client.id} --redirect-uri "<the Callback URL>"`));
    // The rest still ran, so one run shows every problem; the verdict is a failure.
    assert.match(result.out, /ok\s+revoke/);
    assert.match(result.out, /Some steps failed/);
    assert.doesNotMatch(result.out, /All steps passed/);
  });

  test('doctor fails when no registered redirect URI is a ChatGPT callback', async () => {
    const client = await newClient(['https://app.example.com/oauth/callback']);
    const result = await larder(['doctor', '--client-id', client.id, '--client-secret', client.secret, '--create-test-user']);
    assert.equal(result.code, 1, result.both);
    assert.match(result.out, /FAIL\s+redirect URI: The only registered redirect URI, https:\/\/app\.example\.com\/oauth\/callback, is not a ChatGPT callback/);
    assert.match(result.out, new RegExp(`larder clients:update ${client.id} --redirect-uri`));
  });

  test('doctor says an unknown client is unknown, names the database, and creates nobody', async () => {
    const result = await larder(['doctor', '--client-id', 'lc_unknown', '--client-secret', 'x', '--create-test-user']);
    assert.equal(result.code, 1, result.both);
    assert.match(result.err, /no client lc_unknown in (SQLite|PostgreSQL) .*is the server on another DATABASE_URL\?/);
    assert.doesNotMatch(result.both, /--redirect-uri is required/);
    assert.deepEqual(await doctorPeople(), []);
  });

  test('doctor checking the server only (the client is in no database here) says the server does not know the client', async () => {
    await createUser(db(), { email: 'uma@example.com', password: PASSWORD, name: 'Uma' });
    const result = await larder(['doctor', '--client-id', 'lc_elsewhere', '--client-secret', 'x', '--email', 'uma@example.com', '--password', PASSWORD, '--redirect-uri', CALLBACK]);
    assert.equal(result.code, 1, result.both);
    assert.match(result.out, /Note: client lc_elsewhere is not in (SQLite|PostgreSQL) .*checks the server only/);
    assert.match(result.out, /FAIL\s+authorize, log in, consent: Larder does not know the client lc_elsewhere \(400\)/);
    assert.match(result.out, /fix: Check the Client ID \(larder clients:list\)/);
    assert.doesNotMatch(result.both, /--redirect-uri is required|not registered for this client/);
    assert.match(result.out, /Clean-up: the database here is not the server's \(the client is not in it\)/);
  });

  test('a bad --url is a usage error before anything is created', async () => {
    for (const url of ['not a url', 'ftp://larder.example.com', 'https://larder.example.com/?x=1']) {
      const result = await larder(['doctor', '--url', url, '--client-id', clientId, '--client-secret', clientSecret, '--create-test-user']);
      assert.equal(result.code, 2, url);
      assert.match(result.err, /--url must be/);
      assert.equal(result.out, '');
    }
    assert.deepEqual(await doctorPeople(), []);
  });

  test('doctor --email signs in as that person and revokes the grant it created on their account', async () => {
    const person = await createUser(db(), { email: 'dora@example.com', password: PASSWORD, name: 'Dora' });
    const result = await larder(['doctor', '--client-id', clientId, '--client-secret', clientSecret, '--email', 'dora@example.com', '--password-stdin'], `${PASSWORD}\n`);
    assert.equal(result.code, 0, result.both);
    assert.match(result.out, /as dora@example\.com/);
    assert.ok((await listUsers(db())).some((u) => u.id === person.id), 'the person stays');
    assert.deepEqual(await grantsOf(clientId), []);
    assert.equal(await tokensOf(clientId), 0);
  });

  test('doctor --email refuses a person who has already connected the client, and leaves that connection alone', async () => {
    await createUser(db(), { email: 'erin@example.com', password: PASSWORD, name: 'Erin' });
    const visitor = new Visitor(t.baseUrl);
    const consent = await followAuthorization(visitor, authorizeUrl({ response_type: 'code', client_id: clientId, redirect_uri: CALLBACK, state: 's', scope: '' }), {
      login: { email: 'erin@example.com', password: PASSWORD },
    });
    const approved = await answerConsent(visitor, consent.page!, 'allow', consent.trail);
    assert.ok(approved.redirect?.searchParams.get('code'));
    const before = await grantsOf(clientId);
    assert.equal(before.length, 1);
    const result = await larder(['doctor', '--client-id', clientId, '--client-secret', clientSecret, '--email', 'erin@example.com', '--password', PASSWORD]);
    assert.equal(result.code, 1, result.both);
    assert.match(result.err, /erin@example\.com has already connected client .*would end that connection.*--create-test-user/);
    assert.deepEqual(await grantsOf(clientId), before);
  });

  test('doctor --email names the database when the person is not in it', async () => {
    const result = await larder(['doctor', '--client-id', clientId, '--client-secret', clientSecret, '--email', 'nobody@example.com', '--password', PASSWORD]);
    assert.equal(result.code, 1);
    assert.match(result.err, /no account nobody@example\.com in (SQLite|PostgreSQL) .*is the server on another DATABASE_URL\?/);
  });

  test('doctor explains an unregistered callback with the registered ones and the exact command', async () => {
    const other = 'https://chatgpt.com/aip/g-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d/oauth/callback';
    const result = await larder(['doctor', '--client-id', clientId, '--client-secret', clientSecret, '--create-test-user', '--redirect-uri', other]);
    assert.equal(result.code, 1);
    assert.match(result.out, new RegExp(`not registered.*Registered: ${escape(CALLBACK)}`));
    assert.match(result.out, new RegExp(`larder clients:update ${clientId} --add-redirect-uri "${escape(other)}"`));
    assert.deepEqual(await doctorPeople(), []);
  });

  test('doctor explains an issuer that differs from the address used', async () => {
    const result = await larder(['doctor', '--url', t.config.appUrl.replace('127.0.0.1', 'localhost'), '--client-id', clientId, '--client-secret', clientSecret, '--create-test-user']);
    assert.equal(result.code, 1);
    assert.match(result.out, /FAIL\s+discovery: The issuer is .* but Larder was reached at/);
    assert.match(result.out, /fix: Set APP_URL=/);
  });

  test('doctor says when nothing answers, and removes the person it made', async () => {
    const port = await freePort();
    const result = await larder(['doctor', '--url', `http://127.0.0.1:${port}`, '--client-id', clientId, '--client-secret', clientSecret, '--create-test-user']);
    assert.equal(result.code, 1);
    assert.match(result.out, /Nothing answers at/);
    assert.deepEqual(await doctorPeople(), []);
  });

  test('doctor needs a client and credentials', async () => {
    assert.equal((await larder(['doctor'])).code, 2);
    assert.equal((await larder(['doctor', '--client-id', clientId, '--client-secret', 'x'])).code, 2);
    assert.equal((await larder(['doctor', '--client-id', clientId, '--client-secret', 'x', '--create-test-user', '--email', 'a@example.com'])).code, 2);
    assert.equal((await larder(['doctor', '--client-id', clientId, '--client-secret', 'x', '--email', 'a@example.com'])).code, 2);
  });
});
