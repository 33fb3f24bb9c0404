import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { auth } from '@modelcontextprotocol/client';
import { createUser } from '../../../src/accounts/users.js';
import { loadConfig } from '../../../src/config.js';
import { openDatabase, type OpenedDatabase } from '../../../src/db/index.js';
import { ConfigError } from '../../../src/errors.js';
import { findClientRow } from '../../../src/oauth/clients.js';
import { csrfIn } from '../../accounts/visitor.js';
import { startLarderProcess, type LarderProcess } from '../../http/larder-process.js';
import { makeTestCertificate, startHttpsServer, type TestCertificate, type TestHttpsServer } from '../../helpers/tls.js';
import { PASSWORD, postForm } from '../oauth-helpers.js';
import { chatGptMetadataDocument, RecordingOAuthProvider, signInWithSdk } from './sdk-client.js';

interface ServedDocument {
  body: string;
  headers?: Record<string, string>;
  status?: number;
}

test('LARDER_CIMD_ALLOW_LOOPBACK is a test switch: refused when NODE_ENV=production', () => {
  const load = (env: Record<string, string>) => loadConfig(env, { cwd: os.tmpdir(), readEnvFile: false });
  assert.equal(load({}).cimdAllowLoopback, false);
  assert.equal(load({ NODE_ENV: 'test', LARDER_CIMD_ALLOW_LOOPBACK: 'true' }).cimdAllowLoopback, true);
  assert.throws(
    () => load({ NODE_ENV: 'production', LARDER_CIMD_ALLOW_LOOPBACK: 'true' }),
    (error: unknown) => error instanceof ConfigError && error.problems.some((p) => p.startsWith('LARDER_CIMD_ALLOW_LOOPBACK')),
  );
  assert.throws(() => load({ LARDER_CIMD_ALLOW_LOOPBACK: 'sometimes' }), ConfigError);
});

/**
 * Client ID Metadata Documents end to end. Larder runs as `npm start` does (a child
 * process) with LARDER_CIMD_ALLOW_LOOPBACK=true and NODE_EXTRA_CA_CERTS naming a
 * certificate made for this run, so it fetches documents from an HTTPS server on
 * 127.0.0.1 with its ordinary, SSRF-guarded fetch.
 */
describe('clients known by their metadata document URL', () => {
  let certificate: TestCertificate;
  let documents: TestHttpsServer;
  const served = new Map<string, ServedDocument>();
  const requests: Array<{ path: string; ifNoneMatch: string | undefined }> = [];
  let db: OpenedDatabase;
  let larder: LarderProcess;
  let baseUrl: string;
  let docsOrigin: string;
  const email = 'cimd@example.com';

  const fetchesOf = (docPath: string) => requests.filter((r) => r.path === docPath).length;
  const publish = (docPath: string, document: Record<string, unknown> | string, headers: Record<string, string> = { 'cache-control': 'max-age=300' }, status = 200) => {
    served.set(docPath, { body: typeof document === 'string' ? document : JSON.stringify(document), headers: { 'content-type': 'application/json', ...headers }, status });
    return `${docsOrigin}${docPath}`;
  };

  before(async () => {
    certificate = makeTestCertificate();
    documents = await startHttpsServer(certificate, (request, response) => {
      const docPath = request.url ?? '/';
      requests.push({ path: docPath, ifNoneMatch: request.headers['if-none-match'] as string | undefined });
      const document = served.get(docPath);
      if (!document) {
        response.writeHead(404, { 'content-type': 'application/json' });
        return response.end('{}');
      }
      const etag = document.headers?.etag;
      if (etag && request.headers['if-none-match'] === etag) {
        response.writeHead(304, { etag, 'cache-control': document.headers?.['cache-control'] ?? '' });
        return response.end();
      }
      response.writeHead(document.status ?? 200, document.headers);
      response.end(document.body);
    });
    docsOrigin = `https://localhost:${documents.port}`;

    larder = await startLarderProcess({
      env: { LARDER_CIMD_ALLOW_LOOPBACK: 'true', NODE_EXTRA_CA_CERTS: certificate.certFile },
      prepare: async (database) => {
        await createUser(database.db, { email, password: PASSWORD, name: 'Casey' });
      },
    });
    baseUrl = larder.baseUrl;
    db = await openDatabase(larder.database.config);
  });
  after(async () => {
    await db?.close();
    await larder?.close();
    await documents?.close();
    certificate?.remove();
  });

  test('a Claude Code-style document: the SDK uses the URL as client_id, Larder fetches it once and the sign-in works on any loopback port', async () => {
    const clientId = publish('/oauth/claude-code-client-metadata', {
      client_id: `${docsOrigin}/oauth/claude-code-client-metadata`,
      client_name: 'Claude Code',
      client_uri: 'https://claude.ai',
      redirect_uris: ['http://localhost/callback', 'http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    const provider = new RecordingOAuthProvider(
      { client_name: 'Claude Code', redirect_uris: ['http://localhost:41234/callback'], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] },
      { clientMetadataUrl: clientId },
    );
    const { consent, callback, tokens } = await signInWithSdk(baseUrl, provider, { email });
    assert.equal(provider.client?.client_id, clientId, 'no registration: the URL is the client id');
    assert.equal(callback.origin, 'http://localhost:41234');
    assert.equal(callback.searchParams.get('iss'), baseUrl);
    assert.match(consent!.body, new RegExp(`identified by <strong>localhost:${documents.port}</strong>`));
    assert.match(consent!.body, /an app on this computer/);
    assert.doesNotMatch(consent!.body, /registered itself/);

    const about = await postForm(baseUrl, '/oauth/introspect', { token: tokens.access_token, client_id: clientId });
    assert.equal(about.body.aud, `${baseUrl}/mcp`, 'metadata-document clients default to /mcp');
    assert.equal(await auth(provider, { serverUrl: `${baseUrl}/mcp` }), 'AUTHORIZED', 'refreshed');
    assert.notEqual(provider.saved!.refresh_token, tokens.refresh_token);
    // Fresh for 300 s: authorize, token and refresh used one fetch.
    assert.equal(fetchesOf('/oauth/claude-code-client-metadata'), 1);
    const row = await findClientRow(db.db, clientId);
    assert.equal(row?.registration, 'metadata_document');
    assert.equal(row?.name, 'Claude Code');
  });

  test("ChatGPT's document (private_key_jwt preferred, none offered) signs in as a public client with PKCE, and /account lists it with Revoke", async () => {
    const clientId = publish('/oauth/client.json', chatGptMetadataDocument(`${docsOrigin}/oauth/client.json`));
    const provider = new RecordingOAuthProvider(
      { client_name: 'ChatGPT', redirect_uris: ['https://chatgpt.com/connector_platform_oauth_redirect'], token_endpoint_auth_method: 'none' },
      { clientMetadataUrl: clientId },
    );
    const { consent, tokens, visitor } = await signInWithSdk(baseUrl, provider, { email });
    assert.equal(provider.authorizationUrl!.searchParams.get('code_challenge_method'), 'S256');
    assert.match(consent!.body, /sent back to <strong>chatgpt\.com<\/strong>/);

    // Without PKCE a public client gets no code.
    const noPkce = await fetch(`${baseUrl}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: 'https://chatgpt.com/connector_platform_oauth_redirect', scope: 'foods:read', state: 'x', resource: `${baseUrl}/mcp` })}`, { redirect: 'manual' });
    assert.equal(new URL(noPkce.headers.get('location')!).searchParams.get('error'), 'invalid_request');

    const account = await visitor.get('/account');
    assert.match(account.body, /<strong>ChatGPT<\/strong>/);
    assert.match(account.body, new RegExp(`MCP connection, identified by localhost:${documents.port}, returns to chatgpt\\.com`));
    const grants = [...account.body.matchAll(/href="(\/account\/apps\/[^"]+\/revoke)"/g)].map((m) => m[1]!);
    assert.ok(grants.length >= 1);
    for (const action of grants) await visitor.post(action, { _csrf: csrfIn((await visitor.get(action)).body) });
    const after = await postForm(baseUrl, '/oauth/introspect', { token: tokens.access_token, client_id: clientId });
    assert.equal(after.body.active, false, 'Revoke on /account ends the MCP connection at once');
  });

  test('documents that cannot be used end on an error page, never a redirect', async () => {
    const redirectUri = 'https://app.example.com/cb';
    const attempt = async (clientId: string, uri = redirectUri) => {
      const response = await fetch(
        `${baseUrl}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: uri, scope: 'foods:read', state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`,
        { redirect: 'manual' },
      );
      assert.equal(response.headers.get('location'), null, clientId);
      return { status: response.status, body: await response.text() };
    };
    const good = { redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', client_name: 'Fine' };
    const cases: Array<[string, string, RegExp]> = [
      ['not its own client_id', publish('/copy.json', { ...good, client_id: 'https://elsewhere.example/client.json' }), /must be exactly its own URL/],
      ['a shared-secret method', publish('/secret.json', { ...good, client_id: `${docsOrigin}/secret.json`, token_endpoint_auth_method: 'client_secret_post' }), /must not use client_secret_post/],
      ['only private_key_jwt', publish('/jwt.json', { ...good, client_id: `${docsOrigin}/jwt.json`, token_endpoint_auth_method: 'private_key_jwt' }), /offers only private_key_jwt/],
      ['http redirect URIs', publish('/http.json', { ...good, client_id: `${docsOrigin}/http.json`, redirect_uris: ['http://app.example.com/cb'] }), /http is allowed only for localhost/],
      ['not JSON', publish('/broken.json', '{"client_id": '), /not valid JSON/],
      ['served as HTML', publish('/page.json', { ...good, client_id: `${docsOrigin}/page.json` }, { 'content-type': 'text/html' }), /must be served as application\/json/],
      ['missing', `${docsOrigin}/nothing-here.json`, /answered HTTP 404/],
      ['on a link-local address', 'https://169.254.169.254/latest/client.json', /does not fetch client metadata from 169\.254\.169\.254/],
    ];
    for (const [label, clientId, message] of cases) {
      const { status, body } = await attempt(clientId);
      assert.equal(status, 400, label);
      assert.match(body, message, label);
    }
    // A redirect URI the document does not list.
    const listed = publish('/listed.json', { ...good, client_id: `${docsOrigin}/listed.json` });
    const { status, body } = await attempt(listed, 'https://evil.example/cb');
    assert.equal(status, 400);
    assert.match(body, /redirect_uri/);
  });

  test('copies are kept as the caching headers say: no-store is fetched every time, an ETag is revalidated', async () => {
    const check = async (clientId: string) => {
      const response = await fetch(`${baseUrl}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: 'https://app.example.com/cb', scope: 'foods:read', state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`, { redirect: 'manual' });
      assert.ok(response.status === 303 || response.status === 302, `${response.status} ${await response.text()}`);
    };
    const doc = (name: string) => ({ client_id: `${docsOrigin}/${name}`, client_name: name, redirect_uris: ['https://app.example.com/cb'], token_endpoint_auth_method: 'none' });
    const noStore = publish('/no-store.json', doc('no-store.json'), { 'cache-control': 'no-store' });
    await check(noStore);
    await check(noStore);
    assert.equal(fetchesOf('/no-store.json'), 2);

    const tagged = publish('/tagged.json', doc('tagged.json'), { 'cache-control': 'max-age=0', etag: '"v1"' });
    await check(tagged);
    await check(tagged);
    const tagRequests = requests.filter((r) => r.path === '/tagged.json');
    assert.equal(tagRequests.length, 2);
    assert.equal(tagRequests[1]!.ifNoneMatch, '"v1"', 'revalidated with If-None-Match');

    const cached = publish('/cached.json', doc('cached.json'), { 'cache-control': 'public, max-age=600' });
    await check(cached);
    await check(cached);
    assert.equal(fetchesOf('/cached.json'), 1);
  });
});
