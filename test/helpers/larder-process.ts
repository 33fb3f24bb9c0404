import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths.js';
import { freePort } from './server.js';

export interface LarderProcessOptions {
  /** DATABASE_URL of the process (sqlite:FILE or postgres://…). */
  databaseUrl: string;
  /** LARDER_STORAGE: the signing keys (shared by processes that must accept each other's cookies). */
  storageDir: string;
  port?: number;
  /** APP_URL; by default the process's own address. */
  appUrl?: string;
  env?: Record<string, string>;
  /** Load test/helpers/process-probe.ts: resident memory, heap and event-loop lag over IPC. */
  probe?: boolean;
  /** How long to wait for the process to answer after the spawn. */
  startTimeoutMs?: number;
}

export interface ProbeSample {
  at: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** V8's heap as reserved, and memory outside it held by JavaScript objects (Buffers): what RSS holds besides the heap in use. */
  heapTotalBytes: number;
  externalBytes: number;
  /** Event-loop delay over the last interval, in milliseconds. */
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** Heap after a full collection, when this sample was asked for with collect. */
  heapAfterGcBytes?: number;
}

export interface LarderProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  /** What the process wrote to stdout and stderr (its last 256 KiB). */
  output(): string;
  alive(): boolean;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Probe samples received so far (with `probe: true`). */
  samples: ProbeSample[];
  /** Asks the probe for a sample after a full garbage collection. */
  sampleAfterGc(): Promise<ProbeSample>;
  /** SIGTERM, then SIGKILL if still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const MAIN = path.join(repoRoot, 'dist', 'src', 'main.js');
const PROBE = path.join(repoRoot, 'dist', 'test', 'helpers', 'process-probe.js');
const OUTPUT_LIMIT = 256 * 1024;

/**
 * Starts `node dist/src/main.js` as a real, separate process (what `npm start` runs) and
 * waits until it answers /health (the oldest probe, so these tests also run against
 * older builds). Fault tests kill, signal and starve these processes.
 */
export async function spawnLarder(options: LarderProcessOptions): Promise<LarderProcess> {
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: options.appUrl ?? baseUrl,
    DATABASE_URL: options.databaseUrl,
    LARDER_STORAGE: options.storageDir,
    ...options.env,
  };
  const args = options.probe ? ['--expose-gc', '--import', pathToFileURL(PROBE).href, MAIN] : [MAIN];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe', ...(options.probe ? (['ipc'] as const) : [])] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exitedWith: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedWith = { code, signal, at: Date.now() };
      resolve(exitedWith);
    });
  });

  const samples: ProbeSample[] = [];
  const waitingForGc: Array<(sample: ProbeSample) => void> = [];
  child.on('message', (message: { type?: string; sample?: ProbeSample }) => {
    if (message.type === 'sample' && message.sample) samples.push(message.sample);
    if (message.type === 'gc-sample' && message.sample) waitingForGc.shift()?.(message.sample);
  });

  const process_: LarderProcess = {
    child,
    port,
    baseUrl,
    output: () => output,
    alive: () => exitedWith === undefined,
    exited,
    samples,
    sampleAfterGc() {
      return new Promise((resolve) => {
        waitingForGc.push(resolve);
        child.send?.({ type: 'gc-sample' });
      });
    },
    async stop(graceMs = 15_000) {
      if (exitedWith) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  while (Date.now() < deadline) {
    if (exitedWith) throw new Error(`Larder exited during start (code ${exitedWith.code}, signal ${exitedWith.signal}):\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return process_;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`Larder did not answer /health within ${options.startTimeoutMs ?? 90_000} ms:\n${output}`);
}
