import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client, StreamableHTTPClientTransport, UnauthorizedError, type CallToolResult } from '@modelcontextprotocol/client';
import type { Browser } from 'playwright-core';
import { createUser } from '../../src/accounts/users.js';
import { browserUnavailable, launchBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { RecordingOAuthProvider } from '../oauth/mcp/sdk-client.js';
import { PASSWORD } from '../oauth/oauth-helpers.js';

// In CI a missing browser is a failure, not a skip: .ci/run installs it.
const skip = process.env.CI ? false : browserUnavailable();

/**
 * The whole MCP connection as a person lives it with a desktop client (VS Code, Cursor):
 * the official client meets /mcp's 401 and opens the browser; the person logs in and
 * allows in Chromium; the code reaches the client's loopback port; the tools work; Revoke
 * on /account ends it at once.
 */
describe('a person connects a desktop MCP client to Larder in a real browser', { skip }, () => {
  let t: TestServer;
  let browser: Browser;
  let callbackServer: http.Server;
  let callbackUrl = '';
  let lastCallback: URL | undefined;
  const email = 'dana@example.com';

  before(async () => {
    callbackServer = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', callbackUrl);
      if (url.pathname === '/callback') lastCallback = url;
      response.writeHead(200, { 'content-type': 'text/plain' }).end('Larder is connected; you can close this tab.');
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
    t = await startTestServer();
    await createUser(t.server.database.db, { email, password: PASSWORD, name: 'Dana', plan: 'pro' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    callbackServer?.close();
  });

  test('sign in from the /mcp URL, allow in the browser, use the tools, revoke', async () => {
    const mcpUrl = new URL(`${t.baseUrl}/mcp`);
    const provider = new RecordingOAuthProvider({
      client_name: 'Cursor',
      redirect_uris: [callbackUrl],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    });
    const open = async () => {
      const client = new Client({ name: 'desktop-client', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
      await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
      return client;
    };
    await assert.rejects(open(), UnauthorizedError);
    const page = await browser.newPage();
    await page.goto(provider.authorizationUrl!.href);
    await page.waitForURL(/\/login\?return_to=/);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    assert.match((await page.getByRole('heading', { level: 1 }).textContent()) ?? '', /Connect Cursor/);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByText('Larder is connected').waitFor();
    assert.equal(lastCallback?.searchParams.get('iss'), t.baseUrl);
    await new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }).finishAuth(lastCallback!.searchParams);

    const client = await open();
    assert.equal(client.getProtocolEra(), 'modern');
    const food = (await client.callTool({ name: 'get_food', arguments: { id: 'sr-09040' } })) as CallToolResult;
    assert.equal((food.structuredContent as { data: { name: string } }).data.name, 'Bananas, raw');
    const { tools } = await client.listTools();
    assert.equal(tools.length, 6);

    await page.goto(`${t.baseUrl}/account`);
    const app = page.locator('.connected-apps > li', { hasText: 'Cursor' });
    await app.getByRole('link', { name: 'Revoke…' }).click();
    await page.getByRole('button', { name: 'Revoke access' }).click();
    await page.getByRole('heading', { name: 'Connected apps' }).waitFor();
    // Revoked: the token and its refresh token are gone, so the client must sign in again.
    await assert.rejects(client.callTool({ name: 'get_food', arguments: { id: 'sr-09040' } }), UnauthorizedError);
    await client.close();
    await page.close();
  });
});
