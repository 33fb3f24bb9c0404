/**
 * Start-up benchmark: time from launching the server (what `npm start` runs) to the
 * first answered request, and resident memory then, against a bare Fastify process
 * launched the same way in the same run.
 *
 *   npm run build && node dist/bench/startup.js
 *
 * "first start" has an empty storage folder (migrations + loading the bundled catalog);
 * "next start" reuses it (migrations checked, index built from the database). Both use
 * Node's compile cache as `npm start` does (src/main.ts), filled by the rounds before; "first
 * start, empty compile cache" is a fresh install's very first start (a cache folder of its own). Beside the
 * wall time, the CPU time the server used until its first answer: on a machine shared with
 * other work the wall time grows with their load, the CPU time much less.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../test/helpers/paths.js';
import { freePort } from '../test/helpers/server.js';

interface Sample {
  ms: number;
  /** CPU time the process used until its first answer (user + system): what other processes on the machine change least. */
  cpuMs: number;
  rssMb: number;
}

/** Linux clock ticks (USER_HZ, 100 on every mainstream kernel) in /proc/PID/stat. */
const TICK_MS = 10;

async function timeToFirstAnswer(script: string, env: Record<string, string>, query = '/health'): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [script], {
    cwd: repoRoot,
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}${query}`);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 60_000) throw new Error(`${script} did not answer within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const ms = performance.now() - started;
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    // Fields 14 and 15 of /proc/PID/stat (after the command in parentheses): utime, stime.
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    return { ms, cpuMs, rssMb: rssKb / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ROUNDS = 5;
const larder = path.join(repoRoot, 'dist', 'src', 'main.js');
const bare = path.join(repoRoot, 'dist', 'bench', 'bare-server.js');

const results: Record<string, Sample[]> = { bare: [], cold: [], first: [], next: [] };
for (let round = 0; round < ROUNDS; round++) {
  results.bare!.push(await timeToFirstAnswer(bare, {}));
  const storage = mkdtempSync(path.join(os.tmpdir(), 'larder-bench-'));
  const coldStorage = mkdtempSync(path.join(os.tmpdir(), 'larder-bench-'));
  const coldCache = mkdtempSync(path.join(os.tmpdir(), 'larder-bench-cache-'));
  try {
    results.cold!.push(await timeToFirstAnswer(larder, { LARDER_STORAGE: coldStorage, NODE_COMPILE_CACHE: coldCache }, '/catalog?q=banana'));
    results.first!.push(await timeToFirstAnswer(larder, { LARDER_STORAGE: storage }, '/catalog?q=banana'));
    results.next!.push(await timeToFirstAnswer(larder, { LARDER_STORAGE: storage }, '/catalog?q=banana'));
  } finally {
    for (const dir of [storage, coldStorage, coldCache]) rmSync(dir, { recursive: true, force: true });
  }
}

const bareMs = median(results.bare!.map((s) => s.ms));
const bareCpu = median(results.bare!.map((s) => s.cpuMs));
const bareRss = median(results.bare!.map((s) => s.rssMb));
console.log(`median of ${ROUNDS} runs each, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
for (const [label, key] of [
  ['bare Fastify (baseline)', 'bare'],
  ['Larder, first start, empty compile cache', 'cold'],
  ['Larder, first start (empty storage)', 'first'],
  ['Larder, next start', 'next'],
] as const) {
  const ms = median(results[key]!.map((s) => s.ms));
  const cpu = median(results[key]!.map((s) => s.cpuMs));
  const rss = median(results[key]!.map((s) => s.rssMb));
  console.log(
    `${label}: first answer after ${ms.toFixed(0)} ms (${(ms / bareMs).toFixed(1)}x baseline), ` +
      `${cpu.toFixed(0)} ms of CPU (${(cpu / bareCpu).toFixed(1)}x), RSS ${rss.toFixed(0)} MB (${(rss / bareRss).toFixed(1)}x baseline)`,
  );
}

// `npx larder --help` runs compiled JavaScript (built by `npm install`): its cost over a bare `node -e 0`.
const { spawnSync } = await import('node:child_process');
const timeCommand = (args: string[]) => {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
    samples.push(performance.now() - started);
  }
  return median(samples);
};
const nodeMs = timeCommand(['-e', '0']);
const helpMs = timeCommand([path.join(repoRoot, 'bin', 'larder.js'), '--help']);
console.log(`larder --help: ${helpMs.toFixed(0)} ms (${(helpMs / nodeMs).toFixed(1)}x a bare \`node -e 0\` at ${nodeMs.toFixed(0)} ms)`);
