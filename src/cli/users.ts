import { UserNotFoundError } from '../accounts/errors.js';
import { unlockAccount } from '../accounts/rate-limit.js';
import { createPasswordResetLink } from '../accounts/recovery.js';
import { PLANS, createUser, findUserByEmail, listUsers, normalizeEmail, setUserPlan, type Plan, type User } from '../accounts/users.js';
import { createRateLimiter } from '../limits/index.js';
import { formatTable, UsageError, type Command } from './command.js';
import { describeDatabase, withDatabase } from './database.js';
import { userJson } from './json.js';

function parsePlan(value: unknown): Plan {
  if (typeof value !== 'string' || !(PLANS as readonly string[]).includes(value)) {
    throw new UsageError(`the plan must be one of: ${PLANS.join(', ')}${typeof value === 'string' ? ` (got "${value}")` : ''}`);
  }
  return value as Plan;
}

/** The whole of stdin, without the one line break `echo` or a here-document adds. */
async function readPassword(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function describe(user: User): string {
  return `${user.email} (${user.name}), plan ${user.plan}, id ${user.id}`;
}

export const userCommands: Command[] = [
  {
    name: 'users:create',
    summary: 'Create a person\'s account',
    usage: [
      'Usage: larder users:create --email EMAIL (--password PASSWORD | --password-stdin) [--name NAME] [--plan free|pro] [--json]',
      '',
      '  --email EMAIL       the log-in email (stored lower-cased)',
      '  --password PASS     10 to 256 characters (visible in your shell history: prefer --password-stdin)',
      '  --password-stdin    read the password from standard input',
      '  --name NAME         the name shown on pages (default: the part of the email before @)',
      '  --plan free|pro     the plan (default: free)',
      '  --json              print the new account as JSON',
    ].join('\n'),
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      name: { type: 'string' },
      plan: { type: 'string' },
      json: { type: 'boolean' },
    },
    async run({ values }, context) {
      if (typeof values.email !== 'string') throw new UsageError('--email is required');
      const fromStdin = values['password-stdin'] === true;
      if (fromStdin && values.password !== undefined) throw new UsageError('give either --password or --password-stdin, not both');
      if (!fromStdin && typeof values.password !== 'string') throw new UsageError('--password or --password-stdin is required');
      const password = fromStdin ? await readPassword(context.stdin) : (values.password as string);
      const plan = values.plan === undefined ? 'free' : parsePlan(values.plan);
      const user = await withDatabase(context, (db) =>
        createUser(db, { email: values.email as string, password, plan, ...(typeof values.name === 'string' ? { name: values.name } : {}) }),
      );
      context.output.out(values.json ? JSON.stringify(userJson(user)) : `Created ${describe(user)}`);
      return 0;
    },
  },
  {
    name: 'users:plan',
    summary: 'Change a person\'s plan (free or pro)',
    usage: 'Usage: larder users:plan EMAIL free|pro [--json]\n\n  --json  print the updated account as JSON',
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
    async run({ values, positionals }, context) {
      if (positionals.length !== 2) throw new UsageError('give the email and the plan, such as: larder users:plan ann@example.com pro');
      const [email, planText] = positionals as [string, string];
      const plan = parsePlan(planText);
      const user = await withDatabase(context, (db) => setUserPlan(db, email, plan));
      context.output.out(values.json ? JSON.stringify(userJson(user)) : `${user.email} is now on the ${user.plan} plan.`);
      return 0;
    },
  },
  {
    name: 'users:list',
    summary: 'List accounts, optionally only one plan or matching emails',
    usage: [
      'Usage: larder users:list [--plan free|pro] [--email TEXT] [--json]',
      '',
      '  --plan free|pro  only accounts on this plan',
      '  --email TEXT     only accounts whose email contains TEXT (any case): "@example.com" lists a domain',
      '  --json           print the accounts as a JSON array ({"id", "email", "name", "plan", "time_zone", "created_at"})',
    ].join('\n'),
    options: { plan: { type: 'string' }, email: { type: 'string' }, json: { type: 'boolean' } },
    async run({ values }, context) {
      const plan = values.plan === undefined ? undefined : parsePlan(values.plan);
      const emailText = typeof values.email === 'string' ? values.email.trim().toLowerCase() : undefined;
      if (emailText === '') throw new UsageError('--email needs some text to look for, such as @example.com');
      const users = (await withDatabase(context, listUsers)).filter((u) => (plan === undefined || u.plan === plan) && (emailText === undefined || u.email.includes(emailText)));
      const filtered = plan !== undefined || emailText !== undefined;
      if (values.json) context.output.out(JSON.stringify(users.map(userJson)));
      else if (users.length === 0) {
        const where = describeDatabase(context.config().database);
        context.output.out(filtered ? `No accounts match in ${where}.` : `No accounts yet in ${where}. Create one with: larder users:create --email EMAIL --password-stdin`);
      } else context.output.out(formatTable(['EMAIL', 'NAME', 'PLAN', 'CREATED', 'ID'], users.map((u) => [u.email, u.name, u.plan, u.createdAt.slice(0, 10), u.id])));
      return 0;
    },
  },
  {
    name: 'users:reset-link',
    summary: 'Print a one-time link with which a person chooses a new password',
    usage: [
      'Usage: larder users:reset-link EMAIL [--json]',
      '',
      '  --json  print {"email", "link", "expires_at"} as JSON',
      '',
      'The link works once, for one hour; only its hash is stored. Give it to the person',
      'privately. Using it ends every log-in session of the account; connected apps keep working.',
    ].join('\n'),
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
    async run({ values, positionals }, context) {
      if (positionals.length !== 1) throw new UsageError('give the email of the account, such as: larder users:reset-link ann@example.com');
      const appUrl = context.config().appUrl;
      const { link, user, expiresAt } = await withDatabase(context, (db) => createPasswordResetLink(db, appUrl, positionals[0]!));
      if (values.json) context.output.out(JSON.stringify({ email: user.email, link, expires_at: expiresAt }));
      else context.output.out(`Reset link for ${user.email} (works once, until ${expiresAt.slice(0, 16).replace('T', ' ')} UTC):\n${link}`);
      return 0;
    },
  },
  {
    name: 'users:unlock',
    summary: 'Let log-ins from new browsers try an account again at once (clears its log-in throttling)',
    usage: [
      'Usage: larder users:unlock EMAIL',
      '',
      'Failed log-ins from browsers an account does not know pause such log-ins for up to',
      '15 minutes (the owner\'s own browsers are never paused). This clears that count.',
      'Uses REDIS_URL when set, as the servers do.',
    ].join('\n'),
    options: {},
    allowPositionals: true,
    async run({ positionals }, context) {
      if (positionals.length !== 1) throw new UsageError('give the email of the account, such as: larder users:unlock ann@example.com');
      const email = normalizeEmail(positionals[0]!);
      const redisUrl = context.config().redisUrl;
      await withDatabase(context, async (db) => {
        if (!(await findUserByEmail(db, email))) throw new UserNotFoundError(email);
        const limiter = createRateLimiter({ db, redisUrl });
        try {
          await unlockAccount(limiter, email);
        } finally {
          await limiter.close();
        }
      });
      context.output.out(`Log-in throttling cleared for ${email}: any browser may try again now.`);
      return 0;
    },
  },
];
