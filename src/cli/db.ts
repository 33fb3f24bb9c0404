import { openDatabase } from '../db/index.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Command } from './command.js';
import { describeDatabase } from './database.js';

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
        else {
          const where = describeDatabase(config().database);
          output.out(applied.length ? `Applied ${applied.length} migration(s) to ${where}: ${applied.join(', ')}` : `${where} is up to date.`);
        }
        return 0;
      } finally {
        await database.close();
      }
    },
  },
];
