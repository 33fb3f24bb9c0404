import { purgeStaleLoginAttempts } from '../accounts/rate-limit.js';
import { purgeExpiredSessions } from '../accounts/session.js';
import { purgeExpired } from '../oauth/adapter.js';
import { pruneIdleClients } from '../oauth/clients.js';
import type { Command } from './command.js';
import { describeDatabase, withDatabase } from './database.js';

export const tokenCommands: Command[] = [
  {
    name: 'tokens:purge',
    summary: 'Delete expired grants, codes, tokens, log-in sessions, old log-in failures and idle self-registered clients (the server also does this hourly)',
    usage:
      'Usage: larder tokens:purge [--json]\n\n  --json  print {"deleted": N, "pruned_clients": M} as JSON (N counts OAuth rows)\n\nCodes and refresh tokens that were used stay until they expire: a replay of one must still be recognised.\nClients that registered themselves (or came with a metadata document) and were unused for 30 days\nare deleted with their grants; operator clients never are.',
    options: { json: { type: 'boolean' } },
    async run({ values }, context) {
      const { deleted, prunedClients } = await withDatabase(context, async (db) => {
        await purgeExpiredSessions(db);
        await purgeStaleLoginAttempts(db);
        const prunedClients = await pruneIdleClients(db);
        return { deleted: await purgeExpired(db), prunedClients };
      });
      context.output.out(
        values.json
          ? JSON.stringify({ deleted, pruned_clients: prunedClients })
          : `Deleted ${deleted} expired row(s) in ${describeDatabase(context.config().database)}.${prunedClients > 0 ? ` Pruned ${prunedClients} idle self-registered client(s).` : ''}`,
      );
      return 0;
    },
  },
];
