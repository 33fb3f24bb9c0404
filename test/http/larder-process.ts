import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { repoRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/server.js';

export interface LarderProcess {
  baseUrl: string;
  database: TestDatabase;
  /** Every line the process wrote to stdout so far (pino's JSON lines). */
  stdout: string[];
  /** Every line the process wrote to stderr so far. */
  stderr: string[];
  /** Waits until a stdout line matches (or fails after `timeoutMs`). */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Sends the process a signal without waiting (SIGTERM starts a graceful shutdown). */
  signal(name: NodeJS.Signals): void;
  /** Settles when the process has exited, with its exit code. */
  exited: Promise<number | null>;
  /** SIGTERM, then waits for the exit; deletes the database. */
  close(): Promise<void>;
}

/**
 * A real Larder exactly as `npm start` runs it (`node dist/src/main.js`), in a child
 * process of its own, over a fresh database, with its stdout and stderr collected line by
 * line: for tests of what Larder writes to its log. `prepare` runs on the migrated
 * database before the server starts (to create clients or people).
 */
export async function startLarderProcess(
  options: { env?: Record<string, string>; prepare?: (database: TestDatabase) => Promise<void> } = {},
): Promise<LarderProcess> {
  const database = await createTestDatabase();
  if (options.prepare) await options.prepare(database);
  await database.close();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const storage = database.config.kind === 'sqlite' ? path.dirname(database.config.file) : '/tmp/larder-test-storage';
  const child: ChildProcess = spawn(process.execPath, [path.join(repoRoot, 'dist', 'src', 'main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PORT: String(port),
      APP_URL: baseUrl,
      DATABASE_URL: database.url,
      LARDER_STORAGE: storage,
      LARDER_BUNDLED_CATALOG: 'false',
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: Array<{ match: (line: string) => boolean; resolve: (line: string) => void }> = [];
  const collect = (stream: NodeJS.ReadableStream | null, into: string[], notify: boolean) => {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') continue;
        into.push(line);
        if (!notify) continue;
        for (const waiter of [...waiters]) {
          if (waiter.match(line)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    });
  };
  collect(child.stdout, stdout, true);
  collect(child.stderr, stderr, false);
  let exited = false;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => ((exited = true), resolve(code))));

  const waitForLine = (match: (line: string) => boolean, timeoutMs = 20_000): Promise<string> => {
    const already = stdout.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${stderr.join('\n')}`)), timeoutMs);
      waiters.push({ match, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  };

  // Ready when it answers (whatever LOG_LEVEL hides): /health, polled.
  const ready = async () => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`Larder exited at start: ${stderr.join('\n')}`);
      try {
        if ((await fetch(`${baseUrl}/health`)).status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Larder did not answer /health within 60 s: ${stderr.join('\n')}`);
  };
  try {
    await ready();
  } catch (error) {
    child.kill('SIGKILL');
    await database.drop();
    throw error;
  }

  return {
    baseUrl,
    database,
    stdout,
    stderr,
    waitForLine,
    alive: () => !exited,
    signal: (name) => void child.kill(name),
    exited: exit,
    async close() {
      if (!exited) {
        child.kill('SIGTERM');
        await exit;
      }
      await database.drop();
    },
  };
}
