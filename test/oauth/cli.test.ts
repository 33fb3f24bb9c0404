import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { createKyselyAdapter } from '../../src/oauth/adapter.js';
import { findClient, verifyClientSecret } from '../../src/oauth/clients.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('larder clients:*, keys:generate, tokens:purge', () => {
  let database: TestDatabase;
  let storage: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    database = await createTestDatabase();
    storage = mkdtempSync(path.join(os.tmpdir(), 'larder-keys-'));
    env = { NODE_ENV: 'test', DATABASE_URL: database.url, LARDER_STORAGE: storage };
  });
  after(async () => {
    await database.drop();
    rmSync(storage, { recursive: true, force: true });
  });

  async function larder(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCli(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), isTerminal: false }, process.stdin, env);
    return { code, out, err };
  }

  test('clients:create prints the id and the secret once, and stores only a hash', async () => {
    const created = await larder('clients:create', '--name', 'Larder GPT', '--redirect-uri', 'https://chat.openai.com/aip/g-1/oauth/callback', '--scope', 'foods:read profile', '--json');
    assert.equal(created.code, 0, created.err);
    const json = JSON.parse(created.out) as { client_id: string; client_secret: string; scope: string; redirect_uris: string[] };
    assert.match(json.client_id, /^lc_/);
    assert.ok(json.client_secret.length >= 43);
    assert.equal(json.scope, 'foods:read profile');
    const row = await database.db.selectFrom('oauth_clients').selectAll().where('client_id', '=', json.client_id).executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(row).includes(json.client_secret), 'the plain secret is not stored');
    assert.ok(await verifyClientSecret(database.db, json.client_id, json.client_secret));

    const human = await larder('clients:create', '--name', 'Plain', '--redirect-uri', 'http://localhost:8080/cb');
    assert.equal(human.code, 0, human.err);
    assert.match(human.out, /Client secret: +\S{43}/);

    const shown = await larder('clients:show', json.client_id, '--json');
    assert.equal(JSON.parse(shown.out).client_secret, undefined, 'never shown again');

    const list = await larder('clients:list', '--json');
    assert.equal((JSON.parse(list.out) as unknown[]).length, 2);
  });

  test('clients:create validates redirect URIs and scopes', async () => {
    for (const bad of ['http://example.com/cb', 'not a url', 'https://example.com/cb#frag', 'javascript:alert(1)']) {
      const result = await larder('clients:create', '--name', 'X', '--redirect-uri', bad);
      assert.equal(result.code, 1, bad);
      assert.ok(result.err.length > 0);
    }
    const scope = await larder('clients:create', '--name', 'X', '--redirect-uri', 'https://a.example/cb', '--scope', 'foods:read admin');
    assert.equal(scope.code, 1);
    assert.match(scope.err, /Unknown scope "admin"/);
    assert.equal((await larder('clients:create', '--name', 'X')).code, 2, 'missing --redirect-uri is a usage error');
    // Without --name the consent page still names the client sensibly (the issue's `clients:create --redirect-uri … --json`).
    const unnamed = JSON.parse((await larder('clients:create', '--redirect-uri', 'https://chatgpt.com/aip/g-test/oauth/callback', '--json')).out) as { name: string };
    assert.equal(unnamed.name, 'Custom GPT');
  });

  test('clients:update replaces or adds redirect URIs (the GPT callback known only after saving)', async () => {
    const created = JSON.parse((await larder('clients:create', '--name', 'GPT', '--redirect-uri', 'https://placeholder.example/cb', '--public', '--json')).out) as { client_id: string; client_secret?: string };
    assert.equal(created.client_secret, undefined, 'public clients have no secret');
    const replaced = await larder('clients:update', created.client_id, '--redirect-uri', 'https://chat.openai.com/aip/g-2/oauth/callback', '--name', 'Renamed', '--json');
    assert.equal(replaced.code, 0, replaced.err);
    assert.deepEqual(JSON.parse(replaced.out).redirect_uris, ['https://chat.openai.com/aip/g-2/oauth/callback']);
    const added = await larder('clients:update', created.client_id, '--add-redirect-uri', 'https://chatgpt.com/aip/g-2/oauth/callback', '--json');
    assert.deepEqual(JSON.parse(added.out).redirect_uris, ['https://chat.openai.com/aip/g-2/oauth/callback', 'https://chatgpt.com/aip/g-2/oauth/callback']);
    assert.equal(JSON.parse(added.out).name, 'Renamed');
    assert.equal((await larder('clients:update', 'lc_missing', '--name', 'x')).code, 1);
  });

  test('clients:rotate-secret invalidates the old secret; clients:delete revokes everything issued to the client', async () => {
    const created = JSON.parse((await larder('clients:create', '--name', 'R', '--redirect-uri', 'https://r.example/cb', '--json')).out) as { client_id: string; client_secret: string };
    const rotated = JSON.parse((await larder('clients:rotate-secret', created.client_id, '--json')).out) as { client_secret: string };
    assert.notEqual(rotated.client_secret, created.client_secret);
    assert.equal(await verifyClientSecret(database.db, created.client_id, created.client_secret), false);
    assert.equal(await verifyClientSecret(database.db, created.client_id, rotated.client_secret), true);

    const Adapter = createKyselyAdapter(database.db);
    await new Adapter('Grant').upsert('g-1', { jti: 'g-1', clientId: created.client_id, accountId: 'u-1' }, 3600);
    await new Adapter('AccessToken').upsert('at-1', { jti: 'at-1', clientId: created.client_id, accountId: 'u-1', grantId: 'g-1' }, 3600);
    const deleted = await larder('clients:delete', created.client_id, '--json');
    assert.equal(deleted.code, 0, deleted.err);
    assert.equal(await findClient(database.db, created.client_id), undefined);
    assert.equal(await new Adapter('AccessToken').find('at-1'), undefined);
    assert.equal(await new Adapter('Grant').find('g-1'), undefined);
    assert.equal((await larder('clients:delete', created.client_id)).code, 1);
  });

  test('keys:generate writes a private JWKS (0600), refuses to overwrite, rotates with --force keeping the old key', async () => {
    const first = await larder('keys:generate', '--json');
    assert.equal(first.code, 0, first.err);
    const { file, kid } = JSON.parse(first.out) as { file: string; kid: string };
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const refused = await larder('keys:generate');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /--force/);
    const rotated = JSON.parse((await larder('keys:generate', '--force', '--json')).out) as { kid: string; kept: string[] };
    assert.deepEqual(rotated.kept, [kid]);
    const jwks = JSON.parse(readFileSync(file, 'utf8')) as { keys: Array<{ kid: string; d?: string }> };
    assert.deepEqual(jwks.keys.map((k) => k.kid), [rotated.kid, kid]);
    assert.ok(jwks.keys.every((k) => typeof k.d === 'string'));
  });

  test('tokens:purge deletes expired rows', async () => {
    const Adapter = createKyselyAdapter(database.db, { now: () => Math.floor(Date.now() / 1000) - 7200 });
    await new Adapter('AccessToken').upsert('old', { jti: 'old' }, 60);
    const result = await larder('tokens:purge', '--json');
    assert.equal(result.code, 0, result.err);
    assert.ok((JSON.parse(result.out) as { deleted: number }).deleted >= 1);
    // Nothing left to delete: the text names the database it looked in.
    assert.match((await larder('tokens:purge')).out, /^Deleted 0 expired row\(s\) in (SQLite|PostgreSQL) /);
  });
});
