import { openDatabase } from '../db/index.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Command } from './command.js';

export const dbCommands: Command[] = [
  {
    name: 'db:migrate',
    summary: 'Create or update the database tables (the server also does this on start)',
    usage: 'Usage: larder db:migrate [--json]\n\n  --json  print the applied migrations as JSON',
    options: { json: { type: 'boolean' } },
    async run({ values }, { config, output }) {
      const database = await openDatabase(config().database);
      try {
        const { applied } = await migrateToLatest(database.db);
        if (values.json) output.out(JSON.stringify({ applied, database: database.dialect }));
        else output.out(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'The database is up to date.');
        return 0;
      } finally {
        await database.close();
      }
    },
  },
];
