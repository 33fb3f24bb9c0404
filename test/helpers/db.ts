import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config.js';
import { openDatabase, type OpenedDatabase } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';

/**
 * The database the suite runs against: SQLite unless LARDER_TEST_DATABASE_URL names a
 * PostgreSQL server (.ci/run runs the suite once each way). Every call gets a fresh,
 * empty database (a temporary SQLite file, or a new PostgreSQL schema), so tests never
 * see each other's rows.
 */
export function testDatabaseKind(): 'sqlite' | 'postgres' {
  return process.env.LARDER_TEST_DATABASE_URL?.startsWith('postgres') ? 'postgres' : 'sqlite';
}

export interface TestDatabase extends OpenedDatabase {
  config: DatabaseConfig;
  /** DATABASE_URL value that points another process at the same database. */
  url: string;
  /** Closes the connection and deletes the database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.LARDER_TEST_DATABASE_URL;
  let config: DatabaseConfig;
  let url: string;
  let cleanup: () => Promise<void>;
  if (serverUrl?.startsWith('postgres')) {
    const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    config = { kind: 'postgres', url: serverUrl, schema };
    const u = new URL(serverUrl);
    u.searchParams.set('schema', schema);
    url = u.href;
    cleanup = async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    };
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'larder-test-'));
    const file = path.join(dir, 'larder.db');
    config = { kind: 'sqlite', file };
    url = `sqlite:${file}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const opened = await openDatabase(config);
  if (options.migrate !== false) {
    try {
      await migrateToLatest(opened.db);
    } catch (error) {
      await opened.close();
      await cleanup();
      throw error;
    }
  }
  let closed = false;
  return {
    ...opened,
    config,
    url,
    async close() {
      if (closed) return;
      closed = true;
      await opened.close();
    },
    async drop() {
      if (!closed) {
        closed = true;
        await opened.close();
      }
      await cleanup();
    },
  };
}
