import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { spawnLarder, type LarderProcess } from '../helpers/larder-process.js';
import { createTestDatabase } from '../helpers/db.js';
import { signIn } from './harness.js';
import { sigtermUnderLoad } from './scenarios/sigterm-under-load.js';

const storage = mkdtempSync(path.join(os.tmpdir(), 'larder-term-'));
const database = await createTestDatabase();
let larder: LarderProcess | undefined;
after(async () => {
  larder?.child.kill('SIGKILL');
  await database.drop();
  rmSync(storage, { recursive: true, force: true });
});

test('SIGTERM under load: every request in flight is answered, and the process exits 0 within the grace period', async () => {
  const graceMs = 10_000;
  larder = await spawnLarder({ databaseUrl: database.url, storageDir: storage, env: { SHUTDOWN_GRACE_MS: String(graceMs) } });
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
