import http from 'node:http';
import type { Db } from '../../../src/db/index.js';
import type { LarderProcess } from '../../helpers/larder-process.js';
import type { PgCluster } from '../../helpers/pg-cluster.js';
import { checkDiary, planEntries, request, sleep, writeEntry, type DiaryCheck, type PlannedEntry, type Session } from '../harness.js';

export interface RestartUnderLoadOptions {
  cluster: PgCluster;
  processes: LarderProcess[];
  session: Session;
  /** Opened with the server's timeouts, so it too rides out the restart. */
  db: Db;
  concurrency: number;
  /** Load before the database goes down, the outage itself, and load after it is back. */
  beforeMs: number;
  outageMs: number;
  afterMs: number;
  stopMode: 'fast' | 'immediate';
}

export interface ProcessRecovery {
  baseUrl: string;
  /** From the database accepting connections again to this process's first acknowledged write. */
  recoverySeconds: number | undefined;
  /** From this process's first failed write to its first acknowledged one after the database was back: the outage a client saw. */
  outageSeenSeconds: number | undefined;
  /** /readyz said 503 during the outage, and 200 again after. */
  readyzWentNotReady: boolean;
  readyzBackSeconds: number | undefined;
  alive: boolean;
}

export interface RestartUnderLoadReport {
  attempts: number;
  acked: number;
  /** Refusals by status and error code ("503 database_unavailable": n). */
  refusals: Record<string, number>;
  /** Requests that got no HTTP answer at all (a crashed or hung process). */
  noAnswer: number;
  /** The slowest refusal: how long a client waited to be told to come back. */
  slowestRefusalMs: number;
  /** Entries never acknowledged even after the drain (should be none). */
  neverAcked: number;
  check: DiaryCheck;
  recovery: ProcessRecovery[];
}

/**
 * Several Larder processes on one PostgreSQL, the database stopped and started again
 * while they take writes (each with an idempotency key; a write that fails is retried
 * with its key, as a client does). Measures what was lost, what clients were told, and
 * how long each process took to serve again.
 */
export async function restartUnderLoad(options: RestartUnderLoadOptions): Promise<RestartUnderLoadReport> {
  const { processes, session } = options;
  const planned = planEntries(`restart-${Date.now().toString(36)}`, 200_000);
  const acked = new Map<string, string>();
  const retry: PlannedEntry[] = [];
  const refusals: Record<string, number> = {};
  let noAnswer = 0;
  let slowestRefusalMs = 0;
  let attempts = 0;
  let next = 0;
  let stopping = false;
  let databaseBackAt: number | undefined = undefined;
  const firstFailureAt = new Map<number, number>();
  const firstSuccessAfterBack = new Map<number, number>();
  const agents = processes.map(() => new http.Agent({ keepAlive: true, maxSockets: options.concurrency }));

  const worker = async (index: number) => {
    const p = index % processes.length;
    const process_ = processes[p]!;
    while (!stopping) {
      const entry = retry.shift() ?? planned[next++]!;
      attempts++;
      const outcome = await writeEntry(process_.baseUrl, session.accessToken, entry, { agent: agents[p]!, timeoutMs: 30_000 });
      if (outcome.kind === 'acked') {
        acked.set(entry.key, outcome.id);
        if (databaseBackAt !== undefined && !firstSuccessAfterBack.has(p)) firstSuccessAfterBack.set(p, outcome.at);
        continue;
      }
      if (!firstFailureAt.has(p)) firstFailureAt.set(p, outcome.at);
      if (outcome.kind === 'no-answer') noAnswer++;
      else {
        const label = `${outcome.status} ${outcome.code ?? '?'}${outcome.retryAfter ? '' : ' (no Retry-After)'}`;
        refusals[label] = (refusals[label] ?? 0) + 1;
        slowestRefusalMs = Math.max(slowestRefusalMs, outcome.ms);
      }
      retry.push(entry);
      await sleep(100);
    }
  };

  const readiness = processes.map(() => ({ wentNotReady: false, backAt: undefined as number | undefined }));
  const watcher = async (p: number) => {
    while (!stopping) {
      const answer = await request(processes[p]!.baseUrl, { path: '/readyz', timeoutMs: 20_000 });
      const state = readiness[p]!;
      if (answer.status === 503) state.wentNotReady = true;
      if (answer.status === 200 && state.wentNotReady && state.backAt === undefined && databaseBackAt !== undefined) state.backAt = Date.now();
      await sleep(200);
    }
  };

  const load = [...Array.from({ length: options.concurrency }, (_, i) => worker(i)), ...processes.map((_, p) => watcher(p))];
  await sleep(options.beforeMs);
  await options.cluster.stop(options.stopMode);
  await sleep(options.outageMs);
  await options.cluster.start();
  databaseBackAt = Date.now();
  await sleep(options.afterMs);
  stopping = true;
  await Promise.all(load);

  // Drain: whatever is still unacknowledged is retried with its key until it is stored.
  const deadline = Date.now() + 30_000;
  while (retry.length > 0 && Date.now() < deadline) {
    const entry = retry.shift()!;
    const outcome = await writeEntry(processes[0]!.baseUrl, session.accessToken, entry);
    if (outcome.kind === 'acked') acked.set(entry.key, outcome.id);
    else {
      retry.push(entry);
      await sleep(200);
    }
  }
  for (const agent of agents) agent.destroy();

  const check = await checkDiary(options.db, session.userId, acked);
  const seconds = (from: number | undefined, to: number | undefined) => (from !== undefined && to !== undefined ? Math.round((to - from) / 10) / 100 : undefined);
  return {
    attempts,
    acked: acked.size,
    refusals,
    noAnswer,
    slowestRefusalMs: Math.round(slowestRefusalMs),
    neverAcked: retry.length,
    check,
    recovery: processes.map((process_, p) => ({
      baseUrl: process_.baseUrl,
      recoverySeconds: seconds(databaseBackAt, firstSuccessAfterBack.get(p)),
      outageSeenSeconds: seconds(firstFailureAt.get(p), firstSuccessAfterBack.get(p)),
      readyzWentNotReady: readiness[p]!.wentNotReady,
      readyzBackSeconds: seconds(databaseBackAt, readiness[p]!.backAt),
      alive: process_.alive(),
    })),
  };
}
