import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/client';
import type { Browser } from 'playwright-core';
import { FACTS_APP_URI } from '../../src/mcp/facts-app.js';
import { browserUnavailable, launchBrowser } from '../helpers/browser.js';
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
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setContent('<!doctype html><html><body><iframe id="app" sandbox="allow-scripts" style="width:400px;height:900px"></iframe></body></html>');
    await page.evaluate(`(${HOST_SCRIPT})(${JSON.stringify({ html: appHtml, toolResult: result })})`);

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
});
