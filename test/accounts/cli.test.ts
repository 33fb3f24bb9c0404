import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { openDatabase } from '../../src/db/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const PASSWORD = 'correct horse battery staple';

describe('larder users:*', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let scratch: string;
  const printed: string[] = [];

  before(async () => {
    database = await createTestDatabase();
    await database.close();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'larder-users-'));
    env = { NODE_ENV: 'test', DATABASE_URL: database.url, LARDER_STORAGE: scratch };
  });
  after(async () => {
    await database?.drop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  async function larder(args: string[], stdin: NodeJS.ReadableStream = Readable.from([])) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), isTerminal: false }, stdin, env);
    printed.push(...out, ...err);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  test('users:create --json prints the new account, never the password', async () => {
    const result = await larder(['users:create', '--email', 'Ann@Example.com', '--password', PASSWORD, '--name', 'Ann', '--plan', 'pro', '--json']);
    assert.equal(result.code, 0, result.err);
    const user = JSON.parse(result.out) as Record<string, unknown>;
    assert.equal(user.email, 'ann@example.com');
    assert.equal(user.name, 'Ann');
    assert.equal(user.plan, 'pro');
    assert.match(String(user.id), /^usr_/);
    // snake_case like every command's --json; createdAt and timeZone, the keys before, stay as aliases.
    assert.deepEqual(Object.keys(user).sort(), ['createdAt', 'created_at', 'email', 'id', 'name', 'plan', 'timeZone', 'time_zone']);
    assert.equal(user.created_at, user.createdAt);
    assert.equal(user.time_zone, user.timeZone);
  });

  test('users:create --password-stdin reads the password from standard input', async () => {
    const result = await larder(['users:create', '--email', 'bea@example.com', '--password-stdin'], Readable.from([`${PASSWORD}\n`]));
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /^Created bea@example\.com \(bea\), plan free, id usr_/);
    // The password read from stdin (without its line break) is the one that logs in.
    const opened = await openDatabase(database.config);
    try {
      const { logIn } = await import('../../src/accounts/login.js');
      const { createRateLimiter } = await import('../../src/limits/index.js');
      const limiter = createRateLimiter({ db: opened.db });
      assert.equal((await logIn({ db: opened.db, limiter }, { email: 'bea@example.com', password: PASSWORD, ip: '192.0.2.1', knownDevice: () => undefined })).outcome, 'success');
    } finally {
      await opened.close();
    }
  });

  test('users:create reports bad input and a taken email on stderr with a non-zero exit', async () => {
    const short = await larder(['users:create', '--email', 'cal@example.com', '--password', 'short']);
    assert.equal(short.code, 1);
    assert.match(short.err, /at least 10 characters/);
    assert.equal(short.out, '');
    const taken = await larder(['users:create', '--email', 'ANN@example.com', '--password', PASSWORD]);
    assert.equal(taken.code, 1);
    assert.match(taken.err, /already exists/);
    const both = await larder(['users:create', '--email', 'd@example.com', '--password', PASSWORD, '--password-stdin']);
    assert.equal(both.code, 2);
    const neither = await larder(['users:create', '--email', 'd@example.com']);
    assert.equal(neither.code, 2);
    assert.match(neither.err, /--password or --password-stdin is required/);
    const badPlan = await larder(['users:create', '--email', 'd@example.com', '--password', PASSWORD, '--plan', 'gold']);
    assert.equal(badPlan.code, 2);
    assert.match(badPlan.err, /free, pro/);
  });

  test('users:plan moves an account between plans; an unknown email fails', async () => {
    const result = await larder(['users:plan', 'bea@example.com', 'pro']);
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, 'bea@example.com is now on the pro plan.');
    const json = JSON.parse((await larder(['users:plan', 'bea@example.com', 'free', '--json'])).out) as Record<string, unknown>;
    assert.equal(json.plan, 'free');
    assert.equal(typeof json.created_at, 'string');
    assert.equal((await larder(['users:plan', 'bea@example.com', 'pro'])).code, 0);
    const unknown = await larder(['users:plan', 'nobody@example.com', 'pro']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /No account has the email nobody@example\.com/);
    const badPlan = await larder(['users:plan', 'bea@example.com', 'platinum']);
    assert.equal(badPlan.code, 2);
  });

  test('users:list prints a table, or JSON with --json', async () => {
    const table = await larder(['users:list']);
    assert.equal(table.code, 0);
    assert.match(table.out, /^EMAIL\s+NAME\s+PLAN\s+CREATED\s+ID/);
    assert.match(table.out, /ann@example\.com\s+Ann\s+pro/);
    assert.match(table.out, /bea@example\.com\s+bea\s+pro/);
    const json = await larder(['users:list', '--json']);
    const users = JSON.parse(json.out) as Array<{ email: string }>;
    assert.deepEqual(users.map((u) => u.email), ['ann@example.com', 'bea@example.com']);
  });

  test('every users command has --help, and no output ever contained a password', async () => {
    for (const name of ['users:create', 'users:plan', 'users:list']) {
      const help = await larder([name, '--help']);
      assert.equal(help.code, 0);
      assert.match(help.out, new RegExp(`Usage: larder ${name}`));
    }
    for (const text of printed) assert.ok(!text.includes(PASSWORD), 'a password was printed');
  });
});
