import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LarderProcess } from '../helpers/larder-process.js';
import { faultFixture, signIn } from './harness.js';
import { sigtermUnderLoad } from './scenarios/sigterm-under-load.js';

const { database, start } = await faultFixture('term');
let larder: LarderProcess | undefined;

test('SIGTERM under load: every request in flight is answered, and the process exits 0 within the grace period', async () => {
  const graceMs = 10_000;
  larder = await start({ env: { SHUTDOWN_GRACE_MS: String(graceMs) } });
  const session = await signIn(database.db, larder.baseUrl);
  const report = await sigtermUnderLoad({ process: larder, session, concurrency: 16, loadMs: 1500, halfSent: 4, graceMs });
  console.log(
    `SIGTERM: ${report.requests} requests, ${report.inFlightAtSignal} in flight at the signal (${report.inFlightFailed.length} unanswered or 5xx), half-sent bodies answered ${report.halfSentStatuses.join(' ')}, after the signal ${JSON.stringify(report.afterSignal)}, exit ${report.exitCode} after ${report.exitMs} ms`,
  );
  assert.ok(report.inFlightAtSignal > 0, 'requests were in flight when SIGTERM came');
  assert.deepEqual(report.inFlightFailed, []);
  assert.deepEqual(report.halfSentStatuses, [201, 201, 201, 201]);
  for (const label of Object.keys(report.afterSignal)) assert.match(label, /^(2\d\d|503|ECONNREFUSED|ECONNRESET|EPIPE)$/, `after SIGTERM a new request got ${label}`);
  assert.equal(report.exitSignal, null);
  assert.equal(report.exitCode, 0);
  assert.ok(report.exitMs < graceMs, `exited ${report.exitMs} ms after SIGTERM`);
});
