import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LarderProcess } from '../helpers/larder-process.js';
import { faultFixture, signIn } from './harness.js';
import { soak } from './scenarios/soak.js';

/** CI length; `node dist/bench/soak.js` runs the same soak for minutes. */
const SECONDS = Number(process.env.LARDER_SOAK_SECONDS ?? 30);
/**
 * Heap after a full collection may grow this much per minute in steady state before
 * the soak fails: far below what a leak of even one small object per request shows at
 * these rates (100 bytes x 100 requests/s = 0.6 MB/min), far above measurement noise.
 */
const HEAP_SLOPE_LIMIT_MB_PER_MINUTE = 3;

const { database, start } = await faultFixture('soak');
let larder: LarderProcess | undefined;

test(`soak: ${SECONDS} s of mixed load answer without one error, with memory flat and event-loop lag sampled`, { timeout: (SECONDS + 90) * 1000 }, async () => {
  larder = await start({ probe: true, env: { LARDER_QUOTA_PRO: '100000000' } });
  const session = await signIn(database.db, larder.baseUrl);
  const report = await soak({ process: larder, session, durationMs: SECONDS * 1000, concurrency: 6 });
  console.log(`soak (${database.config.kind}): ${JSON.stringify(report)}`);
  assert.deepEqual(report.errors, {});
  assert.ok(report.requests > SECONDS * 10, `only ${report.requests} requests`);
  assert.ok(report.samples >= SECONDS * 0.8, `only ${report.samples} probe samples`);
  assert.ok(report.heapAfterGcSlopeMbPerMinute < HEAP_SLOPE_LIMIT_MB_PER_MINUTE, `heap after GC grows ${report.heapAfterGcSlopeMbPerMinute} MB/min`);
  assert.ok(larder.alive());
});
