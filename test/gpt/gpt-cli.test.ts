import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createClient } from '../../src/oauth/clients.js';
import { runCli } from '../../src/cli/main.js';
import { startTestServer, type TestServer, freePort } from '../helpers/server.js';

const CALLBACK = 'https://chatgpt.com/aip/g-test/oauth/callback';

describe('GPT setup commands', () => {
  let t: TestServer;
  let env: Record<string, string>;
  let clientId: string;
  let clientSecret: string;

  const larder = async (args: string[], stdin = '') => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTerminal: false }, Readable.from([stdin]), { NODE_ENV: 'test', ...env });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  before(async () => {
    t = await startTestServer();
    env = { DATABASE_URL: t.database.url, APP_URL: t.config.appUrl, LARDER_STORAGE: t.config.storageDir };
    const created = await createClient(t.server.database.db, { name: 'Larder GPT', redirectUris: [CALLBACK], scopes: ['foods:read', 'diary:read', 'diary:write', 'profile'] });
    clientId = created.client.clientId;
    clientSecret = created.clientSecret!;
  });
  after(async () => t?.close());

  test('gpt:config prints every GPT builder field, labelled as the builder labels it', async () => {
    const result = await larder(['gpt:config', clientId]);
    assert.equal(result.code, 0, result.err);
    for (const label of ['Client ID', 'Client Secret', 'Authorization URL', 'Token URL', 'Scope', 'Token Exchange Method']) {
      assert.match(result.out, new RegExp(`^\\s+${label}\\s+\\S`, 'm'), label);
    }
    assert.match(result.out, new RegExp(`Authorization URL\\s+${t.config.appUrl}/oauth/authorize`));
    assert.match(result.out, new RegExp(`Token URL\\s+${t.config.appUrl}/oauth/token`));
    assert.match(result.out, /Token Exchange Method\s+Default \(POST request\)/);
    assert.match(result.out, new RegExp(`${t.config.appUrl}/openapi.json`));
    assert.match(result.out, new RegExp(`larder clients:update ${clientId} --add-redirect-uri`));
    assert.match(result.out, /rotate-secret/);
    // http://127.0.0.1 is neither https nor reachable by ChatGPT.
    assert.match(result.out, /GPT Actions need https/);
  });

  test('gpt:config --json is for scripts; --new-secret rotates and shows the new secret', async () => {
    const json = JSON.parse((await larder(['gpt:config', clientId, '--json'])).out) as Record<string, unknown>;
    assert.equal(json['Client ID'], clientId);
    assert.equal(json['Token URL'], `${t.config.appUrl}/oauth/token`);
    assert.equal(json['Client Secret'], null);
    const rotated = JSON.parse((await larder(['gpt:config', clientId, '--json', '--new-secret'])).out) as Record<string, unknown>;
    assert.equal(typeof rotated['Client Secret'], 'string');
    assert.notEqual(rotated['Client Secret'], clientSecret);
    clientSecret = String(rotated['Client Secret']);
  });

  test('gpt:config names an unknown client as the problem', async () => {
    const result = await larder(['gpt:config', 'lc_nope']);
    assert.equal(result.code, 1);
    assert.match(result.err, /no client has the id "lc_nope"/);
  });

  test('doctor runs the whole ChatGPT sign-in and passes on a good setup', async () => {
    const result = await larder(['doctor', '--client-id', clientId, '--client-secret', clientSecret, '--create-test-user', '--json']);
    const report = JSON.parse(result.out) as { ok: boolean; steps: Array<{ name: string; status: string; detail: string }> };
    assert.equal(result.code, 0, result.out);
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.steps.map((s) => s.name),
      ['discovery', 'openapi', 'authorize, log in, consent', 'token: secret in the body (Default POST request)', 'token: HTTP Basic (Basic authorization header)', 'API call', 'refresh', 'revoke'],
    );
    assert.ok(report.steps.every((s) => s.status === 'ok' || (s.name === 'openapi' && s.status === 'warn')));
  });

  test('doctor explains a wrong secret and how to fix it', async () => {
    const result = await larder(['doctor', '--client-id', clientId, '--client-secret-stdin', '--create-test-user'], 'not-the-secret\n');
    assert.equal(result.code, 1);
    assert.match(result.out, /FAIL\s+token: secret in the body.*invalid_client/);
    assert.match(result.out, new RegExp(`fix: .*larder clients:rotate-secret ${clientId}`));
    assert.match(result.out, /skip\s+API call/);
  });

  test('doctor explains an unregistered callback with the registered ones and the exact command', async () => {
    const other = 'https://chatgpt.com/aip/g-other/oauth/callback';
    const result = await larder(['doctor', '--client-id', clientId, '--client-secret', clientSecret, '--create-test-user', '--redirect-uri', other]);
    assert.equal(result.code, 1);
    assert.match(result.out, new RegExp(`not registered.*Registered: ${CALLBACK.replace(/[.?]/g, '\\$&')}`));
    assert.match(result.out, new RegExp(`larder clients:update ${clientId} --add-redirect-uri "${other.replace(/[.?]/g, '\\$&')}"`));
  });

  test('doctor explains an issuer that differs from the address used', async () => {
    const result = await larder(['doctor', '--url', t.config.appUrl.replace('127.0.0.1', 'localhost'), '--client-id', clientId, '--client-secret', clientSecret, '--create-test-user']);
    assert.equal(result.code, 1);
    assert.match(result.out, /FAIL\s+discovery: The issuer is .* but Larder was reached at/);
    assert.match(result.out, /fix: Set APP_URL=/);
  });

  test('doctor says when nothing answers', async () => {
    const port = await freePort();
    const result = await larder(['doctor', '--url', `http://127.0.0.1:${port}`, '--client-id', clientId, '--client-secret', clientSecret, '--create-test-user']);
    assert.equal(result.code, 1);
    assert.match(result.out, /Nothing answers at/);
  });

  test('doctor needs a client and credentials', async () => {
    assert.equal((await larder(['doctor'])).code, 2);
    assert.equal((await larder(['doctor', '--client-id', clientId, '--client-secret', 'x'])).code, 2);
  });
});
