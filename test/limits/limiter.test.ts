import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { openDatabase, type OpenedDatabase } from '../../src/db/index.js';
import { createRateLimiter, type RateLimiter } from '../../src/limits/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { redisAvailable, TEST_REDIS_URL } from '../helpers/redis.js';

const hasRedis = await redisAvailable();

for (const backend of ['database', 'redis'] as const) {
  describe(`rate limiter on the ${backend}`, { skip: backend === 'redis' && !hasRedis ? 'no Redis at ' + TEST_REDIS_URL : false }, () => {
    let database: TestDatabase;
    let second: OpenedDatabase;
    const clock = { now: Date.now() };
    let limiter: RateLimiter;
    let otherInstance: RateLimiter;
    const redisUrl = backend === 'redis' ? TEST_REDIS_URL : undefined;
    before(async () => {
      database = await createTestDatabase();
      second = await openDatabase(database.config);
      // The database store takes the clock from the limiter; Redis keeps its own time.
      limiter = createRateLimiter({ db: database.db, redisUrl, now: () => clock.now });
      otherInstance = createRateLimiter({ db: second.db, redisUrl, now: () => clock.now });
    });
    after(async () => {
      await limiter?.close();
      await otherInstance?.close();
      await second?.close();
      await database?.drop();
    });
    const fresh = () => `test:${randomBytes(8).toString('hex')}`;

    test('allows `limit` units per window, then refuses with the seconds until the window ends', async () => {
      const key = fresh();
      for (let i = 1; i <= 3; i++) {
        const decision = await limiter.consume(key, 3, 600);
        assert.equal(decision.allowed, true, `unit ${i}`);
        assert.equal(decision.remaining, 3 - i);
      }
      const refused = await limiter.consume(key, 3, 600);
      assert.equal(refused.allowed, false);
      assert.equal(refused.remaining, 0);
      assert.ok(refused.retryAfterSeconds > 590 && refused.retryAfterSeconds <= 600, String(refused.retryAfterSeconds));
      assert.equal((await limiter.peek(key, 3, 600)).allowed, false);
    });

    test('peek counts nothing; refund gives a unit back; reset forgets the key', async () => {
      const key = fresh();
      assert.equal((await limiter.peek(key, 2, 60)).count, 0);
      await limiter.consume(key, 2, 60);
      assert.equal((await limiter.peek(key, 2, 60)).allowed, true);
      await limiter.consume(key, 2, 60);
      assert.equal((await limiter.peek(key, 2, 60)).allowed, false);
      await limiter.refund(key);
      assert.equal((await limiter.peek(key, 2, 60)).count, 1);
      await limiter.refund(key);
      await limiter.refund(key);
      assert.equal((await limiter.peek(key, 2, 60)).count, 0, 'never below zero');
      await limiter.consume(key, 2, 60);
      await limiter.consume(key, 2, 60);
      await limiter.reset(key);
      assert.equal((await limiter.consume(key, 2, 60)).allowed, true);
    });

    test('a new window starts once the old one has ended', async () => {
      const key = fresh();
      await limiter.consume(key, 1, 1);
      assert.equal((await limiter.consume(key, 1, 1)).allowed, false);
      if (backend === 'database') clock.now += 1001;
      else await new Promise((resolve) => setTimeout(resolve, 1100));
      const again = await limiter.consume(key, 1, 1);
      assert.equal(again.allowed, true);
      assert.equal(again.count, 1);
    });

    test('two instances share one count: of 40 concurrent units against a limit of 15, exactly 15 pass', async () => {
      const key = fresh();
      const decisions = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? limiter : otherInstance).consume(key, 15, 600)));
      assert.equal(decisions.filter((d) => d.allowed).length, 15);
      assert.deepEqual(decisions.map((d) => d.count).sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i + 1), 'every unit counted once');
    });

    if (backend === 'database') {
      test('keys are stored hashed, and purge drops ended windows', async () => {
        await limiter.consume('register:203.0.113.9', 5, 1);
        const rows = await database.db.selectFrom('rate_limits').select('key').execute();
        assert.ok(rows.every((r) => !r.key.includes('203.0.113.9') && /^[A-Za-z0-9_-]{43}$/.test(r.key)));
        clock.now += 10 * 60_000;
        assert.ok((await limiter.purge()) > 0);
        assert.equal((await database.db.selectFrom('rate_limits').select('key').execute()).length, 0);
      });
    }
  });
}

describe('rate limiter without its store', () => {
  test('an unreachable Redis lets requests through and reports the failure, rather than refusing everyone', async (t) => {
    const database = await createTestDatabase();
    t.after(() => database.drop());
    const limiter = createRateLimiter({ db: database.db, redisUrl: 'redis://127.0.0.1:1' });
    t.after(() => limiter.close());
    const errors: unknown[] = [];
    limiter.onError((error) => errors.push(error));
    const decision = await limiter.consume('test:unreachable', 1, 60);
    assert.equal(decision.allowed, true);
    assert.equal((await limiter.peek('test:unreachable', 1, 60)).allowed, true);
    assert.ok(errors.length >= 2);
  });
});
