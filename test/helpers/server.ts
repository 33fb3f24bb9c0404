import net from 'node:net';
import { loadConfig, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export interface TestServer {
  server: RunningServer;
  database: TestDatabase;
  config: Config;
  baseUrl: string;
  /** Stops the server and deletes its database. */
  close(): Promise<void>;
}

/**
 * A real Larder listening on 127.0.0.1 (a free port) over a fresh database: the
 * bundled catalog is loaded unless `bundledCatalog: false`.
 */
export async function startTestServer(options: { bundledCatalog?: boolean; env?: Record<string, string> } = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  await database.close();
  const port = await freePort();
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: database.url,
      LARDER_BUNDLED_CATALOG: options.bundledCatalog === false ? 'false' : 'true',
      LARDER_STORAGE: database.config.kind === 'sqlite' ? database.config.file.replace(/\/larder\.db$/, '') : '/tmp/larder-test-storage',
      ...options.env,
    },
    { readEnvFile: false },
  );
  const server = await startServer(config);
  const baseUrl = config.appUrl;
  return {
    server,
    database,
    config,
    baseUrl,
    async close() {
      await server.stop();
      await database.drop();
    },
  };
}

/** A port nobody listens on right now, so APP_URL can name the real address. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
