import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { faultFixture } from './harness.js';
import { killDuringWrites } from './scenarios/kill-during-writes.js';

const { database, start: startLarder } = await faultFixture('kill');

test('kill -9 during concurrent idempotent diary writes: every acknowledged entry survives exactly once, retries add nothing twice', async () => {
  const start = (port?: number) => startLarder(port ? { port } : {});
  const report = await killDuringWrites({ start, db: database.db, concurrency: 8, killAfterAcked: 120 });
  console.log(`kill -9: ${report.attempted} writes attempted, ${report.ackedBeforeKill} acknowledged before the kill, ${report.unansweredAtKill} unanswered; after restart ${report.afterRestart.lost.length} acknowledged lost; retries: ${report.retriedReplayed} had been stored (200), ${report.retriedCreated} stored now (201)`);

  assert.ok(report.ackedBeforeKill >= 120);
  assert.ok(report.unansweredAtKill > 0, 'the kill came while writes were in flight');
  assert.deepEqual(report.afterRestart.lost, [], 'acknowledged entries lost by the kill');
  assert.deepEqual(report.afterRestart.duplicates, []);
  assert.equal(report.retryFailures, 0);
  assert.equal(report.retriedReplayed + report.retriedCreated, report.unansweredAtKill);
  assert.deepEqual(report.afterRetry.lost, []);
  assert.deepEqual(report.afterRetry.duplicates, [], 'a retried key stored twice');
  assert.deepEqual(report.afterRetry.missing, []);
  assert.equal(report.afterRetry.rows, report.attempted, 'one row per attempted key, no more');
  assert.ok(report.process.alive());

  if (database.config.kind === 'sqlite') {
    const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(database.db);
    assert.deepEqual(rows, [{ integrity_check: 'ok' }]);
  }
});
