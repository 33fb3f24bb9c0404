import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/client';
import type { Browser, Page } from 'playwright-core';
import { factsRowsOf } from '../../src/catalog/facts.js';
import type { FoodJson } from '../../src/catalog/present.js';
import { FACTS_APP_URI } from '../../src/mcp/facts-app.js';
import { createViews, DEFAULT_VIEWS_DIR } from '../../src/views/render.js';
import { browserUnavailable, launchBrowser } from '../helpers/browser.js';
import { fixturesDir } from '../helpers/paths.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { HeldTokenProvider, connectMcp, mcpCaller } from '../mcp/mcp-helpers.js';

/** The host's side of MCP Apps, as the browser runs it: answers ui/initialize, then sends the tool result. */
const HOST_SCRIPT = `({ html, toolResult }) => {
  window.received = [];
  const frame = document.getElementById('app');
  window.addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow) return;
    const message = event.data;
    window.received.push(message);
    const reply = (payload) => frame.contentWindow.postMessage({ jsonrpc: '2.0', ...payload }, '*');
    if (message.method === 'ui/initialize') {
      reply({ id: message.id, result: { protocolVersion: '2026-01-26', hostInfo: { name: 'test host', version: '1' }, hostCapabilities: { openLinks: {} }, hostContext: {} } });
    } else if (message.method === 'ui/notifications/initialized') {
      reply({ method: 'ui/notifications/tool-result', params: toolResult });
    } else if (message.method === 'ui/open-link') {
      reply({ id: message.id, result: {} });
    }
  });
  frame.srcdoc = html;
}`;

/** The app in a sandboxed frame of a host page, shown `toolResult`; resolves once a panel is on it. */
async function showInApp(browser: Browser, html: string, toolResult: CallToolResult): Promise<{ page: Page; errors: string[]; panels(): Promise<string>; normalized(markup: string): Promise<string> }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setContent('<!doctype html><html><body><iframe id="app" sandbox="allow-scripts" style="width:400px;height:900px"></iframe></body></html>');
  await page.evaluate(`(${HOST_SCRIPT})(${JSON.stringify({ html, toolResult })})`);
  await page.frameLocator('#app').locator('section.facts').first().waitFor();
  const frame = page.frames().find((f) => f !== page.mainFrame())!;
  return {
    page,
    errors,
    panels: async () => (await frame.evaluate("document.getElementById('panels').innerHTML")) as string,
    // Markup as the frame's parser serializes it, to compare with what the app put on its page.
    normalized: async (markup) => (await frame.evaluate(`(() => { const t = document.createElement('template'); t.innerHTML = ${JSON.stringify(markup)}; return t.innerHTML; })()`)) as string,
  };
}

/** The panels as Larder rendered them on the server before the app rendered them itself: views/mcp-facts.eta over each food's facts rows. */
function serverPanels(viewsDir: string | undefined, foods: readonly FoodJson[]): string {
  const views = createViews(viewsDir);
  return foods
    .map((food) =>
      views.render('mcp-facts', {
        name: food.name,
        url: food.url,
        source: `${food.source.dataset}, food ${food.source.id}`,
        basis: food.nutrition_basis.replace(/^per /, ''),
        rows: factsRowsOf(food.nutrition),
      }),
    )
    .join('\n');
}

// In CI a missing browser is a failure, not a skip: .ci/run installs it.
const skip = process.env.CI ? false : browserUnavailable();

/**
 * The MCP app as a host shows it: in a sandboxed frame with no network, talking to its
 * host over postMessage (MCP Apps: ui/initialize, ui/notifications/tool-result). The host
 * here is a page of the test's own, fed the real resource and a real get_food result.
 */
describe('the nutrition-facts MCP app in a real browser', { skip }, () => {
  let t: TestServer;
  let browser: Browser;
  let appHtml: string;
  let result: CallToolResult;

  before(async () => {
    t = await startTestServer();
    browser = await launchBrowser();
    const { token, clientId } = await mcpCaller(t, { plan: 'free' });
    const client = await connectMcp(t, new HeldTokenProvider(token, clientId), 'legacy');
    appHtml = ((await client.readResource({ uri: FACTS_APP_URI })).contents[0] as { text: string }).text;
    result = (await client.callTool({ name: 'get_food', arguments: { id: 'sr-09040' } })) as CallToolResult;
    await client.close();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('greets its host, shows the panel of the tool result and opens links through the host', async () => {
    const { page, errors } = await showInApp(browser, appHtml, result);
    const app = page.frameLocator('#app');
    await app.locator('table caption').waitFor();
    assert.match((await app.locator('caption').textContent()) ?? '', /Amounts in 100 g/);
    const rows = await app.locator('tbody th').allTextContents();
    assert.ok(rows.includes('Energy'), rows.join(', '));
    assert.ok(!rows.includes('Potassium'), 'a free plan sees the main panel');
    // The inlined style sheet applies inside the sandbox.
    const style = (element: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopStyle: string } }).getComputedStyle(element).borderTopStyle;
    assert.equal(await app.locator('section.facts').evaluate(style), 'solid');

    await app.getByRole('link', { name: 'Bananas, raw' }).click();
    const opened = await page.waitForFunction("window.received.find((m) => m.method === 'ui/open-link')?.params?.url");
    assert.equal(await opened.jsonValue(), `${t.config.appUrl}/catalog/bananas-raw`);
    const methods = (await page.evaluate('window.received.map((m) => m.method)')) as string[];
    assert.deepEqual(methods.slice(0, 2), ['ui/initialize', 'ui/notifications/initialized']);
    assert.ok(methods.includes('ui/notifications/size-changed'));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a search's panels are the markup the server rendered from the same template and rows, the table the food page's", async () => {
    const { token, clientId } = await mcpCaller(t, { plan: 'pro' });
    const client = await connectMcp(t, new HeldTokenProvider(token, clientId), 'modern');
    const search = (await client.callTool({ name: 'search_foods', arguments: { query: "breakstone's sour cream", limit: 4 } })) as CallToolResult;
    const food = (await client.callTool({ name: 'get_food', arguments: { id: 'sr-09040' } })) as CallToolResult;
    await client.close();
    const foods = (search.structuredContent as { data: FoodJson[] }).data;
    const expected = serverPanels(t.config.viewsDir, foods);
    // Names with characters the templates escape, and more than one panel.
    assert.ok(foods.length > 1 && /&amp;|&quot;|&#39;|&lt;/.test(expected), expected.slice(0, 300));

    const shown = await showInApp(browser, appHtml, search);
    assert.equal(await shown.panels(), await shown.normalized(expected));
    assert.deepEqual(shown.errors, []);
    await shown.page.close();

    const one = await showInApp(browser, appHtml, food);
    const pageHtml = await (await fetch(`${t.baseUrl}/catalog/bananas-raw`)).text();
    const table = (html: string) => /<table>[\s\S]*<\/table>/.exec(html)?.[0];
    assert.ok(table(pageHtml));
    assert.equal(table(await one.panels()), table(await one.normalized(table(pageHtml)!)));
    assert.match((await one.panels()) ?? '', /Potassium/, 'pro sees the full panel');
    await one.page.close();
  });
});

describe("the MCP app with an operator's panel template", { skip }, () => {
  let t: TestServer;
  let browser: Browser;
  let viewsDir: string;

  before(async () => {
    viewsDir = mkdtempSync(path.join(os.tmpdir(), 'larder-views-'));
    const panel = readFileSync(path.join(DEFAULT_VIEWS_DIR, 'mcp-facts.eta'), 'utf8').replace('</section>', '<p class="operator-note">Checked by <%= "Ben & Jo\'s" %> kitchen</p>\n</section>');
    writeFileSync(path.join(viewsDir, 'mcp-facts.eta'), panel);
    t = await startTestServer({ env: { LARDER_VIEWS: viewsDir } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    rmSync(viewsDir, { recursive: true, force: true });
  });

  test("the app renders the override, escaped as on the server", async () => {
    const { token, clientId } = await mcpCaller(t, { plan: 'free' });
    const client = await connectMcp(t, new HeldTokenProvider(token, clientId), 'legacy');
    const appHtml = ((await client.readResource({ uri: FACTS_APP_URI })).contents[0] as { text: string }).text;
    const result = (await client.callTool({ name: 'search_foods', arguments: { query: 'banana', limit: 2 } })) as CallToolResult;
    await client.close();
    const shown = await showInApp(browser, appHtml, result);
    const html = await shown.panels();
    assert.match(html, /<p class="operator-note">Checked by Ben &amp; Jo's kitchen<\/p>/);
    assert.equal(html, await shown.normalized(serverPanels(viewsDir, (result.structuredContent as { data: FoodJson[] }).data)));
    assert.deepEqual(shown.errors, []);
    await shown.page.close();
  });
});

describe('the MCP app with a view script copied from before it rendered its own panels', { skip }, () => {
  let t: TestServer;
  let browser: Browser;

  before(async () => {
    t = await startTestServer({ env: { LARDER_VIEWS: path.join(fixturesDir, 'views-before-structured') } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('still shows the panels, from the templates, where that script looks for them', async () => {
    const { token, clientId } = await mcpCaller(t, { plan: 'pro' });
    const client = await connectMcp(t, new HeldTokenProvider(token, clientId), 'legacy');
    const appHtml = ((await client.readResource({ uri: FACTS_APP_URI })).contents[0] as { text: string }).text;
    const result = (await client.callTool({ name: 'search_foods', arguments: { query: 'banana', limit: 2 } })) as CallToolResult;
    await client.close();
    assert.match(appHtml, /panelsInMeta: true/);
    assert.equal(result._meta?.['larder/nutrition-facts'], undefined, 'the result itself carries no panels');
    const shown = await showInApp(browser, appHtml, result);
    assert.equal(await shown.panels(), await shown.normalized(serverPanels(undefined, (result.structuredContent as { data: FoodJson[] }).data)));
    assert.deepEqual(shown.errors, []);
    await shown.page.close();
  });
});
