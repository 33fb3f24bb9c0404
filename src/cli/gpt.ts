import { openDatabase, type OpenedDatabase } from '../db/index.js';
import { migrateToLatest } from '../db/migrate.js';
import { classifyCallback } from '../gpt/callbacks.js';
import { runDoctor, type DoctorResult, type DoctorStep } from '../gpt/doctor.js';
import { cleanUpPerson, createThrowawayPerson, existingPerson, findPerson, type DoctorPerson } from '../gpt/doctor-person.js';
import { gptConfiguration, formatGptConfiguration } from '../gpt/gpt-config.js';
import { findClient, rotateClientSecret, type OAuthClient } from '../oauth/clients.js';
import { UsageError, type Command, type CommandContext } from './command.js';
import { describeDatabase, notFoundMessage, NothingFoundError, withDatabase } from './database.js';
import { MCP_DOCTOR_USAGE, runMcpDoctorCommand } from './mcp-doctor.js';
import { parseBaseUrl } from './base-url.js';

export const gptCommands: Command[] = [
  {
    name: 'gpt:config',
    summary: 'Print every value to paste into the GPT builder for a client',
    usage: [
      'Usage: larder gpt:config CLIENT_ID [--new-secret] [--json]',
      '',
      '  --new-secret  rotate the client secret and print the new one (the old one stops working)',
      '  --json        print the values as JSON',
      '',
      'URLs are built from APP_URL: run it with the APP_URL your deployment uses.',
      '--json keys are snake_case (client_id, authorization_url, …); the builder\'s labels',
      '("Client ID", …) stay as aliases for scripts written against earlier versions.',
    ].join('\n'),
    options: { 'new-secret': { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
    async run({ values, positionals }, context) {
      if (positionals.length !== 1) throw new UsageError('gpt:config takes exactly one CLIENT_ID');
      const clientId = positionals[0]!;
      const config = context.config();
      return withDatabase(context, async (db) => {
        let client = await findClient(db, clientId);
        if (!client) throw new NothingFoundError(`no client ${clientId}`, '(`larder clients:list` shows the clients there; `larder clients:create` makes one)');
        let secret: string | undefined;
        if (values['new-secret']) {
          if (client.isPublic) throw new Error('a public client has no secret to rotate');
          const rotated = await rotateClientSecret(db, clientId);
          client = rotated.client;
          secret = rotated.clientSecret;
        }
        const setup = gptConfiguration(client, config, secret);
        if (values.json) {
          context.output.out(JSON.stringify(gptConfigJson(client, setup, secret), null, 2));
        } else {
          context.output.out(formatGptConfiguration(client, setup));
        }
        return 0;
      });
    },
  },
];


/** The label the GPT builder shows, as a snake_case key: "Token Exchange Method" -> token_exchange_method. */
function snakeCase(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/**
 * `gpt:config --json`: snake_case keys like every other command. The builder's labels
 * were the keys before; they stay as aliases so scripts written against them still work.
 */
function gptConfigJson(client: OAuthClient, setup: ReturnType<typeof gptConfiguration>, secret: string | undefined): Record<string, unknown> {
  const values = Object.fromEntries(setup.fields.map((f) => [snakeCase(f.label), f.value]));
  const labelled = Object.fromEntries(setup.fields.map((f) => [f.label, f.value]));
  return {
    ...values,
    client_secret: client.isPublic ? undefined : (secret ?? null),
    public_client: client.isPublic,
    schema_url: setup.schemaUrl,
    privacy_policy_url: setup.privacyPolicyUrl,
    terms_url: setup.termsUrl,
    registered_callbacks: setup.registeredCallbacks,
    gpt_callbacks: setup.gptCallbacks,
    warnings: setup.warnings,
    ...labelled,
    ...(client.isPublic ? {} : { 'Client Secret': secret ?? null }),
  };
}

/** The whole of a stream (a pipe, or the line typed at a prompt), without the one line break `echo` adds. */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  return text.replace(/\r?\n$/, '');
}

const STATUS_MARK: Record<DoctorStep['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skipped: 'skip' };

interface DoctorDatabase {
  opened: OpenedDatabase;
  /** Where it is, for messages: `SQLite ./storage/larder.db`. */
  where: string;
}

/** The server's database, if this machine can open it: the doctor reads the client from it and cleans up in it. */
async function openServerDatabase(context: CommandContext): Promise<DoctorDatabase | { error: string; where: string }> {
  const config = context.config().database;
  const where = describeDatabase(config);
  let opened: OpenedDatabase | undefined;
  try {
    opened = await openDatabase(config);
    await migrateToLatest(opened.db);
    return { opened, where };
  } catch (error) {
    await opened?.close().catch(() => undefined);
    return { error: error instanceof Error ? error.message : String(error), where };
  }
}

gptCommands.push({
  name: 'doctor',
  summary: 'Run the whole GPT sign-in against a running Larder and say what is broken and how to fix it',
  usage: [
    'Usage: larder doctor --client-id ID (--client-secret SECRET | --client-secret-stdin)',
    '                     (--create-test-user | --email EMAIL (--password PASSWORD | --password-stdin))',
    '                     [--url URL] [--redirect-uri URI] [--scope "S1 S2"] [--json]',
    '',
    '  --url URL              the running Larder (default: APP_URL)',
    '  --client-id ID         the client the GPT uses',
    '  --client-secret S      its secret (or --client-secret-stdin)',
    '  --create-test-user     sign in as a throwaway person made in the database first, and deleted',
    '                         afterwards with its grant, whatever happened (needs the server\'s DATABASE_URL)',
    '  --email, --password    sign in as this person instead (or --password-stdin; asked without echo on a',
    '                         terminal); the grant the doctor creates on their account is revoked afterwards.',
    '                         A person who has already connected this client is refused: the checks would',
    '                         end that connection.',
    '  --redirect-uri URI     the callback to use (default: the client\'s GPT callback, read from the database)',
    '  --scope "S1 S2"        the scope to ask for (default: empty, as ChatGPT sends it)',
    '  --json                 print the steps as JSON',
    '',
    'Steps: the redirect URI (a placeholder or a callback that is not ChatGPT\'s fails), discovery,',
    'OpenAPI, authorization with state and empty scope, log-in and consent through the real pages,',
    'the callback, token exchange with the secret in the body and with HTTP Basic, an API call, a',
    'refresh and a revocation. Exit code 0 only when every step passes.',
    '',
    ...MCP_DOCTOR_USAGE,
  ].join('\n'),
  options: {
    url: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'client-secret-stdin': { type: 'boolean' },
    email: { type: 'string' },
    password: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    'create-test-user': { type: 'boolean' },
    'redirect-uri': { type: 'string' },
    scope: { type: 'string' },
    json: { type: 'boolean' },
    mcp: { type: 'boolean' },
  },
  async run({ values }, context) {
    if (values.mcp === true) return runMcpDoctorCommand(values, context);
    // Every mistake in how the command was called is found before anything is created.
    const clientId = values['client-id'];
    if (typeof clientId !== 'string' || clientId === '') throw new UsageError('--client-id is required');
    const config = context.config();
    const url = typeof values.url === 'string' ? parseBaseUrl(values.url) : config.appUrl;
    const givenRedirectUri = typeof values['redirect-uri'] === 'string' ? values['redirect-uri'] : undefined;
    if (givenRedirectUri !== undefined && !URL.canParse(givenRedirectUri)) throw new UsageError(`--redirect-uri must be an absolute URL (got "${givenRedirectUri}")`);
    if (values['client-secret-stdin'] && values['password-stdin']) throw new UsageError('only one of --client-secret-stdin and --password-stdin can read standard input');
    if (values['client-secret-stdin'] && values['client-secret'] !== undefined) throw new UsageError('give either --client-secret or --client-secret-stdin, not both');
    const createTestUser = values['create-test-user'] === true;
    const email = typeof values.email === 'string' ? values.email : undefined;
    if (createTestUser && email !== undefined) throw new UsageError('give either --create-test-user or --email, not both');
    if (!createTestUser && email === undefined) throw new UsageError('give --create-test-user, or --email with --password (or --password-stdin)');
    if (email !== undefined && values.password === undefined && !values['password-stdin']) throw new UsageError('--password or --password-stdin is required with --email');
    if (values['client-secret'] === undefined && !values['client-secret-stdin']) throw new UsageError('--client-secret or --client-secret-stdin is required');
    const clientSecret = values['client-secret-stdin'] ? await readAll(context.stdin) : String(values['client-secret']);
    if (clientSecret === '') throw new UsageError('the client secret is empty');
    const password = values['password-stdin'] ? await readAll(context.stdin) : typeof values.password === 'string' ? values.password : '';
    if (email !== undefined && password === '') throw new UsageError('the password is empty');

    const database = await openServerDatabase(context);
    try {
      let client: OAuthClient | undefined;
      if ('opened' in database) client = await findClient(database.opened.db, clientId);
      // The doctor cannot sign in as a person it made in a database the server does not use.
      if ('error' in database && (createTestUser || givenRedirectUri === undefined)) {
        throw new Error(`could not open ${database.where} (${database.error}): ${createTestUser ? '--create-test-user needs the server\'s database (DATABASE_URL)' : 'give --redirect-uri, or run this with the server\'s DATABASE_URL'}`);
      }
      if ('opened' in database && !client && (createTestUser || givenRedirectUri === undefined)) {
        throw new Error(notFoundMessage(`no client ${clientId}`, config.database, '(`larder clients:list` shows the clients there; to check a Larder whose database this machine cannot read, give --email and --redirect-uri)'));
      }
      const registered = client?.redirectUris;
      const redirectUri = givenRedirectUri ?? chooseRedirectUri(registered!);

      // Without the client in it, this database is not the server's: check the server only.
      const serverDb = 'opened' in database && client ? database.opened.db : undefined;
      if (!serverDb && !values.json) {
        context.output.out(`Note: client ${clientId} is not in ${database.where}, so this checks the server only; what a failed run leaves there cannot be cleaned up from here.`);
      }
      let person: DoctorPerson | undefined;
      if (serverDb) {
        const db = serverDb;
        if (createTestUser) person = await createThrowawayPerson(db);
        else {
          const user = await findPerson(db, email!);
          if (!user) throw new Error(notFoundMessage(`no account ${email}`, config.database, '(`larder users:list` shows the accounts there; or use --create-test-user)'));
          person = await existingPerson(db, user, password, clientId);
          if (person.grantsBefore.size > 0) {
            throw new Error(
              `${user.email} has already connected client ${clientId}: the doctor's checks would end that connection (revoking a token ends its grant). Use --create-test-user, or a person who has not connected this client (they can disconnect it on /account).`,
            );
          }
        }
      }
      const signInAs = person?.email ?? email!;
      if (!values.json) context.output.out(`Checking the GPT sign-in at ${url} with client ${clientId} as ${signInAs}\n`);

      let result: DoctorResult | undefined;
      let databaseCleanup: Awaited<ReturnType<typeof cleanUpPerson>> | undefined;
      let cleanupError: string | undefined;
      try {
        result = await runDoctor(
          {
            url,
            clientId,
            clientSecret,
            redirectUri,
            redirectUriSource: givenRedirectUri === undefined ? 'registration' : 'option',
            email: signInAs,
            password: person?.password ?? password,
            ...(client ? { registeredRedirectUris: client.redirectUris, allowedScopes: client.scopes } : {}),
            ...(typeof values.scope === 'string' ? { scope: values.scope } : {}),
          },
          (step) => {
            if (values.json) return;
            context.output.out(`${STATUS_MARK[step.status]}  ${step.name}: ${step.detail}`);
            if (step.fix) context.output.out(`      fix: ${step.fix}`);
          },
        );
      } finally {
        // Whatever happened above: the throwaway person and every grant the run made go.
        if (person && serverDb) {
          try {
            databaseCleanup = await cleanUpPerson(serverDb, person, clientId);
          } catch (error) {
            cleanupError = error instanceof Error ? error.message : String(error);
          }
        }
      }
      const cleanupText = describeCleanup(person, result.cleanup, databaseCleanup, cleanupError, 'opened' in database);
      const ok = result.ok && cleanupError === undefined;
      if (values.json) {
        context.output.out(
          JSON.stringify(
            {
              ok,
              url,
              client_id: clientId,
              redirect_uri: redirectUri,
              steps: result.steps,
              cleanup: {
                revoked_refresh_tokens: result.cleanup.revokedRefreshTokens,
                revoked_access_tokens: result.cleanup.revokedAccessTokens,
                revoked_grants: databaseCleanup?.revokedGrants ?? 0,
                deleted_test_user: databaseCleanup?.deletedPerson ?? false,
                problems: [...result.cleanup.problems, ...(cleanupError ? [cleanupError] : [])],
              },
            },
            null,
            2,
          ),
        );
      } else {
        context.output.out(`\n${cleanupText}`);
        context.output.out(ok ? 'All steps passed: ChatGPT can sign people in.' : 'Some steps failed: fix them and run larder doctor again.');
      }
      if (cleanupError) context.output.err(`larder doctor: clean-up failed: ${cleanupError}`);
      return ok ? 0 : 1;
    } finally {
      if ('opened' in database) await database.opened.close();
    }
  },
});

/** The registered callback ChatGPT would use: a real GPT callback first, else what there is (the first step then says why it fails). */
function chooseRedirectUri(registered: string[]): string {
  return registered.find((uri) => classifyCallback(uri) === 'gpt') ?? registered.find((uri) => classifyCallback(uri) === 'placeholder') ?? registered[0]!;
}

function describeCleanup(
  person: DoctorPerson | undefined,
  remote: DoctorResult['cleanup'],
  database: Awaited<ReturnType<typeof cleanUpPerson>> | undefined,
  error: string | undefined,
  /** The database opened, but it is not the server's (the client is not in it). */
  databaseOpened: boolean,
): string {
  if (error) return `Clean-up FAILED: ${error}`;
  const parts: string[] = [];
  if (person?.throwaway) parts.push(database?.deletedPerson ? `deleted the test person ${person.email}` : `the test person ${person.email} was already gone`);
  if (database && database.revokedGrants > 0) parts.push(`revoked ${database.revokedGrants} grant(s) the run left`);
  if (remote.revokedRefreshTokens + remote.revokedAccessTokens > 0) parts.push(`revoked ${remote.revokedRefreshTokens + remote.revokedAccessTokens} token(s) it still held`);
  if (!person) {
    const why = databaseOpened ? 'the database here is not the server\'s (the client is not in it)' : 'the database was not readable here';
    parts.push(`${why}: a grant made without a token stays on the account (Connected apps on /account)`);
  }
  for (const problem of remote.problems) parts.push(problem);
  return `Clean-up: ${parts.length ? parts.join('; ') : 'nothing left behind'}.`;
}
