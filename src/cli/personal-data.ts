import { createInterface } from 'node:readline';
import { normalizeEmail } from '../accounts/users.js';
import { accountByEmail, deleteAccount } from '../personal-data/delete.js';
import { exportPersonalData } from '../personal-data/export.js';
import { UsageError, type Command } from './command.js';
import { withDatabase } from './database.js';

/** The first line of stdin (the typed confirmation), or undefined when it ends first. */
async function firstLine(stdin: NodeJS.ReadableStream): Promise<string | undefined> {
  const lines = createInterface({ input: stdin, crlfDelay: Infinity, terminal: false });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
  }
}

export const personalDataCommands: Command[] = [
  {
    name: 'users:delete',
    summary: "Delete an account and everything Larder holds about the person; revokes every app's access",
    usage: [
      'Usage: larder users:delete EMAIL [--yes] [--json]',
      '',
      '  --yes   delete without asking (for scripts); otherwise type the email again to confirm',
      '  --json  print what was deleted as JSON',
      '',
      'Deletes the diary, goals, history of app requests, log-in sessions and the account',
      'itself, and revokes every grant and token, exactly as "Delete my account" on /account',
      'does. It cannot be undone: `larder users:export EMAIL` first keeps a copy.',
    ].join('\n'),
    options: { yes: { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
    async run({ values, positionals }, context) {
      if (positionals.length !== 1) throw new UsageError('give the email of the account, such as: larder users:delete ann@example.com');
      const email = normalizeEmail(positionals[0]!);
      return withDatabase(context, async (db) => {
        const user = await accountByEmail(db, email);
        if (values.yes !== true) {
          context.output.err(`This deletes the account ${user.email} (${user.name}) and everything in it, and revokes every app's access. It cannot be undone.\nType the email again to confirm (or run with --yes):`);
          const typed = await firstLine(context.stdin);
          if (typed === undefined || normalizeEmail(typed) !== user.email) {
            context.output.err(typed === undefined ? 'No confirmation was given: nothing was deleted.' : 'That is not the same email: nothing was deleted.');
            return 1;
          }
        }
        const deleted = await deleteAccount(db, user.id);
        if (values.json) context.output.out(JSON.stringify(deleted));
        else
          context.output.out(
            `Deleted ${deleted.email}: ${deleted.diary_entries} diary ${deleted.diary_entries === 1 ? 'entry' : 'entries'}, ${deleted.history_entries} history ${deleted.history_entries === 1 ? 'entry' : 'entries'}; ${deleted.revoked_grants} connected ${deleted.revoked_grants === 1 ? 'app' : 'apps'} revoked.`,
          );
        return 0;
      });
    },
  },
  {
    name: 'users:export',
    summary: 'Print everything Larder holds about a person, as JSON (what /account/export.json gives them)',
    usage: 'Usage: larder users:export EMAIL\n\nPrints the same JSON document the person downloads from /account: profile, goals,\ndiary, connected apps, history, sessions. It holds personal data: keep it safe.',
    options: {},
    allowPositionals: true,
    async run({ positionals }, context) {
      if (positionals.length !== 1) throw new UsageError('give the email of the account, such as: larder users:export ann@example.com');
      const appUrl = context.config().appUrl;
      const data = await withDatabase(context, async (db) => exportPersonalData(db, appUrl, (await accountByEmail(db, positionals[0]!)).id));
      context.output.out(JSON.stringify(data, null, 2));
      return 0;
    },
  },
];
