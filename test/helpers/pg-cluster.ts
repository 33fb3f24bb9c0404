import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './server.js';

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of a test's own, in a temporary folder on a free port, so that a
 * fault test may stop, restart, freeze and kill it. The machine's own server (5432) is
 * never touched. As root, every pg_ctl runs as the `postgres` user (PostgreSQL refuses root).
 */
export interface PgCluster {
  port: number;
  dataDir: string;
  /** postgres://postgres@127.0.0.1:PORT/DATABASE */
  url(database?: string): string;
  start(): Promise<void>;
  /** `fast` ends sessions and checkpoints; `immediate` is a crash (recovery at the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** SIGSTOP to the postmaster and every backend: a server that accepts and never answers. */
  pause(): void;
  resume(): void;
  /** Runs one statement on a fresh connection. */
  query(text: string, database?: string): Promise<pg.QueryResult>;
  destroy(): Promise<void>;
}

interface Binaries {
  dir: string;
  /** Prefix for running them as the postgres user, when we are root. */
  asUser: string[];
}

/** Where initdb and pg_ctl are (LARDER_PG_BIN, Debian's /usr/lib/postgresql/N/bin, or pg_config), or why not. */
export async function findPostgresBinaries(): Promise<Binaries | string> {
  const candidates: string[] = [];
  if (process.env.LARDER_PG_BIN) candidates.push(process.env.LARDER_PG_BIN);
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  try {
    candidates.push((await run('pg_config', ['--bindir'])).stdout.trim());
  } catch {
    // no pg_config on PATH
  }
  const dir = candidates.find((candidate) => existsSync(path.join(candidate, 'initdb')) && existsSync(path.join(candidate, 'pg_ctl')));
  if (!dir) return 'no PostgreSQL server binaries (initdb, pg_ctl) found: set LARDER_PG_BIN or install postgresql';
  if (process.getuid?.() !== 0) return { dir, asUser: [] };
  try {
    await run('id', ['-u', 'postgres']);
  } catch {
    return 'running as root, and there is no postgres user to run the cluster as';
  }
  return { dir, asUser: ['runuser', '-u', 'postgres', '--'] };
}

export async function createPgCluster(binaries: Binaries): Promise<PgCluster> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'larder-pg-'));
  const dataDir = path.join(root, 'data');
  if (binaries.asUser.length > 0) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(root, uid, gid);
  }
  const tool = async (name: string, args: string[]) => {
    const [command, ...prefix] = [...binaries.asUser, path.join(binaries.dir, name)];
    return run(command!, [...prefix, ...args], { cwd: root });
  };
  await tool('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
  const port = await freePort();
  // fsync off: these tests restart and crash the server, never the machine; durability
  // across a process restart comes from the WAL in the page cache, as in production.
  const settings = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60 -c shared_buffers=32MB`;
  let postmasterPid: number | undefined;
  const readPid = () => {
    try {
      return Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };
  // Should the test process die, its cluster must not outlive it (SIGQUIT: immediate shutdown).
  const onExit = () => {
    if (postmasterPid) {
      try {
        process.kill(postmasterPid, 'SIGQUIT');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', onExit);

  const backends = (): number[] => {
    if (!postmasterPid) return [];
    const children: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the last ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === postmasterPid) children.push(Number(entry));
      } catch {
        // the process ended meanwhile
      }
    }
    return children;
  };

  const signalAll = (signal: NodeJS.Signals, pids: number[]) => {
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // ended meanwhile
      }
    }
  };

  const cluster: PgCluster = {
    port,
    dataDir,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      await tool('pg_ctl', ['-D', dataDir, '-l', path.join(root, 'server.log'), '-w', '-t', '60', '-o', settings, 'start']);
      postmasterPid = readPid();
    },
    async stop(mode = 'fast') {
      await tool('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
      postmasterPid = undefined;
    },
    pause() {
      // Backends first, so none is left running to notice its parent stopped.
      signalAll('SIGSTOP', [...backends(), ...(postmasterPid ? [postmasterPid] : [])]);
    },
    resume() {
      signalAll('SIGCONT', [...(postmasterPid ? [postmasterPid] : []), ...backends()]);
    },
    async query(text, database = 'postgres') {
      const client = new pg.Client({ connectionString: cluster.url(database), connectionTimeoutMillis: 10_000 });
      client.on('error', () => undefined);
      await client.connect();
      try {
        return await client.query(text);
      } finally {
        await client.end();
      }
    },
    async destroy() {
      process.removeListener('exit', onExit);
      if (postmasterPid) {
        cluster.resume();
        try {
          await cluster.stop('immediate');
        } catch {
          onExit();
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  return cluster;
}
