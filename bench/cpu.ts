/**
 * CPU time a server spends, read from Linux's /proc: the sum over a process's threads of
 * the time they ran (schedstat, nanoseconds), and for a server on PostgreSQL the same for
 * the database backends its connections are served by. Throughput on a machine other
 * people also load swings with their load; the CPU time a request costs swings far less,
 * so the benchmark reports both.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import pg from 'pg';

/** Nanoseconds the process's threads have run, in all. */
export function processCpuNs(pid: number): number {
  let total = 0;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const task of tasks) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return total;
}

/** The local TCP ports of `pid`'s sockets connected to `remotePort` on this machine. */
function localPortsTo(pid: number, remotePort: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const local = Number.parseInt(fields[1]!.split(':')[1]!, 16);
      const remote = Number.parseInt(fields[2]!.split(':')[1]!, 16);
      if (remote === remotePort && inodes.has(fields[9]!)) ports.push(local);
    }
  }
  return ports;
}

/**
 * Measures the CPU time of one server process and, when it talks to a PostgreSQL server
 * on this machine, of the backends serving its connections.
 */
export class ServerCpu {
  readonly #pid: number;
  readonly #pg: pg.Client | undefined;

  private constructor(pid: number, client: pg.Client | undefined) {
    this.#pid = pid;
    this.#pg = client;
  }

  static async of(pid: number, postgresUrl?: string): Promise<ServerCpu> {
    if (!postgresUrl) return new ServerCpu(pid, undefined);
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    return new ServerCpu(pid, client);
  }

  async #backends(): Promise<number[]> {
    if (!this.#pg) return [];
    const ports = localPortsTo(this.#pid, 5432);
    if (ports.length === 0) return [];
    const rows = await this.#pg.query<{ pid: number }>('select pid from pg_stat_activity where client_port = any($1::int[])', [ports]);
    return rows.rows.map((r) => r.pid);
  }

  /** A reading; the difference of two readings is the CPU time spent between them. */
  async read(): Promise<{ server: number; database: Map<number, number> }> {
    const database = new Map<number, number>();
    for (const pid of await this.#backends()) database.set(pid, processCpuNs(pid));
    return { server: processCpuNs(this.#pid), database };
  }

  /** Nanoseconds spent since `start` by the server and by the database backends serving it. */
  async since(start: { server: number; database: Map<number, number> }): Promise<{ server: number; database: number }> {
    const end = await this.read();
    let database = 0;
    // A backend that appeared meanwhile (a new pool connection) spent all its time in the interval.
    for (const [pid, ns] of end.database) database += ns - (start.database.get(pid) ?? 0);
    return { server: end.server - start.server, database };
  }

  async close(): Promise<void> {
    await this.#pg?.end();
  }
}
