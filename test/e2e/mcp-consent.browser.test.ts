import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { auth } from '@modelcontextprotocol/client';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser } from '../helpers/browser.js';
import { repoRoot } from '../helpers/paths.js';
import { RecordingOAuthProvider } from '../oauth/mcp/sdk-client.js';
import { PASSWORD, postForm, startOAuthTestServer, type OAuthTestServer } from '../oauth/oauth-helpers.js';

const screenshots = path.join(repoRoot, 'test-results');
const skip = process.env.CI ? false : browserUnavailable();

/** What a person sees when an MCP client that registered itself asks to connect, in Chromium. */
describe('MCP consent in a real browser', { skip }, () => {
  let server: OAuthTestServer;
  let browser: Browser;
  let page: Page;
  let callbackServer: http.Server;
  let callbackUrl = '';
  let lastCallback: URL | undefined;

  before(async () => {
    // The MCP client's loopback callback, as a desktop app (VS Code, Claude Code) runs one.
    callbackServer = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', callbackUrl);
      if (url.pathname === '/callback') lastCallback = url;
      response.writeHead(200, { 'content-type': 'text/plain' }).end('signed in, you can close this tab');
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
    server = await startOAuthTestServer();
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    mkdirSync(screenshots, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    callbackServer?.close();
  });

  const logIn = async () => {
    await page.waitForURL(/\/login\?return_to=/);
    await page.getByLabel('Email').fill(server.user.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
  };

  test('a look-alike "Claude" shows as self-registered and unverified, with the domain it returns to', async () => {
    const impostor = new RecordingOAuthProvider({ client_name: 'Claude', redirect_uris: ['https://claude.ai.evil.example/api/mcp/auth_callback'], token_endpoint_auth_method: 'client_secret_post' });
    assert.equal(await auth(impostor, { serverUrl: `${server.baseUrl}/mcp` }), 'REDIRECT');
    await page.goto(impostor.authorizationUrl!.href);
    await logIn();
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Connect Claude to your Larder account?');
    const identity = await page.locator('.client-identity').innerText();
    assert.match(identity, /Claude registered itself with Larder\. Its name is unverified/);
    const target = await page.locator('.redirect-target').innerText();
    assert.match(target, /sent back to claude\.ai\.evil\.example\./);
    await page.screenshot({ path: path.join(screenshots, 'mcp-consent-unverified.png'), fullPage: true });
  });

  test('a desktop MCP client: consent warns it returns to this computer, the code reaches its loopback port, /account revokes it', async () => {
    const desktop = new RecordingOAuthProvider({ client_name: 'Visual Studio Code', redirect_uris: [callbackUrl], token_endpoint_auth_method: 'none' });
    assert.equal(await auth(desktop, { serverUrl: `${server.baseUrl}/mcp` }), 'REDIRECT');
    await page.goto(desktop.authorizationUrl!.href);
    // Logged in by the test before: straight to consent.
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    const target = await page.locator('.redirect-target').innerText();
    assert.match(target, new RegExp(`an app on this computer \\(${callbackUrl.replace(/^http:\/\//, '').replace('/callback', '').replace(/\./g, '\\.')}\\)`));
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByText('signed in, you can close this tab').waitFor();
    assert.ok(lastCallback?.searchParams.get('code'));
    assert.equal(lastCallback?.searchParams.get('iss'), server.baseUrl);
    assert.equal(await auth(desktop, { serverUrl: `${server.baseUrl}/mcp`, authorizationCode: lastCallback!.searchParams.get('code')!, iss: lastCallback!.searchParams.get('iss')! }), 'AUTHORIZED');
    const accessToken = desktop.saved!.access_token;

    await page.goto(`${server.baseUrl}/account`);
    const app = page.locator('.connected-apps > li', { hasText: 'Visual Studio Code' });
    assert.match(await app.locator('.client-kind').innerText(), /MCP connection, registered itself \(unverified\), returns to this computer/);
    await page.screenshot({ path: path.join(screenshots, 'mcp-account.png'), fullPage: true });
    await app.getByRole('link', { name: 'Revoke…' }).click();
    await page.getByRole('button', { name: 'Revoke access' }).click();
    await page.getByRole('heading', { name: 'Connected apps' }).waitFor();
    assert.equal(await page.locator('.connected-apps > li', { hasText: 'Visual Studio Code' }).count(), 0);
    const about = await postForm(server.baseUrl, '/oauth/introspect', { token: accessToken, client_id: desktop.client!.client_id });
    assert.equal(about.body.active, false);
  });
});
