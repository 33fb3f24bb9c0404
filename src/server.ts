import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from './app.js';
import { Catalog } from './catalog/catalog.js';
import { serializeFoodAhead } from './catalog/present.js';
import { changeFeedFor } from './changes/feed.js';
import { SearchMissCounter } from './catalog/search-misses.js';
import type { Config } from './config.js';
import { openDatabase, type OpenedDatabase } from './db/index.js';
import { migrateToLatest } from './db/migrate.js';
import { loggerOptions } from './log.js';
import { prepareProviderKeys } from './oauth/keys.js';
import { createViews } from './views/render.js';

export interface RunningServer {
  app: FastifyInstance;
  database: OpenedDatabase;
  catalog: Catalog;
  /** Counts searches without a close match and writes them in batches (larder stats reads them). */
  searchMisses: SearchMissCounter;
  /** Stops accepting, lets in-flight requests finish, closes the database. */
  stop(): Promise<void>;
}

/** How often a process checks whether another one changed the catalog. */
const CATALOG_POLL_MS = 15_000;

/**
 * Everything `npm start` does before listening: open and migrate the database, load
 * the bundled catalog on first start, build the search index, build the app.
 */
export async function startServer(config: Config, options: { listen?: boolean } = {}): Promise<RunningServer> {
  const log = pino(loggerOptions(config) as pino.LoggerOptions);
  // A first start's signing key, generated on another thread while the catalog loads.
  const keysReady = prepareProviderKeys(config);
  const database = await openDatabase(config.database, { timeouts: config.databaseTimeouts, log });
  try {
    await migrateToLatest(database.db);
    const searchMisses = new SearchMissCounter(database.db, { log });
    const catalog = new Catalog(database.db, log, searchMisses);
    if (config.loadBundledCatalog) await catalog.loadBundledIfNeeded();
    await catalog.refresh();
    const views = createViews(config.viewsDir);
    await keysReady;
    const feed = changeFeedFor(database.db);
    await feed.start();
    const app = await buildApp({ config, database, catalog, views });
    feed.onError = (error) => app.log.error({ err: error }, 'reading the change feed failed');
    const poll = setInterval(() => {
      catalog.refresh().catch((error: unknown) => app.log.error({ err: error }, 'catalog refresh failed'));
    }, CATALOG_POLL_MS);
    poll.unref();
    searchMisses.start();
    if (options.listen !== false) await app.listen({ port: config.port, host: config.host });
    // Every food read into memory, its API JSON made for each tier, in the background.
    catalog.keepFoodsInMemory((food) => serializeFoodAhead(food, config.appUrl));
    let stopping: Promise<void> | undefined;
    return {
      app,
      database,
      catalog,
      searchMisses,
      stop() {
        stopping ??= (async () => {
          clearInterval(poll);
          catalog.close();
          await app.close();
          feed.stop();
          // After the last request: every search it answered is counted.
          await searchMisses.close();
          await database.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
