/**
 * Fault benchmark: the fault tests' scenarios (test/faults/scenarios/), at CI size or
 * longer, with their figures printed: acknowledged writes lost, what clients were told,
 * recovery seconds.
 *
 *   npm run build && node dist/bench/faults.js            # CI sizes, about a minute
 *   node dist/bench/faults.js --long                      # more writers, longer outages, both restart modes
 *
 * kill -9 and SIGTERM run on SQLite, or on PostgreSQL when LARDER_TEST_DATABASE_URL names
 * one (as the tests do); the restart runs on a PostgreSQL cluster of its own (initdb in a
 * temporary folder on a free port, never the machine's server), skipped without binaries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/index.js';
import { createTestDatabase } from '../test/helpers/db.js';
import { spawnLarder, type LarderProcess } from '../test/helpers/larder-process.js';
import { createPgCluster, findPostgresBinaries } from '../test/helpers/pg-cluster.js';
import { signIn } from '../test/faults/harness.js';
import { killDuringWrites } from '../test/faults/scenarios/kill-during-writes.js';
import { restartUnderLoad } from '../test/faults/scenarios/restart-under-load.js';
import { sigtermUnderLoad } from '../test/faults/scenarios/sigterm-under-load.js';

const { values } = parseArgs({ options: { long: { type: 'boolean', default: false } } });
const long = values.long;
const running: LarderProcess[] = [];
const track = (larder: LarderProcess) => (running.push(larder), larder);
process.on('exit', () => running.forEach((larder) => larder.child.kill('SIGKILL')));

console.log(`fault benchmark (${long ? 'long' : 'CI size'}), Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}`);

// --- kill -9 during writes ---
for (let round = 0; round < (long ? 5 : 1); round++) {
  const storage = mkdtempSync(path.join(os.tmpdir(), 'larder-bench-kill-'));
  const database = await createTestDatabase();
  try {
    const report = await killDuringWrites({
      start: async (port) => track(await spawnLarder({ databaseUrl: database.url, storageDir: storage, ...(port ? { port } : {}) })),
      db: database.db,
      concurrency: long ? 32 : 8,
      killAfterAcked: long ? 2000 : 120,
    });
    console.log(
      `kill -9 (${database.config.kind}) round ${round + 1}: ${report.ackedBeforeKill} acknowledged, ${report.unansweredAtKill} in flight at the kill; acknowledged lost after restart: ${report.afterRestart.lost.length}; retried: ${report.retriedReplayed} already stored, ${report.retriedCreated} stored now, ${report.retryFailures} failed; duplicates: ${report.afterRetry.duplicates.length}; rows ${report.afterRetry.rows} for ${report.attempted} keys`,
    );
    await report.process.stop();
  } finally {
    await database.drop();
    rmSync(storage, { recursive: true, force: true });
  }
}

// --- SIGTERM under load ---
{
  const storage = mkdtempSync(path.join(os.tmpdir(), 'larder-bench-term-'));
  const database = await createTestDatabase();
  try {
    const larder = track(await spawnLarder({ databaseUrl: database.url, storageDir: storage, env: { SHUTDOWN_GRACE_MS: '10000' } }));
    const session = await signIn(database.db, larder.baseUrl);
    const report = await sigtermUnderLoad({ process: larder, session, concurrency: long ? 64 : 16, loadMs: long ? 10_000 : 1500, halfSent: long ? 16 : 4, graceMs: 10_000 });
    console.log(
      `SIGTERM (${database.config.kind}): ${report.requests} requests, ${report.inFlightAtSignal} in flight at the signal, ${report.inFlightFailed.length} of them unanswered or 5xx; half-sent bodies: ${report.halfSentStatuses.join(' ')}; after the signal: ${JSON.stringify(report.afterSignal)}; exit ${report.exitCode} after ${report.exitMs} ms`,
    );
  } finally {
    await database.drop();
    rmSync(storage, { recursive: true, force: true });
  }
}

// --- PostgreSQL restarted under two processes ---
const binaries = await findPostgresBinaries();
if (typeof binaries === 'string') {
  console.log(`PostgreSQL restart: skipped (${binaries})`);
} else {
  const cluster = await createPgCluster(binaries);
  const storage = mkdtempSync(path.join(os.tmpdir(), 'larder-bench-pg-'));
  try {
    await cluster.start();
    await cluster.query('CREATE DATABASE larder');
    const env = { DATABASE_CONNECT_TIMEOUT_MS: '3000', DATABASE_STATEMENT_TIMEOUT_MS: '5000', LARDER_QUOTA_PRO: '100000000' };
    const first = track(await spawnLarder({ databaseUrl: cluster.url('larder'), storageDir: storage, env }));
    const second = track(await spawnLarder({ databaseUrl: cluster.url('larder'), storageDir: storage, env, appUrl: first.baseUrl }));
    const database = await openDatabase({ kind: 'postgres', url: cluster.url('larder'), schema: undefined }, { timeouts: { connectMs: 3000, statementMs: 5000 } });
    const rounds: Array<{ stopMode: 'fast' | 'immediate'; outageMs: number }> = long
      ? [
          { stopMode: 'fast', outageMs: 3000 },
          { stopMode: 'immediate', outageMs: 3000 },
          { stopMode: 'fast', outageMs: 15_000 },
          { stopMode: 'immediate', outageMs: 15_000 },
        ]
      : [{ stopMode: 'immediate', outageMs: 3000 }];
    for (const round of rounds) {
      // A person of its own per round: a diary day holds at most 100 entries.
      const session = await signIn(database.db, first.baseUrl);
      const report = await restartUnderLoad({ cluster, processes: [first, second], session, db: database.db, concurrency: long ? 32 : 8, beforeMs: long ? 5000 : 1500, afterMs: long ? 10_000 : 4000, ...round });
      const recovery = report.recovery.map((p, i) => `process ${i + 1}: recovered ${p.recoverySeconds} s after the database, outage seen ${p.outageSeenSeconds} s, /readyz 503 then 200 after ${p.readyzBackSeconds} s, alive ${p.alive}`);
      console.log(
        `PostgreSQL restart (${round.stopMode}, ${round.outageMs / 1000} s down): ${report.acked} acknowledged of ${report.attempts} attempts; acknowledged lost: ${report.check.lost.length}; duplicates: ${report.check.duplicates.length}; never stored: ${report.neverAcked}; refusals ${JSON.stringify(report.refusals)} (slowest ${report.slowestRefusalMs} ms); no answer: ${report.noAnswer}\n  ${recovery.join('\n  ')}`,
      );
    }
    await database.close();
  } finally {
    for (const larder of running) larder.child.kill('SIGKILL');
    await cluster.destroy();
    rmSync(storage, { recursive: true, force: true });
  }
}
process.exit(0);
