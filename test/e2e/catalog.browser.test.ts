import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserUnavailable, launchBrowser } from '../helpers/browser.js';
import { repoRoot } from '../helpers/paths.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const screenshots = path.join(repoRoot, 'test-results');

// In CI a missing browser is a failure, not a skip: .ci/run installs it.
const skip = process.env.CI ? false : browserUnavailable();

describe('catalog in a real browser', { skip }, () => {
  let t: TestServer;
  let browser: Browser;
  before(async () => {
    t = await startTestServer();
    browser = await launchBrowser();
    mkdirSync(screenshots, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('a person searches, opens a food and switches to a household portion', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${t.baseUrl}/catalog`);
    await page.getByLabel(/Search .* foods/).fill('chicken breast roasted');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/catalog\?q=/);
    const first = page.getByRole('list').first().getByRole('link').first();
    const name = await first.textContent();
    assert.match(name ?? '', /chicken/i);
    await first.click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), name);
    await page.getByRole('table').waitFor();
    const energy100g = await page.getByRole('row', { name: /Energy.*kcal/ }).textContent();
    await page.getByLabel('Amount').selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/portion=0/);
    const energyPortion = await page.getByRole('row', { name: /Energy.*kcal/ }).textContent();
    assert.notEqual(energyPortion, energy100g);
    // Nothing overflows the phone's width.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
    await page.screenshot({ path: path.join(screenshots, 'food-page-phone.png'), fullPage: true });
    assert.deepEqual(errors, [], 'no console errors (a CSP violation would show here)');
  });

  test('the stylesheet loads under the content security policy', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.baseUrl}/catalog/bananas-raw`);
    const border = await page.evaluate<string>("getComputedStyle(document.querySelector('.facts')).borderTopWidth");
    assert.equal(border, '2px');
    await page.screenshot({ path: path.join(screenshots, 'food-page-desktop.png'), fullPage: true });
  });

  test('an unknown food shows the friendly not-found page', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${t.baseUrl}/catalog/not-a-food`);
    assert.equal(response?.status(), 404);
    await page.getByRole('link', { name: 'Search the food catalog' }).click();
    await page.waitForURL(/\/catalog$/);
  });
});
