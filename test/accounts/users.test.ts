import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AccountInputError, EmailTakenError, UserNotFoundError } from '../../src/accounts/errors.js';
import { logIn } from '../../src/accounts/login.js';
import { LOGIN_LIMITS } from '../../src/accounts/rate-limit.js';
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
  before(async () => {
    database = await createTestDatabase();
    await createUser(database.db, { email: 'ann@example.com', password: PASSWORD });
  });
  after(async () => {
    await database?.drop();
  });

  test('the right password logs in and clears the account\'s failures', async () => {
    const t0 = new Date('2030-01-01T00:00:00Z');
    await logIn(database.db, { email: 'ann@example.com', password: 'wrong one here', ip: '198.51.100.1' }, t0);
    const result = await logIn(database.db, { email: 'Ann@example.com', password: PASSWORD, ip: '198.51.100.1' }, t0);
    assert.equal(result.outcome, 'success');
    const rows = await database.db.selectFrom('login_attempts').select('key').execute();
    assert.deepEqual(rows.map((r) => r.key), ['ip:198.51.100.1'], 'the address keeps its count, the account does not');
  });

  test('a lock lasts 15 minutes, then the account may try again', async () => {
    const t0 = new Date('2031-01-01T00:00:00Z');
    const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
    const ip = '198.51.100.2';
    for (let i = 0; i < LOGIN_LIMITS.email.failures; i++) {
      assert.equal((await logIn(database.db, { email: 'ann@example.com', password: `wrong ${i} password`, ip }, at(i / 10))).outcome, 'invalid');
    }
    const locked = await logIn(database.db, { email: 'ann@example.com', password: PASSWORD, ip: '198.51.100.3' }, at(1));
    assert.equal(locked.outcome, 'locked');
    assert.ok(locked.outcome === 'locked' && locked.retryAfterSeconds > 13 * 60 && locked.retryAfterSeconds <= 15 * 60);
    assert.equal((await logIn(database.db, { email: 'ann@example.com', password: PASSWORD, ip }, at(16))).outcome, 'success');
    const left = await database.db.selectFrom('login_attempts').select('key').execute();
    assert.deepEqual(left, [], 'counters whose window and lock have passed are forgotten');
  });

  test('failures spread out beyond the 15-minute window never lock the account', async () => {
    const t0 = new Date('2032-01-01T00:00:00Z');
    for (let i = 0; i < 8; i++) {
      const result = await logIn(database.db, { email: 'ann@example.com', password: 'wrong password!', ip: `198.51.100.${10 + i}` }, new Date(t0.getTime() + i * 4 * 60_000));
      assert.equal(result.outcome, 'invalid', `failure ${i + 1}`);
    }
  });
});
