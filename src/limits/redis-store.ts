import type { Redis } from 'ioredis';
import type { LimitStore } from './limiter.js';

const PREFIX = 'larder:limit:';

/**
 * INCRBY and the window's expiry in one script, so concurrent instances agree on the
 * count and a window is never left without an expiry. Returns {count, ms left}.
 */
const ADD = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  left = tonumber(ARGV[2])
end
return {count, left}`;

const SUBTRACT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count <= 0 then return 0 end
local take = math.min(count, tonumber(ARGV[1]))
return redis.call('DECRBY', KEYS[1], take)`;

/**
 * Counters in Redis (REDIS_URL): keys expire with their window, so nothing needs
 * purging. Time is Redis's own (PTTL), the same for every instance.
 */
export function redisLimitStore(url: string): LimitStore {
  // ioredis is loaded only when REDIS_URL is set (some 100 ms at start otherwise).
  const connecting: Promise<Redis> = import('ioredis').then(({ Redis: Client }) => {
    const client = new Client(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000 });
    // Connection trouble is reported by the failing command; an idle client must not crash the process.
    client.on('error', () => undefined);
    return client;
  });
  return {
    kind: 'redis',
    async add(key, cost, windowMs, nowMs) {
      const redis = await connecting;
      const [count, left] = (await redis.eval(ADD, 1, PREFIX + key, cost, windowMs)) as [number, number];
      return { count: Number(count), endsAtMs: nowMs + Number(left) };
    },
    async read(key, nowMs) {
      const redis = await connecting;
      const [[, value], [, left]] = (await redis.multi().get(PREFIX + key).pttl(PREFIX + key).exec()) as [[unknown, string | null], [unknown, number]];
      if (value === null || Number(left) <= 0) return undefined;
      return { count: Number(value), endsAtMs: nowMs + Number(left) };
    },
    async subtract(key, cost) {
      const redis = await connecting;
      await redis.eval(SUBTRACT, 1, PREFIX + key, cost);
    },
    async remove(key) {
      const redis = await connecting;
      await redis.del(PREFIX + key);
    },
    async purge() {
      return 0;
    },
    async close() {
      const redis = await connecting;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
