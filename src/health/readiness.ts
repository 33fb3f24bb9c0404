import { isDatabaseUnavailable } from '../db/errors.js';
import type { Db } from '../db/index.js';
import { pendingMigrations } from '../db/migrate.js';

export interface ReadinessChecks {
  database: 'ok' | 'unreachable' | 'failing';
  migrations: 'ok' | 'pending' | 'unknown';
  catalog: 'ok' | 'empty';
}

export interface Readiness {
  ready: boolean;
  checks: ReadinessChecks;
  /** What is wrong, in words for an operator; empty when ready. */
  problems: string[];
}

/**
 * Whether this process can serve: its database answers (within the configured
 * timeouts), has run every migration this program knows, and the search index holds a
 * catalog. A load balancer sends requests elsewhere while any of these is false.
 */
export async function checkReadiness(options: { db: Db; catalogSize: () => number }): Promise<Readiness> {
  const checks: ReadinessChecks = { database: 'ok', migrations: 'ok', catalog: 'ok' };
  const problems: string[] = [];
  try {
    const pending = await pendingMigrations(options.db);
    if (pending.length > 0) {
      checks.migrations = 'pending';
      problems.push(`Migrations not yet run: ${pending.join(', ')} (larder db:migrate, or restart Larder).`);
    }
  } catch (error) {
    checks.database = isDatabaseUnavailable(error) ? 'unreachable' : 'failing';
    checks.migrations = 'unknown';
    problems.push(checks.database === 'unreachable' ? 'The database cannot be reached.' : `The database fails: ${(error as Error).message}`);
  }
  if (options.catalogSize() === 0) {
    checks.catalog = 'empty';
    problems.push('The food catalog is empty (larder catalog:import, or LARDER_BUNDLED_CATALOG=true).');
  }
  return { ready: problems.length === 0, checks, problems };
}
