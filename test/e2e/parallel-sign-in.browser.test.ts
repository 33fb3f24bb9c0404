import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { createUser } from '../../src/accounts/users.js';
import { createClient } from '../../src/oauth/clients.js';
import { browserUnavailable, launchBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const skip = process.env.CI ? false : browserUnavailable();
const PASSWORD = 'eight tabs at once please';

/**
 * Issue 11: eight authorizations started at once in one browser (tabs, or an assistant
 * that retries) used to end on "interaction session and authentication session mismatch"
 * now and then. Here Chromium itself keeps the cookies.
 */
describe('eight tabs of one browser sign in to the same app at once, in a real browser', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let callbackBase = '';
  let callbackServer: http.Server;
  let clientId: string;

  before(async () => {
    callbackServer = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('callback received'));
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    callbackBase = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/aip/g-tabs/oauth/callback`;
    server = await startTestServer({ bundledCatalog: false });
    await createUser(server.server.database.db, { email: 'tabs@example.com', password: PASSWORD, name: 'Tabs' });
    clientId = (await createClient(server.server.database.db, { name: 'Tabbed GPT', redirectUris: [callbackBase], scopes: ['foods:read', 'diary:read'] })).client.clientId;
    browser = await launchBrowser();
    context = await browser.newContext();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    callbackServer?.close();
  });

  const authorize = (state: string) => `${server.baseUrl}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: callbackBase, state, scope: '' })}`;

  test('log in and approve once; then 8 tabs at once, 5 times: all 40 come back with a code and their own state', async () => {
    const first = await context.newPage();
    await first.goto(authorize('setup'));
    await first.getByLabel('Email').fill('tabs@example.com');
    await first.getByLabel('Password').fill(PASSWORD);
    await first.getByRole('button', { name: 'Log in' }).click();
    await first.getByRole('button', { name: 'Allow' }).click();
    await first.waitForURL((url) => url.href.startsWith(callbackBase));
    await first.close();

    const tabs = await Promise.all(Array.from({ length: 8 }, () => context.newPage()));
    const failures: string[] = [];
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        tabs.map(async (tab, index) => {
          const state = `round${round}-tab${index}`;
          await tab.goto(authorize(state));
          const url = new URL(tab.url());
          if (!url.href.startsWith(callbackBase) || !url.searchParams.get('code') || url.searchParams.get('state') !== state) {
            failures.push(`${state}: ${url.pathname} ${(await tab.locator('h1').first().textContent().catch(() => '')) ?? ''}`);
          }
        }),
      );
    }
    assert.deepEqual(failures, []);
  });
});
