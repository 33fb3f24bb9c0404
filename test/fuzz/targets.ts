import type { Prng } from './prng.js';

/** What a fuzzing run knows about the Larder it drives: real credentials and ids, for requests that get past the first check. */
export interface FuzzContext {
  baseUrl: string;
  port: number;
  clientId: string;
  clientSecret: string;
  publicClientId: string;
  redirectUri: string;
  email: string;
  password: string;
  /** All scopes, pro plan. */
  accessToken: string;
  /** foods:read only. */
  foodsOnlyToken: string;
  /** Revoked before the run. */
  revokedToken: string;
  refreshToken: string;
  /** Redeemed before the run. */
  usedCode: string;
  /** A signed-in browser: its cookies and the CSRF token of its pages. */
  session: { cookie: string; csrf: string };
  foodIds: string[];
  slugs: string[];
  portions: string[];
  diaryEntryIds: string[];
  grantIds: string[];
  interactionUids: string[];
}

type Value = (rng: Prng, ctx: FuzzContext) => string;
type BodyValue = (rng: Prng, ctx: FuzzContext) => unknown;

/** One address of Larder with what a well-formed request to it carries. */
export interface Endpoint {
  /** With `{name}` for path parameters. */
  path: string;
  methods: readonly string[];
  area: 'api' | 'mcp' | 'oauth' | 'metadata' | 'page' | 'asset' | 'document' | 'health';
  params?: Record<string, Value>;
  query?: Record<string, Value>;
  body?: { type: 'json' | 'form'; fields: Record<string, BodyValue> };
  /** The credentials a well-formed request carries. */
  auth?: 'bearer' | 'client' | 'session';
}

const day = (rng: Prng) => `2026-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
const someOf = <T>(rng: Prng, items: readonly T[]) => items.filter(() => rng.chance(0.5));

/** Well-formed values for a schema property of the OpenAPI document, by its name and schema. */
function valueFor(name: string, schema: Record<string, unknown>, where: string): BodyValue {
  if (name === 'food_id' || (name === 'id' && where.includes('foods'))) return (rng, ctx) => rng.pick(ctx.foodIds);
  if (name === 'id') return (rng, ctx) => (ctx.diaryEntryIds.length > 0 && rng.chance(0.8) ? rng.pick(ctx.diaryEntryIds) : `entry-${rng.int(1, 999)}`);
  if (name === 'date') return (rng) => day(rng);
  if (name === 'query') return (rng) => rng.pick(['apple', 'banana', 'chicken breast roasted', 'oj', 'brocoli', 'milk 2%', 'bana']);
  if (name === 'portion') return (rng, ctx) => rng.pick(ctx.portions);
  if (name === 'idempotency_key') return (rng) => `fuzz-${rng.next().toString(36)}-${rng.next().toString(36)}`;
  if (Array.isArray(schema.enum)) return (rng) => rng.pick(schema.enum as unknown[]);
  if (schema.type === 'integer' || schema.type === 'number') {
    const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 1;
    const max = typeof schema.maximum === 'number' ? schema.maximum : 100;
    return (rng) => rng.int(Math.ceil(min), Math.floor(max));
  }
  if (schema.type === 'boolean') return (rng) => rng.chance(0.5);
  return (rng) => `value-${rng.int(1, 1000)}`;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema?: Record<string, unknown> }>; requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, Record<string, unknown>>; required?: string[] } }> } }>>;
}

/** Every operation of `/openapi.json`, as endpoints. */
export function apiEndpoints(document: OpenApiDocument): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const params: Record<string, Value> = {};
      const query: Record<string, Value> = {};
      for (const parameter of operation.parameters ?? []) {
        const make = valueFor(parameter.name, parameter.schema ?? {}, path);
        (parameter.in === 'path' ? params : query)[parameter.name] = (rng, ctx) => String(make(rng, ctx));
      }
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      const fields: Record<string, BodyValue> = {};
      for (const [name, property] of Object.entries(schema?.properties ?? {})) fields[name] = valueFor(name, property, path);
      endpoints.push({
        path,
        methods: [method.toUpperCase()],
        area: 'api',
        params,
        query,
        auth: 'bearer',
        ...(schema ? { body: { type: 'json' as const, fields } } : {}),
      });
    }
  }
  return endpoints;
}

const authorizeQuery: Record<string, Value> = {
  response_type: (rng) => rng.pick(['code', 'code', 'token', 'id_token', 'code id_token', 'none']),
  client_id: (rng, ctx) => rng.pick([ctx.clientId, ctx.clientId, ctx.publicClientId, 'lc_unknown']),
  redirect_uri: (rng, ctx) => rng.pick([ctx.redirectUri, ctx.redirectUri, `${ctx.redirectUri}/extra`, 'https://evil.example/cb', 'javascript:alert(1)']),
  scope: (rng) => rng.pick(['', 'foods:read', 'foods:read diary:read diary:write profile', 'openid', 'admin', 'foods:read foods:read']),
  state: (rng) => `s-${rng.next().toString(36)}`,
  code_challenge: (rng) => rng.pick(['E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'short', '']),
  code_challenge_method: (rng) => rng.pick(['S256', 'plain', 'S512']),
  prompt: (rng) => rng.pick(['consent', 'login', 'none', 'select_account']),
  response_mode: (rng) => rng.pick(['query', 'fragment', 'form_post', 'web_message', 'jwt']),
  resource: (rng, ctx) => rng.pick([`${ctx.baseUrl}/api`, `${ctx.baseUrl}/mcp`, 'https://evil.example/api', 'not a url']),
};

const clientCredentials: Record<string, BodyValue> = {
  client_id: (rng, ctx) => rng.pick([ctx.clientId, ctx.clientId, ctx.publicClientId, 'lc_unknown']),
  client_secret: (rng, ctx) => rng.pick([ctx.clientSecret, ctx.clientSecret, 'wrong-secret']),
};

/** The authorization server's endpoints (oidc-provider behind Larder) and its metadata. */
export const OAUTH_ENDPOINTS: readonly Endpoint[] = [
  { path: '/oauth/authorize', methods: ['GET'], area: 'oauth', query: authorizeQuery, auth: 'session' },
  { path: '/oauth/authorize/{uid}', methods: ['GET'], area: 'oauth', params: { uid: (rng, ctx) => (ctx.interactionUids.length > 0 && rng.chance(0.5) ? rng.pick(ctx.interactionUids) : `uid${rng.int(1, 9999)}`) }, auth: 'session' },
  {
    path: '/oauth/token',
    methods: ['POST'],
    area: 'oauth',
    auth: 'client',
    body: {
      type: 'form',
      fields: {
        grant_type: (rng) => rng.pick(['authorization_code', 'refresh_token', 'client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:device_code', 'implicit', '']),
        code: (rng, ctx) => rng.pick([ctx.usedCode, 'forged-code-value', '']),
        refresh_token: (rng, ctx) => rng.pick([ctx.refreshToken, 'forged-refresh-token', ctx.accessToken]),
        redirect_uri: (rng, ctx) => rng.pick([ctx.redirectUri, 'https://evil.example/cb']),
        code_verifier: (rng) => rng.pick(['dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'short', '']),
        scope: (rng) => rng.pick(['foods:read', 'admin', '']),
        resource: (rng, ctx) => rng.pick([`${ctx.baseUrl}/api`, 'https://evil.example/']),
        ...clientCredentials,
      },
    },
  },
  {
    path: '/oauth/revoke',
    methods: ['POST'],
    area: 'oauth',
    auth: 'client',
    body: { type: 'form', fields: { token: (rng, ctx) => rng.pick([ctx.revokedToken, 'forged-token', ctx.usedCode]), token_type_hint: (rng) => rng.pick(['access_token', 'refresh_token', 'id_token', 'bogus']), ...clientCredentials } },
  },
  {
    path: '/oauth/introspect',
    methods: ['POST'],
    area: 'oauth',
    auth: 'client',
    body: { type: 'form', fields: { token: (rng, ctx) => rng.pick([ctx.accessToken, ctx.revokedToken, ctx.refreshToken, 'forged-token']), token_type_hint: (rng) => rng.pick(['access_token', 'refresh_token', 'bogus']), ...clientCredentials } },
  },
  { path: '/oauth/jwks', methods: ['GET'], area: 'oauth' },
  {
    path: '/oauth/register',
    methods: ['POST'],
    area: 'oauth',
    body: {
      type: 'json',
      fields: {
        redirect_uris: (rng, ctx) => rng.pick([[ctx.redirectUri], ['http://localhost/cb'], ['javascript:alert(1)'], 'not-an-array', []]),
        client_name: (rng) => rng.pick(['Fuzz client', '', '<b>x</b>']),
        token_endpoint_auth_method: (rng) => rng.pick(['none', 'client_secret_basic', 'private_key_jwt', 'bogus']),
        grant_types: (rng) => someOf(rng, ['authorization_code', 'refresh_token', 'implicit', 'client_credentials']),
        scope: (rng) => rng.pick(['foods:read', 'admin']),
      },
    },
  },
  { path: '/oauth/par', methods: ['POST'], area: 'oauth', auth: 'client', body: { type: 'form', fields: { ...authorizeQuery, ...clientCredentials } } },
  { path: '/oauth/logout/confirm', methods: ['POST'], area: 'oauth', body: { type: 'form', fields: { xsrf: (rng) => `x${rng.int(1, 99)}`, logout: () => 'yes' } } },
  { path: '/.well-known/openid-configuration', methods: ['GET'], area: 'metadata' },
  { path: '/.well-known/oauth-authorization-server', methods: ['GET'], area: 'metadata' },
  { path: '/.well-known/oauth-protected-resource', methods: ['GET'], area: 'metadata' },
  { path: '/.well-known/oauth-protected-resource/api', methods: ['GET'], area: 'metadata' },
  { path: '/.well-known/oauth-protected-resource/mcp', methods: ['GET'], area: 'metadata' },
];

const csrf: BodyValue = (rng, ctx) => (rng.chance(0.8) ? ctx.session.csrf : 'forged-csrf');

/** People's pages, documents, assets and operations. */
export const PAGE_ENDPOINTS: readonly Endpoint[] = [
  { path: '/', methods: ['GET'], area: 'page' },
  { path: '/catalog', methods: ['GET'], area: 'page', query: { q: (rng) => rng.pick(['apple', 'banana bread', 'oj', '', 'x']) } },
  { path: '/catalog/{slug}', methods: ['GET'], area: 'page', params: { slug: (rng, ctx) => rng.pick(ctx.slugs) }, query: { portion: (rng) => rng.pick(['0', '1', '100g', '999']) } },
  { path: '/login', methods: ['GET'], area: 'page', query: { return_to: (rng) => rng.pick(['/account', '/interaction/abc', 'https://evil.example/', '//evil.example']) } },
  {
    path: '/login',
    methods: ['POST'],
    area: 'page',
    auth: 'session',
    body: { type: 'form', fields: { _csrf: csrf, email: (rng, ctx) => rng.pick([ctx.email, 'nobody@example.com', 'not-an-email']), password: (rng, ctx) => rng.pick([ctx.password, 'wrong password']), return_to: () => '/account' } },
  },
  { path: '/register', methods: ['GET'], area: 'page' },
  {
    path: '/register',
    methods: ['POST'],
    area: 'page',
    auth: 'session',
    body: { type: 'form', fields: { _csrf: csrf, name: () => 'Fuzz Person', email: (rng, ctx) => rng.pick([ctx.email, `fuzz${rng.next()}@example.com`, 'not-an-email']), password: (rng) => rng.pick(['short', 'a long enough password for sure']), return_to: () => '/account' } },
  },
  { path: '/account', methods: ['GET'], area: 'page', auth: 'session' },
  {
    path: '/account/diary-settings',
    methods: ['POST'],
    area: 'page',
    auth: 'session',
    body: { type: 'form', fields: { _csrf: csrf, energy: (rng) => String(rng.int(0, 30000)), protein: (rng) => String(rng.int(0, 2000)), fat: () => '', carbohydrate: () => '250', time_zone: (rng) => rng.pick(['Europe/Paris', 'America/New_York', 'UTC', 'Mars/Olympus']) } },
  },
  { path: '/account/apps/{grantId}/revoke', methods: ['POST'], area: 'page', auth: 'session', params: { grantId: (rng) => `grant-${rng.int(1, 999)}` }, body: { type: 'form', fields: { _csrf: csrf } } },
  { path: '/interaction/{uid}', methods: ['GET'], area: 'page', auth: 'session', params: { uid: (rng, ctx) => (ctx.interactionUids.length > 0 && rng.chance(0.5) ? rng.pick(ctx.interactionUids) : `uid${rng.int(1, 9999)}`) } },
  {
    path: '/interaction/{uid}',
    methods: ['POST'],
    area: 'page',
    auth: 'session',
    params: { uid: (rng, ctx) => (ctx.interactionUids.length > 0 && rng.chance(0.5) ? rng.pick(ctx.interactionUids) : `uid${rng.int(1, 9999)}`) },
    body: { type: 'form', fields: { _csrf: csrf, decision: (rng) => rng.pick(['allow', 'deny', 'maybe']) } },
  },
  { path: '/logout', methods: ['POST'], area: 'page', body: { type: 'form', fields: { _csrf: () => 'forged-csrf' } } },
  { path: '/docs', methods: ['GET'], area: 'page' },
  { path: '/privacy', methods: ['GET'], area: 'page' },
  { path: '/terms', methods: ['GET'], area: 'page' },
  { path: '/metrics', methods: ['GET'], area: 'document', auth: 'bearer' },
  { path: '/assets/{name}', methods: ['GET'], area: 'asset', params: { name: (rng) => rng.pick(['larder.css', 'favicon.svg', 'nope.js', '..%2Fpackage.json']) } },
  { path: '/openapi.json', methods: ['GET'], area: 'document' },
  { path: '/health', methods: ['GET'], area: 'health' },
  { path: '/livez', methods: ['GET'], area: 'health' },
  { path: '/readyz', methods: ['GET'], area: 'health' },
  {
    path: '/mcp',
    methods: ['POST'],
    area: 'mcp',
    auth: 'bearer',
    body: {
      type: 'json',
      fields: {
        jsonrpc: () => '2.0',
        id: (rng) => rng.int(1, 1000),
        method: (rng) => rng.pick(['initialize', 'tools/list', 'tools/call', 'ping', 'nope']),
        params: (rng) => rng.pick([{}, { name: 'search_foods', arguments: { query: 'apple' } }, { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } }]),
      },
    },
  },
];
