/**
 * Soak benchmark: the soak test's mixed load (test/faults/scenarios/soak.ts) for longer,
 * with resident memory, heap after a full collection and event-loop lag sampled inside
 * the Larder process, and their slopes over the steady part of the run.
 *
 *   npm run build && node dist/bench/soak.js --seconds 300 [--concurrency 6]
 *
 * On SQLite, or on PostgreSQL when LARDER_TEST_DATABASE_URL names one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '../test/helpers/db.js';
import { spawnLarder } from '../test/helpers/larder-process.js';
import { signIn } from '../test/faults/harness.js';
import { soak } from '../test/faults/scenarios/soak.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '6' } } });
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
if (!(seconds > 0) || !(concurrency > 0)) {
  process.stderr.write('usage: node dist/bench/soak.js [--seconds N] [--concurrency N]\n');
  process.exit(2);
}

const storage = mkdtempSync(path.join(os.tmpdir(), 'larder-bench-soak-'));
const database = await createTestDatabase();
const larder = await spawnLarder({ databaseUrl: database.url, storageDir: storage, probe: true, env: { LARDER_QUOTA_PRO: '1000000000' } });
try {
  const session = await signIn(database.db, larder.baseUrl);
  console.log(`soak: ${seconds} s, ${concurrency} workers and one refresh-token rotator, ${database.config.kind}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}`);
  const report = await soak({ process: larder, session, durationMs: seconds * 1000, concurrency });
  console.log(`requests: ${report.requests} (${report.requestsPerSecond}/s), errors: ${JSON.stringify(report.errors)}`);
  console.log(`latency ms (p50/p99): ${Object.entries(report.latencyMs).map(([name, l]) => `${name} ${l.p50}/${l.p99}`).join(', ')}`);
  console.log(`resident memory: ${report.rssStartMb} -> ${report.rssEndMb} MB after the warm-up, slope ${report.rssSlopeMbPerMinute} MB/min`);
  console.log(`V8 heap reserved: ${report.heapTotalMb.join(' -> ')} MB, external (Buffers): ${report.externalMb.join(' -> ')} MB`);
  console.log(`heap after full GC: ${report.heapAfterGcStartMb} -> ${report.heapAfterGcEndMb} MB, slope ${report.heapAfterGcSlopeMbPerMinute} MB/min`);
  console.log(`event-loop lag: one-second p99 median ${report.lagP99MedianMs} ms, worst ${report.lagP99WorstMs} ms, longest ${report.lagMaxMs} ms (${report.samples} samples)`);
} finally {
  await larder.stop();
  await database.drop();
  rmSync(storage, { recursive: true, force: true });
}
