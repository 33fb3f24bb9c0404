import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/accounts/users.js';
import { browserUnavailable, launchBrowser } from '../helpers/browser.js';
import { repoRoot } from '../helpers/paths.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { linkIn, startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

const screenshots = path.join(repoRoot, 'test-results');
const skip = process.env.CI ? false : browserUnavailable();

describe('a person who forgot their password gets back in, in a real browser', { skip }, () => {
  let server: TestServer;
  let smtp: TestSmtpServer;
  let browser: Browser;
  let page: Page;
  before(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ bundledCatalog: false, env: { SMTP_URL: smtp.url } });
    await createUser(server.server.database.db, { email: 'ivy@example.com', password: 'the old forgotten one', name: 'Ivy' });
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    mkdirSync(screenshots, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  test('forgot password, the mailed link, a new password, log in, then log out everywhere', async () => {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill('ivy@example.com');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();

    const mail = await smtp.waitFor('ivy@example.com', /Choose a new Larder password/);
    await page.goto(linkIn(mail));
    await page.getByLabel('New password').fill('a fresh memorable phrase');
    await page.screenshot({ path: path.join(screenshots, 'reset.png'), fullPage: true });
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.waitForURL(/\/login\?reset=1$/);
    assert.match(await page.content(), /Your password is changed/);

    await page.getByLabel('Email').fill('ivy@example.com');
    await page.getByLabel('Password').fill('a fresh memorable phrase');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/account$/);
    await page.getByRole('heading', { name: 'Security' }).waitFor();
    await page.screenshot({ path: path.join(screenshots, 'account-security.png'), fullPage: true });
    await page.getByRole('button', { name: 'Log out everywhere' }).click();
    await page.waitForURL(/\/login\?logged_out=everywhere$/);
    assert.match(await page.content(), /logged out on every browser/);
    await page.goto(`${server.baseUrl}/account`);
    await page.waitForURL(/\/login\?return_to=/);
  });
});
