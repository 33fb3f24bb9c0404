import { purgeStaleLoginAttempts } from '../accounts/rate-limit.js';
import { purgeExpiredSessions } from '../accounts/session.js';
import { purgeExpired } from '../oauth/adapter.js';
import type { Command } from './command.js';
import { withDatabase } from './database.js';

export const tokenCommands: Command[] = [
  {
    name: 'tokens:purge',
    summary: 'Delete expired grants, codes, tokens, log-in sessions and old log-in failures (the server also does this hourly)',
    usage:
      'Usage: larder tokens:purge [--json]\n\n  --json  print {"deleted": N} as JSON (N counts OAuth rows)\n\nCodes and refresh tokens that were used stay until they expire: a replay of one must still be recognised.',
    options: { json: { type: 'boolean' } },
    async run({ values }, context) {
      const deleted = await withDatabase(context, async (db) => {
        await purgeExpiredSessions(db);
        await purgeStaleLoginAttempts(db);
        return purgeExpired(db);
      });
      context.output.out(values.json ? JSON.stringify({ deleted }) : `Deleted ${deleted} expired row(s).`);
      return 0;
    },
  },
];
