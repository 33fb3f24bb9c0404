import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createClient } from '../../src/oauth/clients.js';
import { browserUnavailable, launchBrowser } from '../helpers/browser.js';
import { repoRoot } from '../helpers/paths.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let CALLBACK = '';
const screenshots = path.join(repoRoot, 'test-results');
const skip = process.env.CI ? false : browserUnavailable();

describe('a person connects a GPT to Larder in a real browser', { skip }, () => {
  let t: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let clientId: string;
  let clientSecret: string;
  let lastCallback: URL | undefined;
  let callbackServer: http.Server;

  before(async () => {
    // The client's callback: a small server on this machine that records where the browser was sent
    // (ChatGPT's own callback cannot be reached from here; the flow is the same).
    callbackServer = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', CALLBACK);
      if (url.pathname.endsWith('/oauth/callback')) lastCallback = url; // not the browser's /favicon.ico
      response.writeHead(200, { 'content-type': 'text/plain' }).end('callback received');
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    CALLBACK = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/aip/g-browser1/oauth/callback`;
    t = await startTestServer();
    const created = await createClient(t.server.database.db, { name: 'Nutrition <b>Coach</b> GPT', redirectUris: [CALLBACK], scopes: ['foods:read', 'diary:read', 'diary:write', 'profile'] });
    clientId = created.client.clientId;
    clientSecret = created.clientSecret!;
    browser = await launchBrowser();
    context = await browser.newContext();
    page = await context.newPage();
    mkdirSync(screenshots, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    callbackServer?.close();
  });

  const authorizeUrl = (state: string) =>
    `${t.baseUrl}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: CALLBACK, state, scope: '' })}`;

  const codeFromCallback = async (state: string): Promise<string> => {
    await page.waitForURL((url) => url.href.startsWith(CALLBACK));
    await page.getByText('callback received').waitFor();
    assert.ok(lastCallback, 'the browser reached the callback');
    assert.equal(lastCallback.searchParams.get('state'), state, 'state comes back untouched');
    const code = lastCallback.searchParams.get('code');
    assert.ok(code, `a code in ${lastCallback.href}`);
    return code;
  };

  const token = async (form: Record<string, string>, init: { basic?: boolean; json?: boolean } = {}) => {
    const headers: Record<string, string> = {};
    let body: string;
    if (init.json) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(form);
    } else {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    if (init.basic) headers.authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    const response = await fetch(`${t.baseUrl}/oauth/token`, { method: 'POST', headers, body });
    const json = (await response.json()) as Record<string, unknown>;
    assert.equal(response.status, 200, JSON.stringify(json));
    assert.equal(json.token_type, 'Bearer');
    assert.equal(typeof json.expires_in, 'number');
    assert.equal(typeof json.refresh_token, 'string');
    assert.equal(json.scope, 'foods:read diary:read diary:write profile');
    return { access: String(json.access_token), refresh: String(json.refresh_token) };
  };

  const api = (accessToken: string) => fetch(`${t.baseUrl}/api/foods/search?query=banana`, { headers: { authorization: `Bearer ${accessToken}` } });

  test('register, consent, code, tokens three ways, API, refresh, and Revoke on /account ends access', async () => {
    // 1. ChatGPT sends the person to Larder; they have no account yet.
    await page.goto(authorizeUrl('first-state'));
    await page.waitForURL(/\/login\?return_to=/);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL(/\/register/);
    await page.getByLabel('Name').fill('Ada');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('a sturdy passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    // Registering logs nobody in (the answer must not tell a taken email from a new one): log in.
    await page.waitForURL(/\/login\?registered=1&return_to=/);
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('a sturdy passphrase');
    await page.getByRole('button', { name: 'Log in' }).click();

    // 2. Back in the authorization: the consent page names the app (escaped) and each scope.
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    const heading = await page.getByRole('heading', { level: 1 }).textContent();
    assert.match(heading ?? '', /Nutrition <b>Coach<\/b> GPT/, 'the client name shows as text, not markup');
    const consent = await page.content();
    for (const words of ['Search the food catalog', 'Read your food diary', 'Add and remove entries', 'See your name and your plan']) assert.ok(consent.includes(words), words);
    await page.screenshot({ path: path.join(screenshots, 'consent.png'), fullPage: true });
    await page.getByRole('button', { name: 'Allow' }).click();
    const firstCode = await codeFromCallback('first-state');

    // 3. The code, exchanged with the secret in the form body.
    const first = await token({ grant_type: 'authorization_code', code: firstCode, redirect_uri: CALLBACK, client_id: clientId, client_secret: clientSecret });
    assert.equal((await api(first.access)).status, 200);

    // 4. Approved already: the next authorizations go straight back. HTTP Basic, then a JSON body.
    await page.goto(authorizeUrl('second-state'));
    const secondCode = await codeFromCallback('second-state');
    const second = await token({ grant_type: 'authorization_code', code: secondCode, redirect_uri: CALLBACK }, { basic: true });
    await page.goto(authorizeUrl('third-state'));
    const thirdCode = await codeFromCallback('third-state');
    const third = await token({ grant_type: 'authorization_code', code: thirdCode, redirect_uri: CALLBACK, client_id: clientId, client_secret: clientSecret }, { json: true });
    assert.equal((await api(second.access)).status, 200);
    assert.equal((await api(third.access)).status, 200);

    // 5. Refresh: a new pair, the access token works.
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: third.refresh, client_id: clientId, client_secret: clientSecret });
    assert.equal((await api(refreshed.access)).status, 200);

    // 6. The person revokes the app on /account: every token stops on the next request.
    await page.goto(`${t.baseUrl}/account`);
    await page.getByRole('heading', { name: 'Connected apps' }).waitFor();
    assert.ok((await page.content()).includes('Nutrition &lt;b&gt;Coach&lt;/b&gt; GPT'));
    await page.screenshot({ path: path.join(screenshots, 'account.png'), fullPage: true });
    await page.getByRole('link', { name: 'Revoke…' }).first().click();
    await page.getByRole('heading', { name: /^Revoke Nutrition <b>Coach<\/b> GPT\?$/ }).waitFor();
    await page.getByRole('button', { name: 'Revoke access' }).click();
    await page.waitForURL(/\/account\?revoked=/);
    assert.match(await page.content(), /No apps are connected/);
    await page.getByText('You disconnected Nutrition <b>Coach</b> GPT.').waitFor();
    const after = await api(refreshed.access);
    assert.equal(after.status, 401);
    assert.match(after.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  test('Deny sends access_denied back with the state', async () => {
    const other = await createClient(t.server.database.db, { name: 'Other GPT', redirectUris: [CALLBACK], scopes: ['foods:read'] });
    lastCallback = undefined;
    await page.goto(`${t.baseUrl}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: other.client.clientId, redirect_uri: CALLBACK, state: 'deny-state', scope: '' })}`);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByText('callback received').waitFor();
    const denied = lastCallback as URL | undefined;
    assert.equal(denied?.searchParams.get('error'), 'access_denied');
    assert.equal(denied?.searchParams.get('state'), 'deny-state');
  });
});
