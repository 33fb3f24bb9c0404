import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createUser, findCredentials } from '../../src/accounts/users.js';
import { COMMANDS, runCli } from '../../src/cli/main.js';
import { joinDashValues } from '../../src/cli/command.js';
import { verifyPassword } from '../../src/accounts/passwords.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { repoRoot } from '../helpers/paths.js';

const PASSWORD = 'correct horse battery staple';

describe('larder command line', () => {
  let database: TestDatabase;
  let env: Record<string, string>;

  const larder = async (args: string[], stdin = '') => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTerminal: false }, Readable.from([stdin]), env);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  before(async () => {
    database = await createTestDatabase();
    env = { NODE_ENV: 'test', DATABASE_URL: database.url, LARDER_STORAGE: path.dirname(database.config.kind === 'sqlite' ? database.config.file : '/tmp/x') };
    await createUser(database.db, { email: 'ann@example.com', password: PASSWORD, name: 'Ann', plan: 'pro' });
    await createUser(database.db, { email: 'bob@example.org', password: PASSWORD, name: 'Bob' });
    await createUser(database.db, { email: 'cat@example.com', password: PASSWORD, name: 'Cat' });
  });
  after(async () => database?.drop());

  test('larder help COMMAND shows that command\'s help, as --help does', async () => {
    for (const command of COMMANDS) {
      const help = await larder(['help', command.name]);
      assert.equal(help.code, 0, command.name);
      assert.equal(help.err, '');
      assert.match(help.out, new RegExp(`Usage: larder ${command.name}`));
      assert.equal(help.out, (await larder([command.name, '--help'])).out);
    }
    const all = await larder(['help']);
    assert.equal(all.code, 0);
    assert.match(all.out, /larder help <command>/);
    for (const command of COMMANDS) assert.match(all.out, new RegExp(`^  ${command.name} `, 'm'));
  });

  test('--version prints the version in package.json', async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const result = await larder([flag]);
      assert.equal(result.code, 0);
      assert.equal(result.out, `larder ${version}`);
      assert.equal(result.err, '');
    }
  });

  test('usage mistakes go to stderr with exit code 2', async () => {
    const none = await larder([]);
    assert.equal(none.code, 2);
    assert.equal(none.out, '');
    assert.match(none.err, /Usage: larder <command>/);
    const unknown = await larder(['clients:lsit']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.out, '');
    assert.match(unknown.err, /unknown command "clients:lsit".*clients:list/);
    const helpUnknown = await larder(['help', 'nope']);
    assert.equal(helpUnknown.code, 2);
    assert.match(helpUnknown.err, /unknown command "nope"/);
    const badOption = await larder(['users:list', '--colour']);
    assert.equal(badOption.code, 2);
    assert.equal(badOption.out, '');
    assert.match(badOption.err, /Unknown option '--colour'[\s\S]*Usage: larder users:list/);
  });

  test('an option value that starts with a dash is a value unless it names an option', () => {
    const command = { options: { 'client-secret': { type: 'string' as const }, json: { type: 'boolean' as const } } };
    assert.deepEqual(joinDashValues(command, ['--client-secret', '-abc', '--json']), ['--client-secret=-abc', '--json']);
    assert.deepEqual(joinDashValues(command, ['--client-secret', '--json']), ['--client-secret', '--json']);
    assert.deepEqual(joinDashValues(command, ['--client-secret', '-h']), ['--client-secret', '-h']);
    assert.deepEqual(joinDashValues(command, ['--json', '--', '-x']), ['--json', '--', '-x']);
  });

  test('users:list filters by plan and by email, and prints snake_case JSON', async () => {
    const pro = JSON.parse((await larder(['users:list', '--plan', 'pro', '--json'])).out) as Array<Record<string, unknown>>;
    assert.deepEqual(pro.map((u) => u.email), ['ann@example.com']);
    const domain = JSON.parse((await larder(['users:list', '--email', '@EXAMPLE.com', '--json'])).out) as Array<Record<string, unknown>>;
    assert.deepEqual(domain.map((u) => u.email), ['ann@example.com', 'cat@example.com']);
    const both = JSON.parse((await larder(['users:list', '--plan', 'free', '--email', 'example.com', '--json'])).out) as Array<Record<string, unknown>>;
    assert.deepEqual(both.map((u) => u.email), ['cat@example.com']);
    assert.ok(['id', 'email', 'name', 'plan', 'time_zone', 'created_at'].every((key) => key in pro[0]!));
    const table = await larder(['users:list', '--email', 'bob']);
    assert.match(table.out, /bob@example\.org\s+Bob\s+free/);
    assert.doesNotMatch(table.out, /ann@/);
    const none = await larder(['users:list', '--email', 'zed@']);
    assert.match(none.out, /No accounts match in (SQLite|PostgreSQL)/);
    assert.equal((await larder(['users:list', '--plan', 'gold'])).code, 2);
  });

  test('commands that find nothing name the database they looked in', async () => {
    const plan = await larder(['users:plan', 'nobody@example.com', 'pro']);
    assert.equal(plan.code, 1);
    assert.match(plan.err, /No account has the email nobody@example\.com in (SQLite \S+|PostgreSQL .+?): is the server on another DATABASE_URL\?/);
    for (const args of [['users:reset-link', 'nobody@example.com'], ['users:unlock', 'nobody@example.com'], ['users:delete', 'nobody@example.com', '--yes'], ['users:export', 'nobody@example.com']]) {
      const result = await larder(args);
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(result.out, '', args.join(' '));
      assert.match(result.err, /nobody@example\.com in (SQLite \S+|PostgreSQL .+?): is the server on another DATABASE_URL\?/, args.join(' '));
    }
    for (const args of [['clients:show', 'lc_x'], ['clients:rotate-secret', 'lc_x'], ['clients:delete', 'lc_x'], ['clients:update', 'lc_x', '--name', 'N']]) {
      const result = await larder(args);
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.err, /no client lc_x in (SQLite|PostgreSQL) .*is the server on another DATABASE_URL\?/, args.join(' '));
    }
    assert.match((await larder(['db:migrate'])).out, /^(SQLite|PostgreSQL) .* is up to date\.$/);
    const clients = await larder(['clients:list']);
    assert.match(clients.out, /No clients yet in (SQLite|PostgreSQL)/);
  });
});

/** `script` (util-linux) runs a command on a pseudo-terminal, as a person's shell would. */
const SCRIPT = '/usr/bin/script';

describe('--password-stdin at a terminal', { skip: existsSync(SCRIPT) ? false : 'no /usr/bin/script (util-linux)' }, () => {
  test('asks for the password without echoing it', async () => {
    const database = await createTestDatabase();
    try {
      const command = `${JSON.stringify(process.execPath)} bin/larder.js users:create --email tty@example.com --password-stdin`;
      const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], {
        cwd: repoRoot,
        env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: database.url, LARDER_STORAGE: path.dirname(database.url.replace(/^sqlite:/, '')) },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let screen = '';
      const typed = new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          screen += chunk.toString('utf8');
          // Type only once the prompt is up (the terminal is in no-echo mode by then).
          if (screen.includes('Password: ') && !child.stdin.writableEnded) {
            child.stdin.end(`${PASSWORD}\r`);
            resolve();
          }
        });
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      await typed;
      assert.equal(code, 0, screen);
      assert.match(screen, /Password: /);
      assert.match(screen, /Created tty@example\.com/);
      assert.ok(!screen.includes(PASSWORD), `the password was echoed:\n${screen}`);
      // The password read at the prompt (without its line break) is the one stored.
      const stored = await findCredentials(database.db, 'tty@example.com');
      assert.ok(stored && (await verifyPassword(stored.passwordHash, PASSWORD)));
    } finally {
      await database.drop();
    }
  });
});
