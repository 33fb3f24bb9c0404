import http from 'node:http';
import type { LarderProcess, ProbeSample } from '../../helpers/larder-process.js';
import { postForm } from '../../oauth/oauth-helpers.js';
import { bearer, percentile, request, sleep, slopePerMinute, type Session } from '../harness.js';

export interface SoakOptions {
  /** Started with `probe: true`. */
  process: LarderProcess;
  session: Session;
  durationMs: number;
  concurrency: number;
  /** The first part of the run, left out of the memory slope (caches, JIT, pools filling). */
  warmupFraction?: number;
}

export interface SoakReport {
  requests: number;
  requestsPerSecond: number;
  /** Unexpected statuses or no answer, by operation: should be none. */
  errors: Record<string, number>;
  latencyMs: Record<string, { p50: number; p99: number }>;
  rssStartMb: number;
  rssEndMb: number;
  /** Least squares over the samples after the warm-up. */
  rssSlopeMbPerMinute: number;
  /** After the warm-up: V8's reserved heap and external (Buffer) memory, first and last sample. */
  heapTotalMb: [number, number];
  externalMb: [number, number];
  heapAfterGcStartMb: number;
  heapAfterGcEndMb: number;
  heapAfterGcSlopeMbPerMinute: number;
  /** Event-loop delay: the median and the worst of the one-second p99s, and the longest single delay (the forced collections for the heap figure, every 3 s, included). */
  lagP99MedianMs: number;
  lagP99WorstMs: number;
  lagMaxMs: number;
  samples: number;
}

const QUERIES = ['apple', 'banana raw', 'cheddar cheese', 'chicken breast roasted', 'brocoli', 'oj', 'whole milk', 'rice cooked', 'peanut butter', 'egg'];

/**
 * Mixed load on one process for a while (the API reading and writing the diary, pages,
 * OAuth metadata and refresh-token rotation, probes), with its memory and event-loop lag
 * sampled from inside by the probe. No request may fail; memory must not climb.
 */
export async function soak(options: SoakOptions): Promise<SoakReport> {
  const { process: larder, session } = options;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency + 1 });
  const base = larder.baseUrl;
  const errors: Record<string, number> = {};
  const latencies: Record<string, number[]> = {};
  let requests = 0;
  let counter = 0;
  const record = (name: string, ms: number, ok: boolean, detail: string) => {
    requests++;
    (latencies[name] ??= []).push(ms);
    if (!ok) errors[`${name}: ${detail}`] = (errors[`${name}: ${detail}`] ?? 0) + 1;
  };
  const call = async (name: string, expect: number[], init: Parameters<typeof request>[1]) => {
    const answer = await request(base, { ...init, agent, timeoutMs: 20_000 });
    record(name, answer.ms, answer.status !== undefined && expect.includes(answer.status), answer.status === undefined ? answer.error : String(answer.status));
    return answer;
  };
  const token = () => bearer(session.accessToken);

  const operations: Array<() => Promise<unknown>> = [
    () => call('search', [200], { path: `/api/foods/search?query=${encodeURIComponent(QUERIES[counter++ % QUERIES.length]!)}&limit=5`, headers: token() }),
    () => call('food', [200], { path: '/api/foods/sr-09040', headers: token() }),
    async () => {
      const key = `soak-${process.pid}-${counter++}-${Math.random().toString(36).slice(2)}`;
      const added = await call('diary-add', [201], {
        method: 'POST',
        path: '/api/diary',
        headers: { ...token(), 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ food_id: 'sr-01123', grams: 50, meal: 'snack' }),
      });
      if (added.status !== 201) return;
      const id = (JSON.parse(added.body) as { id: string }).id;
      await call('diary-delete', [200], { method: 'DELETE', path: `/api/diary/${encodeURIComponent(id)}`, headers: token() });
    },
    () => call('diary-list', [200], { path: '/api/diary', headers: token() }),
    () => call('diary-summary', [200], { path: '/api/diary/summary', headers: token() }),
    () => call('me', [200], { path: '/api/me', headers: token() }),
    () => call('catalog-page', [200], { path: `/catalog?q=${encodeURIComponent(QUERIES[counter++ % QUERIES.length]!)}` }),
    () => call('discovery', [200], { path: '/.well-known/oauth-authorization-server' }),
    () => call('readyz', [200], { path: '/readyz' }),
  ];

  const started = Date.now();
  const endAt = started + options.durationMs;
  const worker = async (index: number) => {
    for (let i = index; Date.now() < endAt; i++) await operations[i % operations.length]!();
  };
  // One client rotates its refresh token the whole time (rotation must be one at a time).
  const rotator = async () => {
    while (Date.now() < endAt) {
      const t0 = performance.now();
      const answer = await postForm(base, '/oauth/token', { grant_type: 'refresh_token', refresh_token: session.refreshToken, client_id: session.clientId, client_secret: session.clientSecret });
      record('token-refresh', performance.now() - t0, answer.status === 200, String(answer.status));
      if (answer.status === 200) {
        session.refreshToken = String(answer.body.refresh_token);
        session.accessToken = String(answer.body.access_token);
      }
      await sleep(250);
    }
  };
  const gcSamples: ProbeSample[] = [];
  const gcSampler = async () => {
    while (Date.now() < endAt) {
      gcSamples.push(await larder.sampleAfterGc());
      await sleep(3000);
    }
    gcSamples.push(await larder.sampleAfterGc());
  };
  await Promise.all([...Array.from({ length: options.concurrency }, (_, i) => worker(i)), rotator(), gcSampler()]);
  agent.destroy();

  const warmupEnd = started + options.durationMs * (options.warmupFraction ?? 0.3);
  const steady = larder.samples.filter((s) => s.at >= warmupEnd);
  const steadyGc = gcSamples.filter((s) => s.at >= warmupEnd);
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  const during = larder.samples.filter((s) => s.at >= started);
  return {
    requests,
    requestsPerSecond: Math.round(requests / ((Date.now() - started) / 1000)),
    errors,
    latencyMs: Object.fromEntries(Object.entries(latencies).map(([name, values]) => [name, { p50: Math.round(percentile(values, 50)), p99: Math.round(percentile(values, 99)) }])),
    rssStartMb: mb(steady[0]?.rssBytes ?? 0),
    rssEndMb: mb(steady.at(-1)?.rssBytes ?? 0),
    rssSlopeMbPerMinute: Math.round(slopePerMinute(steady.map((s) => s.at), steady.map((s) => s.rssBytes / 1048576)) * 100) / 100,
    heapTotalMb: [mb(steady[0]?.heapTotalBytes ?? 0), mb(steady.at(-1)?.heapTotalBytes ?? 0)],
    externalMb: [mb(steady[0]?.externalBytes ?? 0), mb(steady.at(-1)?.externalBytes ?? 0)],
    heapAfterGcStartMb: mb(steadyGc[0]?.heapAfterGcBytes ?? 0),
    heapAfterGcEndMb: mb(steadyGc.at(-1)?.heapAfterGcBytes ?? 0),
    heapAfterGcSlopeMbPerMinute: Math.round(slopePerMinute(steadyGc.map((s) => s.at), steadyGc.map((s) => (s.heapAfterGcBytes ?? 0) / 1048576)) * 100) / 100,
    lagP99MedianMs: percentile(during.map((s) => s.lagP99Ms), 50),
    lagP99WorstMs: Math.max(0, ...during.map((s) => s.lagP99Ms)),
    lagMaxMs: Math.max(0, ...during.map((s) => s.lagMaxMs)),
    samples: during.length,
  };
}
