import http from 'node:http';
import type { Db } from '../../../src/db/index.js';
import type { LarderProcess } from '../../helpers/larder-process.js';
import { checkDiary, planEntries, signIn, writeEntry, type DiaryCheck, type PlannedEntry } from '../harness.js';

export interface KillDuringWritesOptions {
  /**
   * Starts a Larder process on the scenario's database: before the kill, then again on
   * the same port (the same APP_URL, hence the same issuer and token audience).
   */
  start: (port?: number) => Promise<LarderProcess>;
  /** The same database, opened by the test, to read what was stored. */
  db: Db;
  /** Concurrent writers. */
  concurrency: number;
  /** SIGKILL once this many writes were acknowledged. */
  killAfterAcked: number;
}

export interface KillDuringWritesReport {
  attempted: number;
  ackedBeforeKill: number;
  /** Sent, but no answer came before the process died. */
  unansweredAtKill: number;
  /** After the restart, before any retry. */
  afterRestart: DiaryCheck;
  /** Retries of the unanswered writes with their keys: 200 (it had been stored) or 201 (it had not). */
  retriedReplayed: number;
  retriedCreated: number;
  retryFailures: number;
  /** After the retries: every attempted key is stored exactly once. */
  afterRetry: DiaryCheck & { missing: string[] };
  process: LarderProcess;
}

/**
 * kill -9 in the middle of concurrent diary writes with idempotency keys, then a restart
 * on the same database: what was acknowledged is there exactly once, and retrying what
 * got no answer (as a client does, with the same key) stores nothing twice.
 */
export async function killDuringWrites(options: KillDuringWritesOptions): Promise<KillDuringWritesReport> {
  const first = await options.start();
  const session = await signIn(options.db, first.baseUrl);
  const planned = planEntries(`kill-${Date.now().toString(36)}`, options.killAfterAcked * 3 + options.concurrency * 4);
  const acked = new Map<string, string>();
  const attempted = new Map<string, PlannedEntry>();
  const unanswered: PlannedEntry[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  let next = 0;
  let killed = false;
  const worker = async () => {
    while (!killed && next < planned.length) {
      const entry = planned[next++]!;
      attempted.set(entry.key, entry);
      const outcome = await writeEntry(first.baseUrl, session.accessToken, entry, { agent, timeoutMs: 20_000 });
      if (outcome.kind === 'acked') {
        acked.set(entry.key, outcome.id);
        if (!killed && acked.size >= options.killAfterAcked) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      } else if (outcome.kind === 'no-answer') {
        unanswered.push(entry);
      } else {
        throw new Error(`write refused before the kill: ${outcome.status} ${outcome.code}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  agent.destroy();
  await first.exited;
  const ackedBeforeKill = acked.size;

  const second = await options.start(first.port);
  const afterRestart = await checkDiary(options.db, session.userId, acked);
  let retriedReplayed = 0;
  let retriedCreated = 0;
  let retryFailures = 0;
  for (const entry of unanswered) {
    const outcome = await writeEntry(second.baseUrl, session.accessToken, entry);
    if (outcome.kind === 'acked') {
      acked.set(entry.key, outcome.id);
      if (outcome.status === 200) retriedReplayed++;
      else retriedCreated++;
    } else {
      retryFailures++;
    }
  }
  const afterRetry = await checkDiary(options.db, session.userId, acked);
  const missing = [...attempted.keys()].filter((key) => !acked.has(key));
  return {
    attempted: attempted.size,
    ackedBeforeKill,
    unansweredAtKill: unanswered.length,
    afterRestart,
    retriedReplayed,
    retriedCreated,
    retryFailures,
    afterRetry: { ...afterRetry, missing },
    process: second,
  };
}
