import http from 'node:http';
import type { LarderProcess } from '../../helpers/larder-process.js';
import { bearer, planEntries, request, sleep, writeEntry, type Answer, type NoAnswer, type Session } from '../harness.js';

export interface SigtermUnderLoadOptions {
  process: LarderProcess;
  session: Session;
  concurrency: number;
  /** Load before SIGTERM. */
  loadMs: number;
  /** Requests whose body is half sent when SIGTERM comes, the rest 300 ms after. */
  halfSent: number;
  /** SHUTDOWN_GRACE_MS the process was started with. */
  graceMs: number;
}

interface Outcome {
  startedAt: number;
  settledAt: number;
  result: Answer | NoAnswer;
}

export interface SigtermUnderLoadReport {
  requests: number;
  /** Started before SIGTERM and not yet answered when it came. */
  inFlightAtSignal: number;
  /** Of those, the ones that got no answer, or a 5xx (should be none). */
  inFlightFailed: Array<{ status: number | undefined; error: string | undefined; startedMsBeforeSignal: number }>;
  halfSentStatuses: Array<number | string>;
  /** Started after SIGTERM: served while the server closes, then refused (503, connection refused or reset), never left hanging. */
  afterSignal: Record<string, number>;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  exitMs: number;
}

/**
 * SIGTERM while Larder is busy: every request already in flight is answered, as are
 * requests half-way through their body; then the process exits 0 within its grace period.
 */
export async function sigtermUnderLoad(options: SigtermUnderLoadOptions): Promise<SigtermUnderLoadReport> {
  const { process: larder, session } = options;
  const planned = planEntries(`term-${Date.now().toString(36)}`, 100_000);
  let next = 0;
  const outcomes: Outcome[] = [];
  let signalAt: number | undefined = undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const calls: Array<() => Promise<Answer | NoAnswer>> = [
    () => request(larder.baseUrl, { path: '/api/foods/search?query=apple&limit=5', headers: bearer(session.accessToken), agent }),
    async () => {
      const outcome = await writeEntry(larder.baseUrl, session.accessToken, planned[next++]!, { agent });
      if (outcome.kind === 'no-answer') return { status: undefined, error: outcome.error, ms: outcome.ms };
      return { status: outcome.status, headers: {}, body: '', ms: outcome.ms };
    },
    () => request(larder.baseUrl, { path: '/catalog?q=cheddar', agent }),
    () => request(larder.baseUrl, { path: `/api/diary/summary?date=${new Date().toISOString().slice(0, 10)}`, headers: bearer(session.accessToken), agent }),
  ];
  const worker = async (index: number) => {
    for (let i = index; ; i++) {
      const startedAt = Date.now();
      if (signalAt !== undefined && startedAt - signalAt > 1000) return;
      const result = await calls[i % calls.length]!();
      outcomes.push({ startedAt, settledAt: Date.now(), result });
      if (signalAt !== undefined && result.status === undefined) return; // the server is gone: stop
    }
  };

  // Requests half-way through their body at the signal (each on its own connection).
  const halfSent = Array.from({ length: options.halfSent }, (_, i) => {
    const entry = planned[50_000 + i]!;
    return new Promise<number | string>((resolve) => {
      const headers = { ...bearer(session.accessToken), 'content-type': 'application/json', 'idempotency-key': entry.key, 'content-length': String(Buffer.byteLength(entry.body)) };
      const req = http.request(`${larder.baseUrl}/api/diary`, { method: 'POST', headers, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', (error) => resolve((error as NodeJS.ErrnoException).code ?? error.message));
      req.write(entry.body.slice(0, 10));
      const finish = setInterval(() => {
        if (signalAt !== undefined && Date.now() - signalAt >= 300) {
          clearInterval(finish);
          req.end(entry.body.slice(10));
        }
      }, 20);
    });
  });

  const load = Array.from({ length: options.concurrency }, (_, i) => worker(i));
  await sleep(options.loadMs);
  signalAt = Date.now();
  larder.child.kill('SIGTERM');
  const exit = await larder.exited;
  await Promise.all(load);
  const halfSentStatuses = await Promise.all(halfSent);
  agent.destroy();

  const at = signalAt;
  const inFlight = outcomes.filter((o) => o.startedAt < at && o.settledAt >= at);
  const afterSignal: Record<string, number> = {};
  for (const o of outcomes.filter((o) => o.startedAt >= at)) {
    const label = o.result.status === undefined ? o.result.error : String(o.result.status);
    afterSignal[label] = (afterSignal[label] ?? 0) + 1;
  }
  return {
    requests: outcomes.length,
    inFlightAtSignal: inFlight.length,
    inFlightFailed: inFlight
      .filter((o) => o.result.status === undefined || o.result.status >= 500)
      .map((o) => ({ status: o.result.status, error: o.result.status === undefined ? o.result.error : undefined, startedMsBeforeSignal: at - o.startedAt })),
    halfSentStatuses,
    afterSignal,
    exitCode: exit.code,
    exitSignal: exit.signal,
    exitMs: exit.at - at,
  };
}
