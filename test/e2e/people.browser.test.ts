import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser } from '../helpers/browser.js';
import { repoRoot } from '../helpers/paths.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const screenshots = path.join(repoRoot, 'test-results');
const skip = process.env.CI ? false : browserUnavailable();
const PASSWORD = 'a sturdy passphrase for gus';

/** WCAG relative luminance of a CSS rgb() colour. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => Number(v) / 255);
  const channel = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
}

function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

describe('a person keeps a diary on the web, takes their data and leaves, in a real browser', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Anything the page's CSP refused (an inline script or style would land here) or a script error. */
  const problems: string[] = [];

  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    // A browser in São Paulo: registration should pick that up without being told.
    context = await browser.newContext({ timezoneId: 'America/Sao_Paulo', acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (message) => {
      // Pages that answer 400 (a wrong password) are logged too; only refusals and script errors count.
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    mkdirSync(screenshots, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('registering detects the browser time zone; the header and the skip link', async () => {
    await page.goto(`${server.baseUrl}/catalog`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Register' }).waitFor();
    await nav.getByRole('link', { name: 'Log in' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Account' }).count(), 0);

    // On a page without autofocus, the first Tab reaches "Skip to content", which moves focus past the header.
    await page.goto(`${server.baseUrl}/login`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.textContent'), 'Skip to content');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#main$/);
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'main');

    await nav.getByRole('link', { name: 'Register' }).click();
    await page.getByLabel('Name').fill('Gus');
    await page.getByLabel('Email').fill('gus@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    assert.equal(await page.locator('input[name="time_zone"]').inputValue(), 'America/Sao_Paulo', 'larder.js filled in the zone');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/login\?registered=1/);
    await page.getByLabel('Email').fill('gus@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/account$/);
    assert.equal(await page.getByLabel(/Time zone/).inputValue(), 'America/Sao_Paulo');
    await nav.getByRole('link', { name: 'Account' }).waitFor();
    await nav.getByRole('button', { name: 'Log out' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Register' }).count(), 0);
  });

  test('the diary: search, add a portion with a note, change it, delete it, move between days', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Diary' }).click();
    await page.getByRole('heading', { level: 1, name: /^Diary for .* \(today\)$/ }).waitFor();
    await page.getByLabel('Search the catalog').fill('banana');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const pick = page.locator('form.pick', { hasText: 'Bananas, raw' }).first();
    await pick.getByLabel('Unit').selectOption({ label: '1 medium (7" to 7-7/8" long) (118 g)' });
    await pick.getByLabel('Meal').selectOption('breakfast');
    await pick.getByLabel('Note').fill('with oats');
    await page.screenshot({ path: path.join(screenshots, 'diary-search.png'), fullPage: true });
    await pick.getByRole('button', { name: /^Add/ }).click();
    await page.getByText('Added to your diary.').waitFor();
    const row = page.locator('table.diary tr', { hasText: 'Bananas, raw' });
    assert.match(await row.innerText(), /Bananas, raw\s+Note: with oats\s+1 medium \(118 g\)\s+105 kcal/);
    assert.match(await page.locator('table.totals').innerText(), /Energy\s+105 kcal/);

    await row.getByRole('link', { name: /^Change Bananas, raw/ }).click();
    await page.getByRole('heading', { name: 'Change Bananas, raw' }).waitFor();
    await page.getByLabel('How much').fill('2');
    await page.getByLabel('Unit').selectOption({ label: '1 medium (7" to 7-7/8" long) (118 g)' });
    await page.getByLabel('Meal').selectOption('lunch');
    await page.getByLabel('Note').fill('two after all');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('The entry is changed.').waitFor();
    const lunch = page.locator('table.diary', { hasText: 'Lunch' });
    assert.match(await lunch.innerText(), /Bananas, raw\s+Note: two after all\s+2 medium \(236 g\)\s+210 kcal/);
    assert.equal(await page.locator('table.diary', { hasText: 'Breakfast' }).count(), 0);
    await page.screenshot({ path: path.join(screenshots, 'diary-day.png'), fullPage: true });

    await lunch.getByRole('button', { name: /^Delete Bananas, raw/ }).click();
    await page.getByText('The entry is deleted.').waitFor();
    assert.equal(await page.locator('table.diary').count(), 0);
    await page.getByText('Nothing is logged for this day yet.').waitFor();

    await page.getByRole('link', { name: '← Previous day' }).click();
    await page.getByRole('link', { name: 'Today' }).waitFor();
    assert.doesNotMatch(await page.getByRole('heading', { level: 1 }).innerText(), /today/);
  });

  test('the JSON and CSV downloads hold the diary, the CSV without formulas', async () => {
    // Something to export: one entry, added on the web.
    await page.goto(`${server.baseUrl}/diary?date=2026-01-10&q=oatmeal`);
    const pick = page.locator('form.pick').first();
    const food = (await pick.locator('strong').first().innerText()).trim();
    await pick.getByLabel('Note').fill('=1+1');
    await pick.getByRole('button', { name: /^Add/ }).click();
    await page.getByText('Added to your diary.').waitFor();

    await page.goto(`${server.baseUrl}/account`);
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Everything, as JSON' }).click()]);
    assert.match(json.suggestedFilename(), /^larder-export-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(readFileSync((await json.path())!, 'utf8')) as { profile: { email: string; time_zone: string }; diary: Array<{ food: { name: string }; note: string }> };
    assert.equal(data.profile.email, 'gus@example.com');
    assert.equal(data.profile.time_zone, 'America/Sao_Paulo');
    assert.deepEqual(data.diary.map((entry) => [entry.food.name, entry.note]), [[food, '=1+1']]);

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Your diary, as CSV' }).click()]);
    assert.match(csv.suggestedFilename(), /^larder-diary-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync((await csv.path())!, 'utf8').replace(/^\uFEFF/, '').split('\r\n');
    assert.match(lines[0]!, /^date,meal,food,food_id,amount,grams,/);
    assert.match(lines[1]!, /^2026-01-10,/);
    assert.ok(lines[1]!.includes(",'=1+1,"), lines[1]);
  });

  test('deleting the account: the confirm page asks for the password, then everything is gone', async () => {
    await page.goto(`${server.baseUrl}/account`);
    await page.getByRole('link', { name: 'Delete my account…' }).click();
    await page.getByRole('heading', { name: 'Delete your account?' }).waitFor();
    await page.getByLabel('Your password, to confirm').fill('not my password at all');
    await page.getByRole('button', { name: 'Delete my account and everything in it' }).click();
    await page.getByText('That is not your password. Nothing was deleted.').waitFor();
    await page.screenshot({ path: path.join(screenshots, 'account-delete.png'), fullPage: true });
    await page.getByLabel('Your password, to confirm').fill(PASSWORD);
    await page.getByRole('button', { name: 'Delete my account and everything in it' }).click();
    await page.waitForURL(/\/login\?deleted=1$/);
    await page.getByText('Your Larder account and everything in it are deleted').waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Register' }).waitFor();
    await page.getByLabel('Email').fill('gus@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('That email and password do not match an account.').waitFor();
    assert.deepEqual(problems, [], 'no CSP refusal or script error on any page');
  });

  test('the dark colour scheme follows the system setting, with readable contrast', async () => {
    const dark = await browser.newContext({ colorScheme: 'dark' });
    const light = await browser.newContext({ colorScheme: 'light' });
    try {
      for (const [scheme, ctx] of [['dark', dark], ['light', light]] as const) {
        const tab = await ctx.newPage();
        await tab.goto(`${server.baseUrl}/catalog?q=banana`);
        // Evaluated in the page (the tests are compiled without the DOM library).
        const colours = (await tab.evaluate(`(() => {
          const style = (selector) => getComputedStyle(document.querySelector(selector));
          return { bg: style('body').backgroundColor, ink: style('body').color, link: style('.results a').color, meta: style('.results .meta').color, button: style('button').backgroundColor, buttonInk: style('button').color };
        })()`)) as { bg: string; ink: string; link: string; meta: string; button: string; buttonInk: string };
        if (scheme === 'dark') assert.ok(luminance(colours.bg) < 0.05, `dark background: ${colours.bg}`);
        else assert.ok(luminance(colours.bg) > 0.9, `light background: ${colours.bg}`);
        for (const [what, fg, bg] of [['text', colours.ink, colours.bg], ['links', colours.link, colours.bg], ['muted text', colours.meta, colours.bg], ['buttons', colours.buttonInk, colours.button]] as const) {
          assert.ok(contrast(fg, bg) >= 4.5, `${scheme} ${what}: ${fg} on ${bg} is ${contrast(fg, bg).toFixed(2)}:1`);
        }
        if (scheme === 'dark') await tab.screenshot({ path: path.join(screenshots, 'catalog-dark.png'), fullPage: true });
      }
    } finally {
      await dark.close();
      await light.close();
    }
  });
});
