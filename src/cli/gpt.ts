import { randomBytes } from 'node:crypto';
import { createUser } from '../accounts/users.js';
import { runDoctor, type DoctorStep } from '../gpt/doctor.js';
import { gptConfiguration, formatGptConfiguration } from '../gpt/gpt-config.js';
import { findClient, rotateClientSecret } from '../oauth/clients.js';
import { UsageError, type Command } from './command.js';
import { withDatabase } from './database.js';

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
    ].join('\n'),
    options: { 'new-secret': { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
    async run({ values, positionals }, context) {
      if (positionals.length !== 1) throw new UsageError('gpt:config takes exactly one CLIENT_ID');
      const clientId = positionals[0]!;
      const config = context.config();
      return withDatabase(context, async (db) => {
        let client = await findClient(db, clientId);
        if (!client) throw new Error(`no client has the id "${clientId}" (see \`larder clients:list\`, or create one with \`larder clients:create\`)`);
        let secret: string | undefined;
        if (values['new-secret']) {
          if (client.isPublic) throw new Error('a public client has no secret to rotate');
          const rotated = await rotateClientSecret(db, clientId);
          client = rotated.client;
          secret = rotated.clientSecret;
        }
        const setup = gptConfiguration(client, config, secret);
        if (values.json) {
          const fields = Object.fromEntries(setup.fields.map((f) => [f.label, f.value]));
          context.output.out(
            JSON.stringify({ ...fields, 'Client Secret': secret ?? null, schema_url: setup.schemaUrl, registered_callbacks: setup.registeredCallbacks, warnings: setup.warnings }, null, 2),
          );
        } else {
          context.output.out(formatGptConfiguration(client, setup));
        }
        return 0;
      });
    },
  },
];

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  return text.replace(/\r?\n$/, '');
}

const STATUS_MARK: Record<DoctorStep['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skipped: 'skip' };

gptCommands.push({
  name: 'doctor',
  summary: 'Run the whole GPT sign-in against a running Larder and say what is broken and how to fix it',
  usage: [
    'Usage: larder doctor --client-id ID (--client-secret SECRET | --client-secret-stdin)',
    '                     (--email EMAIL --password PASSWORD | --email EMAIL --password-stdin | --create-test-user)',
    '                     [--url URL] [--redirect-uri URI] [--scope "S1 S2"] [--json]',
    '',
    '  --url URL              the running Larder (default: APP_URL)',
    '  --client-id ID         the client the GPT uses',
    '  --client-secret S      its secret (or --client-secret-stdin)',
    '  --email, --password    a person to sign in as (or --password-stdin)',
    '  --create-test-user     create a throwaway person in the database first (needs the same DATABASE_URL as the server)',
    '  --redirect-uri URI     the callback to use (default: the client\'s registered GPT callback, read from the database)',
    '  --scope "S1 S2"        the scope to ask for (default: empty, as ChatGPT sends it)',
    '  --json                 print the steps as JSON',
    '',
    'Steps: discovery, OpenAPI, authorization with state and empty scope, log-in and consent through',
    'the real pages, the callback, token exchange with the secret in the body and with HTTP Basic,',
    'an API call, a refresh and a revocation. Exit code 0 only when every step passes.',
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
  },
  async run({ values }, context) {
    const clientId = values['client-id'];
    if (typeof clientId !== 'string' || clientId === '') throw new UsageError('--client-id is required');
    if (values['client-secret-stdin'] && values['password-stdin']) throw new UsageError('only one of --client-secret-stdin and --password-stdin can read standard input');
    const clientSecret = values['client-secret-stdin'] ? await readAll(context.stdin) : values['client-secret'];
    if (typeof clientSecret !== 'string' || clientSecret === '') throw new UsageError('--client-secret or --client-secret-stdin is required');
    const createTestUser = values['create-test-user'] === true;
    if (!createTestUser && typeof values.email !== 'string') throw new UsageError('give --email with --password (or --password-stdin), or --create-test-user');
    const config = context.config();
    const url = typeof values.url === 'string' ? values.url.replace(/\/+$/, '') : config.appUrl;

    // What the database says about the client, for better diagnoses; a remote Larder may not share it.
    let registered: { redirectUris: string[]; scopes: string[] } | undefined;
    let email = typeof values.email === 'string' ? values.email : '';
    let password = values['password-stdin'] ? await readAll(context.stdin) : typeof values.password === 'string' ? values.password : '';
    try {
      await withDatabase(context, async (db) => {
        const client = await findClient(db, clientId);
        if (client) registered = { redirectUris: client.redirectUris, scopes: client.scopes };
        if (createTestUser) {
          email = `doctor-${randomBytes(6).toString('hex')}@larder.invalid`;
          password = randomBytes(18).toString('base64url');
          await createUser(db, { email, password, name: 'Larder doctor' });
        }
      });
    } catch (error) {
      if (createTestUser) throw new Error(`--create-test-user needs the server's database (DATABASE_URL): ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!password) throw new UsageError('--password or --password-stdin is required with --email');
    const redirectUri =
      typeof values['redirect-uri'] === 'string'
        ? values['redirect-uri']
        : (registered?.redirectUris.find((uri) => /\/aip\/g-[^/]+\/oauth\/callback$/.test(uri)) ?? registered?.redirectUris[0]);
    if (!redirectUri) throw new UsageError('--redirect-uri is required: the client was not found in this database to read its callback');

    if (!values.json) context.output.out(`Checking the GPT sign-in at ${url} with client ${clientId} as ${email}\n`);
    const steps = await runDoctor(
      {
        url,
        clientId,
        clientSecret,
        redirectUri,
        email,
        password,
        ...(registered ? { registeredRedirectUris: registered.redirectUris, allowedScopes: registered.scopes } : {}),
        ...(typeof values.scope === 'string' ? { scope: values.scope } : {}),
      },
      (step) => {
        if (values.json) return;
        context.output.out(`${STATUS_MARK[step.status]}  ${step.name}: ${step.detail}`);
        if (step.fix) context.output.out(`      fix: ${step.fix}`);
      },
    );
    const ok = steps.every((s) => s.status === 'ok' || s.status === 'warn');
    if (values.json) context.output.out(JSON.stringify({ ok, url, client_id: clientId, redirect_uri: redirectUri, steps }, null, 2));
    else context.output.out(ok ? '\nAll steps passed: ChatGPT can sign people in.' : '\nSome steps failed: fix them and run larder doctor again.');
    return ok ? 0 : 1;
  },
});
