import type { Db } from '../db/index.js';
import { createClient, deleteClient, findClient, listClients, rotateClientSecret, updateClient, type OAuthClient } from '../oauth/clients.js';
import { DEFAULT_CLIENT_SCOPES, LARDER_SCOPES, splitScopes } from '../oauth/scopes.js';
import { formatTable, UsageError, type Command, type CommandContext } from './command.js';
import { describeDatabase, NothingFoundError, stringList, withDatabase } from './database.js';

function clientJson(client: OAuthClient, secret?: string): Record<string, unknown> {
  return {
    client_id: client.clientId,
    ...(secret !== undefined ? { client_secret: secret } : {}),
    name: client.name,
    redirect_uris: client.redirectUris,
    scope: client.scopes.join(' '),
    public: client.isPublic,
    token_endpoint_auth_method: client.isPublic ? 'none' : 'client_secret_post client_secret_basic',
    grant_types: client.grantTypes,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}

function describeClient(client: OAuthClient): string {
  return [
    `Client ID:      ${client.clientId}`,
    `Name:           ${client.name}`,
    `Type:           ${client.isPublic ? 'public (no secret; PKCE required)' : 'confidential (secret in the body or HTTP Basic)'}`,
    `Redirect URIs:  ${client.redirectUris.join('\n                ')}`,
    `Scopes:         ${client.scopes.join(' ')}`,
    `Grant types:    ${client.grantTypes.join(' ')}`,
    `Created:        ${client.createdAt}`,
  ].join('\n');
}

function secretNotice(secret: string | undefined): string {
  return secret === undefined ? '' : `\nClient secret:  ${secret}\n\nThe secret is shown only now; Larder keeps only its hash. Lost it? Run \`larder clients:rotate-secret\`.`;
}

/** A name for the consent page when the operator gave none. */
function defaultClientName(redirectUri: string): string {
  const host = URL.parse(redirectUri)?.hostname ?? '';
  return host === 'chatgpt.com' || host === 'chat.openai.com' ? 'Custom GPT' : host || 'OAuth client';
}

function oneClientId(positionals: string[], name: string): string {
  if (positionals.length !== 1) throw new UsageError(`${name} takes exactly one CLIENT_ID`);
  return positionals[0]!;
}

async function requireClient(db: Db, clientId: string): Promise<OAuthClient> {
  const client = await findClient(db, clientId);
  if (!client) throw new NothingFoundError(`no client ${clientId}`, '(`larder clients:list` shows the clients there)');
  return client;
}

const run = <T>(context: CommandContext, work: (db: Db) => Promise<T>) => withDatabase(context, work);

export const clientCommands: Command[] = [
  {
    name: 'clients:create',
    summary: 'Register an OAuth client (a GPT, an MCP client); prints its secret once',
    usage: [
      'Usage: larder clients:create [--name NAME] --redirect-uri URI [--redirect-uri URI …] [--scope "S1 S2"] [--public] [--json]',
      '',
      '  --name NAME          shown to people on the consent page (default: "Custom GPT" for a ChatGPT',
      '                       callback, else the callback\'s host)',
      '  --redirect-uri URI   an exact callback URL (https, or http on localhost); repeat for more',
      `  --scope "S1 S2"      scopes it may ask for (default: ${DEFAULT_CLIENT_SCOPES.join(' ')}); also what an empty scope= means`,
      `                       one or more of: ${LARDER_SCOPES.join(' ')}`,
      '  --public             a public client: no secret, PKCE required (default: confidential)',
      '  --json               print {"client_id", "client_secret", ...} as JSON',
    ].join('\n'),
    options: { name: { type: 'string' }, 'redirect-uri': { type: 'string', multiple: true }, scope: { type: 'string', multiple: true }, public: { type: 'boolean' }, json: { type: 'boolean' } },
    async run({ values }, context) {
      const redirectUris = stringList(values['redirect-uri']);
      if (redirectUris.length === 0) throw new UsageError('at least one --redirect-uri is required (use a placeholder and `clients:update` once the GPT shows its callback)');
      const name = typeof values.name === 'string' ? values.name : defaultClientName(redirectUris[0]!);
      const { client, clientSecret } = await run(context, (db) =>
        createClient(db, { name, redirectUris, scopes: stringList(values.scope).flatMap(splitScopes), isPublic: values.public === true }),
      );
      if (values.json) context.output.out(JSON.stringify(clientJson(client, clientSecret)));
      else context.output.out(`Created client "${client.name}".\n\n${describeClient(client)}${secretNotice(clientSecret)}`);
      return 0;
    },
  },
  {
    name: 'clients:update',
    summary: "Change a client's redirect URIs, name or scopes",
    usage: [
      'Usage: larder clients:update CLIENT_ID [--redirect-uri URI …] [--add-redirect-uri URI] [--name NAME] [--scope "S1 S2"] [--json]',
      '',
      '  --redirect-uri URI       replace all redirect URIs with these (repeat for more)',
      '  --add-redirect-uri URI   add a redirect URI, keeping the others (repeatable)',
      '  --name NAME              rename the client',
      `  --scope "S1 S2"          replace the scopes it may ask for: ${LARDER_SCOPES.join(' ')}`,
      '  --json                   print the client as JSON',
    ].join('\n'),
    options: {
      'redirect-uri': { type: 'string', multiple: true },
      'add-redirect-uri': { type: 'string', multiple: true },
      name: { type: 'string' },
      scope: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    async run({ values, positionals }, context) {
      const clientId = oneClientId(positionals, 'clients:update');
      const redirectUris = stringList(values['redirect-uri']);
      const addRedirectUris = stringList(values['add-redirect-uri']);
      const scopes = stringList(values.scope).flatMap(splitScopes);
      if (redirectUris.length === 0 && addRedirectUris.length === 0 && values.name === undefined && scopes.length === 0) {
        throw new UsageError('nothing to change: give --redirect-uri, --add-redirect-uri, --name or --scope');
      }
      const client = await run(context, async (db) => {
        await requireClient(db, clientId);
        return updateClient(db, clientId, { redirectUris, addRedirectUris, scopes, ...(typeof values.name === 'string' ? { name: values.name } : {}) });
      });
      if (values.json) context.output.out(JSON.stringify(clientJson(client)));
      else context.output.out(`Updated client "${client.name}".\n\n${describeClient(client)}`);
      return 0;
    },
  },
  {
    name: 'clients:list',
    summary: 'List OAuth clients',
    usage: 'Usage: larder clients:list [--json]\n\n  --json  print the clients as a JSON array',
    options: { json: { type: 'boolean' } },
    async run({ values }, context) {
      const clients = await run(context, listClients);
      if (values.json) context.output.out(JSON.stringify(clients.map((c) => clientJson(c))));
      else if (clients.length === 0) context.output.out(`No clients yet in ${describeDatabase(context.config().database)}. Register one with \`larder clients:create --name NAME --redirect-uri URI\`.`);
      else
        context.output.out(
          formatTable(
            ['CLIENT ID', 'NAME', 'TYPE', 'SCOPES', 'REDIRECT URIS'],
            clients.map((c) => [c.clientId, c.name, c.isPublic ? 'public' : 'confidential', c.scopes.join(' '), c.redirectUris.join(' ')]),
          ),
        );
      return 0;
    },
  },
  {
    name: 'clients:show',
    summary: 'Show one OAuth client',
    usage: 'Usage: larder clients:show CLIENT_ID [--json]\n\n  --json  print the client as JSON',
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
    async run({ values, positionals }, context) {
      const clientId = oneClientId(positionals, 'clients:show');
      const client = await run(context, (db) => requireClient(db, clientId));
      context.output.out(values.json ? JSON.stringify(clientJson(client)) : describeClient(client));
      return 0;
    },
  },
  {
    name: 'clients:rotate-secret',
    summary: "Replace a client's secret (the old one stops working at once)",
    usage: 'Usage: larder clients:rotate-secret CLIENT_ID [--json]\n\n  --json  print {"client_id", "client_secret", ...} as JSON',
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
    async run({ values, positionals }, context) {
      const clientId = oneClientId(positionals, 'clients:rotate-secret');
      const { client, clientSecret } = await run(context, async (db) => {
        await requireClient(db, clientId);
        return rotateClientSecret(db, clientId);
      });
      if (values.json) context.output.out(JSON.stringify(clientJson(client, clientSecret)));
      else context.output.out(`New secret for "${client.name}" (${client.clientId}).${secretNotice(clientSecret)}\nPaste it into the GPT's OAuth settings; tokens already issued keep working.`);
      return 0;
    },
  },
  {
    name: 'clients:delete',
    summary: 'Delete a client and revoke every grant and token issued to it',
    usage: 'Usage: larder clients:delete CLIENT_ID [--json]\n\n  --json  print {"client_id", "deleted": true} as JSON',
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
    async run({ values, positionals }, context) {
      const clientId = oneClientId(positionals, 'clients:delete');
      await run(context, async (db) => {
        if (!(await deleteClient(db, clientId))) throw new NothingFoundError(`no client ${clientId}`, '(`larder clients:list` shows the clients there)');
      });
      if (values.json) context.output.out(JSON.stringify({ client_id: clientId, deleted: true }));
      else context.output.out(`Deleted client ${clientId}; its grants and tokens are revoked.`);
      return 0;
    },
  },
];
