import { flushCompileCache } from 'node:module';
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { startServer } from './server.js';

/** `npm start`: serve Larder until SIGTERM or SIGINT, then shut down gracefully. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const server = await startServer(config);
  server.app.log.info({ url: config.appUrl, foods: server.catalog.size, database: server.database.dialect }, 'Larder is serving');
  // What this start compiled, written to the compile cache (main.ts) now rather than at exit,
  // which a killed process never reaches; a moment later, so that the first requests go first.
  setTimeout(() => flushCompileCache(), 1000).unref();

  let signals = 0;
  const shutdown = (signal: string): void => {
    signals++;
    if (signals > 1) process.exit(1); // a second Ctrl-C: stop now
    server.app.log.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => {
      server.app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Larder could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
