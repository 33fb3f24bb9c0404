import net from 'node:net';
import { openDatabase, type Db } from '../../src/db/index.js';
import type { TestDatabase } from './db.js';

/**
 * A TCP relay in front of PostgreSQL that can cut the connection at a transaction's COMMIT,
 * for faults no real server can be made to show on cue: `'before'` drops the COMMIT and
 * closes both sides (the server rolls back), `'after'` lets the COMMIT through and closes
 * both sides as the server answers (it has committed; the client never hears so). Each
 * `cutNext` applies to the next COMMIT on any connection, or to the next statement whose
 * text matches the pattern given (an autocommit statement, which commits as it ends). It
 * reads the frontend protocol just enough to find the statement, sent as a simple query or
 * as a (named) prepared statement.
 */
export interface CommitCutter {
  port: number;
  cutNext(when: 'before' | 'after', statement?: RegExp): void;
  /** How many COMMITs it has cut. */
  readonly cuts: number;
  close(): Promise<void>;
}

const isCommit = (text: string) => /^\s*commit\s*;?\s*$/i.test(text);

export async function startCommitCutter(target: { host: string; port: number }): Promise<CommitCutter> {
  let armed: 'before' | 'after' | undefined;
  let statementToCut: RegExp | undefined;
  const isTarget = (text: string | undefined) => text !== undefined && (statementToCut ? statementToCut.test(text) : isCommit(text));
  let cuts = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    // The text of each statement prepared on this connection, by name ('' the unnamed one).
    const texts = new Map<string, string>();
    let started = false;
    let pending = Buffer.alloc(0);
    let cutOnReply = false;
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const out: Buffer[] = [];
      let sawCommit = false;
      for (;;) {
        if (!started) {
          // The startup message (and an SSL or GSS request before it) has no type byte.
          if (pending.length < 8) break;
          const length = pending.readInt32BE(0);
          if (pending.length < length) break;
          const code = pending.readInt32BE(4);
          out.push(pending.subarray(0, length));
          pending = pending.subarray(length);
          if (code !== 80877103 && code !== 80877104) started = true;
          continue;
        }
        if (pending.length < 5) break;
        const length = pending.readInt32BE(1);
        if (pending.length < 1 + length) break;
        const message = pending.subarray(0, 1 + length);
        pending = pending.subarray(1 + length);
        const type = String.fromCharCode(message[0]!);
        const body = message.subarray(5);
        const cString = (from: number): [string, number] => {
          const end = body.indexOf(0, from);
          return [body.subarray(from, end).toString('utf8'), end + 1];
        };
        if (type === 'Q' && isTarget(cString(0)[0])) sawCommit = true;
        if (type === 'P') {
          const [name, next] = cString(0);
          texts.set(name, cString(next)[0]);
        }
        if (type === 'B') {
          const [, next] = cString(0);
          if (isTarget(texts.get(cString(next)[0]))) sawCommit = true;
        }
        out.push(message);
      }
      if (sawCommit && armed) {
        const when = armed;
        armed = undefined;
        cuts++;
        if (when === 'before') {
          close();
          return;
        }
        cutOnReply = true;
      }
      if (out.length > 0) upstream.write(Buffer.concat(out));
    });
    upstream.on('data', (chunk: Buffer) => {
      if (cutOnReply) close();
      else client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cutNext(when, statement) {
      armed = when;
      statementToCut = statement;
    },
    get cuts() {
      return cuts;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A second handle on a PostgreSQL test database, connected through a fresh relay: what it
 * runs can be cut at COMMIT (`cutter`); the test's own handle reads the database directly.
 */
export async function openThroughCutter(database: TestDatabase): Promise<{ db: Db; cutter: CommitCutter; close(): Promise<void> }> {
  const target = new URL(process.env.LARDER_TEST_DATABASE_URL!);
  const cutter = await startCommitCutter({ host: target.hostname, port: Number(target.port || 5432) });
  const relayed = new URL(target.href);
  relayed.hostname = '127.0.0.1';
  relayed.port = String(cutter.port);
  const opened = await openDatabase({ kind: 'postgres', url: relayed.href, schema: (database.config as { schema: string }).schema });
  return {
    db: opened.db,
    cutter,
    async close() {
      await opened.close();
      await cutter.close();
    },
  };
}
