import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('catalog pages', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => t?.close());

  test('/catalog searches and links each result to its page', async () => {
    const response = await fetch(`${t.baseUrl}/catalog?q=banana`);
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /<a href="\/catalog\/bananas-raw">Bananas, raw<\/a>/);
  });

  test('a food page shows the nutrition facts per 100 g and per household portion', async () => {
    const page = await (await fetch(`${t.baseUrl}/catalog/bananas-raw`)).text();
    assert.match(page, /<h1>Bananas, raw<\/h1>/);
    assert.match(page, /Energy<\/th><td class="num">89 kcal/);
    assert.match(page, /USDA SR28, food 09040/);
    const perPortion = await (await fetch(`${t.baseUrl}/catalog/bananas-raw?portion=0`)).text();
    assert.doesNotMatch(perPortion, /Energy<\/th><td class="num">89 kcal/);
    assert.match(perPortion, /Amounts in .+\(\d+(\.\d+)? g\)/);
  });

  test('a search page asked again after the catalog changed shows the change', async () => {
    const search = async () => (await fetch(`${t.baseUrl}/catalog?q=${encodeURIComponent('quokka jam')}`)).text();
    const before = await search();
    assert.doesNotMatch(before, /Quokka berry jam/);
    assert.equal(await search(), before, 'the same page for the same query');
    await t.server.catalog.importFoods([{ dataset: 'Local', sourceId: 'qj1', name: 'Quokka berry jam', foodGroup: 'Sweets', nutrients: { energy: 250 }, portions: [] }]);
    assert.match(await search(), /Quokka berry jam/);
  });

  test('pages carry the security headers', async () => {
    const response = await fetch(`${t.baseUrl}/catalog`);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(response.headers.get('referrer-policy'));
  });

  test('an unknown food is a friendly 404 page', async () => {
    const response = await fetch(`${t.baseUrl}/catalog/no-such-food`);
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await response.text(), /Search the food catalog/);
    const elsewhere = await fetch(`${t.baseUrl}/no/such/page`);
    assert.equal(elsewhere.status, 404);
    assert.match(await elsewhere.text(), /<html/);
  });

  test('what a person typed is shown escaped, never as HTML', async () => {
    const html = await (await fetch(`${t.baseUrl}/catalog?q=${encodeURIComponent('<script>alert(1)</script>')}`)).text();
    assert.doesNotMatch(html, /<script>alert/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  test('an over-long search is refused on the page, not crashed', async () => {
    const response = await fetch(`${t.baseUrl}/catalog?q=${'x'.repeat(500)}`);
    assert.equal(response.status, 400);
    assert.match(await response.text(), /too long/);
  });
});

describe('operator templates', () => {
  let t: TestServer;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'larder-views-'));
    writeFileSync(path.join(dir, 'not-found.eta'), '<% layout("./layout") %><h1>Nothing here, friend</h1><p><%= it.message %></p>');
    t = await startTestServer({ env: { LARDER_VIEWS: dir } });
  });
  after(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a template in LARDER_VIEWS replaces the default; the others still work', async () => {
    const missing = await (await fetch(`${t.baseUrl}/catalog/nope`)).text();
    assert.match(missing, /Nothing here, friend/);
    const catalog = await (await fetch(`${t.baseUrl}/catalog`)).text();
    assert.match(catalog, /Food catalog/);
  });
});
