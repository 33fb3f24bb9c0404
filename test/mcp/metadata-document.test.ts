import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { StreamableHTTPClientTransport, UnauthorizedError, type CallToolResult } from '@modelcontextprotocol/client';
import { createUser } from '../../src/accounts/users.js';
import { Visitor } from '../accounts/visitor.js';
import { startLarderProcess, type LarderProcess } from '../http/larder-process.js';
import { makeTestCertificate, startHttpsServer, type TestCertificate, type TestHttpsServer } from '../helpers/tls.js';
import { PASSWORD, answerConsent, followAuthorization } from '../oauth/oauth-helpers.js';
import { RecordingOAuthProvider } from '../oauth/mcp/sdk-client.js';
import { openMcp } from './mcp-helpers.js';

/**
 * A ChatGPT-style client known by its Client ID Metadata Document uses the tools: Larder
 * runs as `npm start` does, with LARDER_CIMD_ALLOW_LOOPBACK=true and a certificate of this
 * run trusted through NODE_EXTRA_CA_CERTS, so it fetches the document from 127.0.0.1.
 */
describe('a client known by its metadata document signs in through /mcp and calls tools', () => {
  let certificate: TestCertificate;
  let documents: TestHttpsServer;
  let larder: LarderProcess;
  let baseUrl: string;
  let documentUrl: string;
  const email = 'chatgpt-user@example.com';

  before(async () => {
    certificate = makeTestCertificate();
    let document = '';
    documents = await startHttpsServer(certificate, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(document);
    });
    documentUrl = `https://localhost:${documents.port}/oauth/client.json`;
    // As ChatGPT publishes it: private_key_jwt and none; Larder takes it as a public client.
    document = JSON.stringify({
      client_id: documentUrl,
      client_name: 'ChatGPT',
      redirect_uris: ['https://chatgpt.com/connector_platform_oauth_redirect'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'],
      token_endpoint_auth_method: 'none',
    });

    larder = await startLarderProcess({
      env: { LARDER_BUNDLED_CATALOG: 'true', LARDER_CIMD_ALLOW_LOOPBACK: 'true', NODE_EXTRA_CA_CERTS: certificate.certFile },
      prepare: async (database) => {
        await createUser(database.db, { email, password: PASSWORD, name: 'Sam' });
      },
    });
    baseUrl = larder.baseUrl;
  });
  after(async () => {
    await larder?.close();
    await documents?.close();
    certificate?.remove();
  });

  test('the document URL is the client_id; after consent, search_foods and get_food answer', async () => {
    const mcpUrl = new URL(`${baseUrl}/mcp`);
    const provider = new RecordingOAuthProvider(
      { client_name: 'ChatGPT', redirect_uris: ['https://chatgpt.com/connector_platform_oauth_redirect'], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] },
      { clientMetadataUrl: documentUrl },
    );
    const open = async () => (await openMcp(mcpUrl, provider, 'legacy')).client;
    await assert.rejects(open(), UnauthorizedError);
    assert.equal(provider.authorizationUrl?.searchParams.get('client_id'), documentUrl, 'no registration: the URL is the client id');
    const visitor = new Visitor(baseUrl);
    const start = provider.authorizationUrl!;
    let outcome = await followAuthorization(visitor, start.pathname + start.search, { login: { email, password: PASSWORD } });
    assert.match(outcome.page?.body ?? '', new RegExp(`localhost:${documents.port}`), 'consent names the host of the document');
    outcome = await answerConsent(visitor, outcome.page!, 'allow', outcome.trail);
    assert.equal(outcome.redirect?.origin, 'https://chatgpt.com');
    await new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }).finishAuth(outcome.redirect!.searchParams);

    const client = await open();
    const search = (await client.callTool({ name: 'search_foods', arguments: { query: 'banana', limit: 1 } })) as CallToolResult;
    const id = (search.structuredContent as { data: Array<{ id: string }> }).data[0]!.id;
    const food = (await client.callTool({ name: 'get_food', arguments: { id } })) as CallToolResult;
    assert.equal((food.structuredContent as { data: { name: string } }).data.name, 'Bananas, raw');
    await client.close();
  });
});
