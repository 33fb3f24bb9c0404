import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AccountInputError, EmailTakenError, UserNotFoundError } from '../../src/accounts/errors.js';
import { logIn } from '../../src/accounts/login.js';
import { unlockAccount } from '../../src/accounts/rate-limit.js';
import { createRateLimiter, LIMITS, type RateLimiter } from '../../src/limits/index.js';
import { createUser, findUserByEmail, findUserById, listUsers, setUserPlan } from '../../src/accounts/users.js';
import { LarderError } from '../../src/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const PASSWORD = 'correct horse battery staple';

describe('accounts in the database', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await database?.drop();
  });

  test('createUser stores a lower-cased email, an argon2id hash and a random usr_ id', async () => {
    const user = await createUser(database.db, { email: '  Zoe@Example.COM ', password: PASSWORD, name: ' Zoë ' });
    assert.match(user.id, /^usr_[A-Za-z0-9_-]{22}$/);
    assert.equal(user.email, 'zoe@example.com');
    assert.equal(user.name, 'Zoë');
    assert.equal(user.plan, 'free');
    assert.equal(user.timeZone, 'UTC');
    assert.ok(!Number.isNaN(Date.parse(user.createdAt)));
    const row = await database.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$argon2id\$/);
    assert.ok(!row.password_hash.includes(PASSWORD));
    assert.deepEqual(await findUserById(database.db, user.id), user);
    assert.deepEqual(await findUserByEmail(database.db, 'ZOE@example.com'), user);
  });

  test('the name defaults to the part of the email before the @', async () => {
    const user = await createUser(database.db, { email: 'noname@example.com', password: PASSWORD, plan: 'pro' });
    assert.equal(user.name, 'noname');
    assert.equal(user.plan, 'pro');
  });

  test('createUser refuses bad input with a LarderError naming every bad field', async () => {
    await assert.rejects(createUser(database.db, { email: 'not-an-email', password: 'short', name: 'a\nb' }), (error: unknown) => {
      assert.ok(error instanceof AccountInputError && error instanceof LarderError);
      assert.equal(error.status, 400);
      assert.deepEqual(Object.keys(error.fields).sort(), ['email', 'name', 'password']);
      return true;
    });
    await assert.rejects(createUser(database.db, { email: 'long@example.com', password: 'x'.repeat(257) }), /at most 256 characters/);
    const exactly = await createUser(database.db, { email: 'ten@example.com', password: '0123456789' });
    assert.equal(exactly.email, 'ten@example.com');
  });

  test('an email that already has an account cannot be used again, whatever its case', async () => {
    await createUser(database.db, { email: 'dup@example.com', password: PASSWORD });
    await assert.rejects(createUser(database.db, { email: 'DUP@example.com', password: PASSWORD }), (error: unknown) => {
      assert.ok(error instanceof EmailTakenError);
      assert.equal(error.status, 409);
      assert.equal(error.code, 'email_taken');
      return true;
    });
  });

  test('setUserPlan changes the plan; an unknown email is a not-found error', async () => {
    await createUser(database.db, { email: 'plan@example.com', password: PASSWORD });
    const pro = await setUserPlan(database.db, 'Plan@Example.com', 'pro');
    assert.equal(pro.plan, 'pro');
    assert.equal((await findUserByEmail(database.db, 'plan@example.com'))?.plan, 'pro');
    await assert.rejects(setUserPlan(database.db, 'missing@example.com', 'pro'), UserNotFoundError);
  });

  test('listUsers returns every account, oldest first, without password hashes', async () => {
    const users = await listUsers(database.db);
    assert.ok(users.length >= 5);
    assert.deepEqual(users.map((u) => u.createdAt), users.map((u) => u.createdAt).sort());
    for (const user of users) assert.deepEqual(Object.keys(user).sort(), ['createdAt', 'email', 'id', 'name', 'plan', 'timeZone']);
  });
});

describe('log-in checks', () => {
  let database: TestDatabase;
  let limiter: RateLimiter;
  const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
  let annId = '';
  before(async () => {
    database = await createTestDatabase();
    limiter = createRateLimiter({ db: database.db, now: () => clock.now });
    annId = (await createUser(database.db, { email: 'ann@example.com', password: PASSWORD })).id;
  });
  after(async () => {
    await database?.drop();
  });
  const unknownBrowser = () => undefined;
  const attempt = (password: string, ip: string, knownDevice: (userId: string) => string | undefined = unknownBrowser) =>
    logIn({ db: database.db, limiter }, { email: 'ann@example.com', password, ip, knownDevice });

  test('the right password logs in; the wrong one and an unknown email are one outcome', async () => {
    assert.equal((await attempt(PASSWORD, '198.51.100.1')).outcome, 'success');
    assert.equal((await attempt('wrong one here', '198.51.100.1')).outcome, 'invalid');
    const unknown = await logIn({ db: database.db, limiter }, { email: 'nobody@example.com', password: PASSWORD, ip: '198.51.100.1', knownDevice: unknownBrowser });
    assert.equal(unknown.outcome, 'invalid');
  });

  test('after 5 attempts from unfamiliar browsers the account pauses them, never its known browser, and the pause ends with its window', async () => {
    clock.now = Date.parse('2031-01-01T00:00:00Z');
    for (let i = 0; i < LIMITS.loginAccount.limit; i++) {
      assert.equal((await attempt(`wrong ${i} password`, `203.0.113.${i}`)).outcome, 'invalid');
    }
    const paused = await attempt(PASSWORD, '203.0.113.99');
    assert.equal(paused.outcome, 'throttled');
    assert.ok(paused.outcome === 'throttled' && paused.retryAfterSeconds > 14 * 60 && paused.retryAfterSeconds <= 15 * 60);
    // The owner's own browser, known to this account, is not paused.
    const known = (userId: string) => (userId === annId ? 'device-nonce-of-ann' : undefined);
    assert.equal((await attempt(PASSWORD, '203.0.113.99', known)).outcome, 'success');
    clock.now += 15 * 60_000 + 1000;
    assert.equal((await attempt(PASSWORD, '203.0.113.98')).outcome, 'success');
  });

  test('a known browser that keeps failing counts as unfamiliar again', async () => {
    clock.now = Date.parse('2032-01-01T00:00:00Z');
    const known = (userId: string) => (userId === annId ? 'stolen-cookie-nonce' : undefined);
    for (let i = 0; i < LIMITS.loginDevice.limit; i++) assert.equal((await attempt(`wrong ${i} password`, '198.51.100.7', known)).outcome, 'invalid');
    for (let i = 0; i < LIMITS.loginAccount.limit; i++) assert.equal((await attempt(`wrong ${i} password`, '198.51.100.7', known)).outcome, 'invalid');
    assert.equal((await attempt(PASSWORD, '198.51.100.7', known)).outcome, 'throttled');
  });

  test('unlockAccount (larder users:unlock) lets unfamiliar browsers try again at once', async () => {
    clock.now = Date.parse('2033-01-01T00:00:00Z');
    for (let i = 0; i < LIMITS.loginAccount.limit; i++) await attempt(`wrong ${i} password`, `192.0.2.${i}`);
    assert.equal((await attempt(PASSWORD, '192.0.2.50')).outcome, 'throttled');
    await unlockAccount(limiter, 'ANN@example.com');
    assert.equal((await attempt(PASSWORD, '192.0.2.50')).outcome, 'success');
  });

  test('one address spraying many accounts is paused after 30 attempts, for every account', async () => {
    clock.now = Date.parse('2034-01-01T00:00:00Z');
    const ip = '198.51.100.200';
    for (let i = 0; i < LIMITS.loginAddress.limit; i++) {
      const result = await logIn({ db: database.db, limiter }, { email: `guess${i}@example.com`, password: 'wrong password', ip, knownDevice: unknownBrowser });
      assert.equal(result.outcome, 'invalid', `attempt ${i + 1}`);
    }
    assert.equal((await attempt(PASSWORD, ip)).outcome, 'throttled');
    assert.equal((await attempt(PASSWORD, '198.51.100.201')).outcome, 'success', 'another address is not affected');
  });

  test('counters are stored under hashes: no email or address in the table', async () => {
    const rows = await database.db.selectFrom('rate_limits').select('key').execute();
    assert.ok(rows.length > 0);
    for (const row of rows) assert.match(row.key, /^[A-Za-z0-9_-]{43}$/);
  });
});
