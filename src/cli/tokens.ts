import { purgeExpired } from '../oauth/adapter.js';
import type { Command } from './command.js';
import { withOAuthDatabase } from './oauth-db.js';

export const tokenCommands: Command[] = [
  {
    name: 'tokens:purge',
    summary: 'Delete expired grants, codes, tokens and sessions (the server also does this hourly)',
    usage: 'Usage: larder tokens:purge [--json]\n\n  --json  print {"deleted": N} as JSON',
    options: { json: { type: 'boolean' } },
    async run({ values }, context) {
      const deleted = await withOAuthDatabase(context, (db) => purgeExpired(db));
      context.output.out(values.json ? JSON.stringify({ deleted }) : `Deleted ${deleted} expired row(s).`);
      return 0;
    },
  },
];
