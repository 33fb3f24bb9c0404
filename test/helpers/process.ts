import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths.js';
import { freePort } from './server.js';

export interface LarderProcess {
  baseUrl: string;
  child: ChildProcess;
  /** Sends `signal` and resolves with the exit code once the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Larder as `npm start` runs it, in a process of its own (dist/src/main.js) on a free
 * port, for tests of what must hold across processes: revocation, quotas, usage records
 * after a stop or a crash. `env` names the database (DATABASE_URL) and the storage.
 */
export async function startLarderProcess(env: Record<string, string>): Promise<LarderProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'src', 'main.js')], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', LARDER_BUNDLED_CATALOG: 'false', PORT: String(port), APP_URL: baseUrl, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`Larder exited (${child.exitCode}) before answering:\n${stderr}`);
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) return { baseUrl, child, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop('SIGKILL');
  throw new Error(`Larder did not answer within 15 s:\n${stderr}`);
}
