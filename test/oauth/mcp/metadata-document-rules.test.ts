import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshnessLifetimeMs, isClientIdMetadataUrl, MAX_FRESHNESS_MS, parseClientMetadataDocument } from '../../../src/oauth/client-metadata-document.js';
import { chatGptMetadataDocument } from './sdk-client.js';

test('a metadata document client_id is an https URL with a path, no fragment, credentials or dot segments', () => {
  for (const id of ['https://chatgpt.com/oauth/client.json', 'https://claude.ai/oauth/mcp-oauth-client-metadata', 'https://vscode.dev/oauth/client-metadata.json?v=1']) assert.ok(isClientIdMetadataUrl(id), id);
  for (const id of [
    'http://chatgpt.com/oauth/client.json',
    'https://chatgpt.com',
    'https://chatgpt.com/',
    'https://chatgpt.com/oauth/client.json#x',
    'https://user@chatgpt.com/client.json',
    'https://chatgpt.com/a/../client.json',
    'https://chatgpt.com/a/%2E%2E/client.json',
    'https://chatgpt.com/a b.json',
    `https://example.com/${'x'.repeat(300)}`,
    'lc_abc',
  ]) {
    assert.equal(isClientIdMetadataUrl(id), false, id);
  }
});

test("ChatGPT's published document is accepted as a public client, with its redirect URI and grants", () => {
  const id = 'https://chatgpt.com/oauth/client.json';
  const document = chatGptMetadataDocument(id);
  assert.deepEqual(parseClientMetadataDocument(id, Buffer.from(JSON.stringify(document))), {
    name: 'ChatGPT',
    redirectUris: ['https://chatgpt.com/connector_platform_oauth_redirect'],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['foods:read'],
  });
});

test("VS Code's extra grant types are dropped; a document without a name is named after its host", () => {
  const id = 'https://vscode.dev/oauth/client-metadata.json';
  const parsed = parseClientMetadataDocument(
    id,
    Buffer.from(JSON.stringify({ client_id: id, redirect_uris: ['http://127.0.0.1:33418/', 'https://vscode.dev/redirect'], grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'], token_endpoint_auth_method: 'none' })),
  );
  assert.deepEqual(parsed.grantTypes, ['authorization_code', 'refresh_token']);
  assert.equal(parsed.name, 'vscode.dev');
});

test('freshness follows Cache-Control, Age and Expires, within a day', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  assert.equal(freshnessLifetimeMs({ 'cache-control': 'max-age=600' }, now), 600_000);
  assert.equal(freshnessLifetimeMs({ 'cache-control': 'public, max-age=600', age: '100' }, now), 500_000);
  assert.equal(freshnessLifetimeMs({ 'cache-control': 'max-age=600, s-maxage=60' }, now), 60_000);
  assert.equal(freshnessLifetimeMs({ 'cache-control': 'no-store' }, now), 0);
  assert.equal(freshnessLifetimeMs({ 'cache-control': 'no-cache, max-age=600' }, now), 0);
  assert.equal(freshnessLifetimeMs({ expires: 'Thu, 01 Jan 2026 00:10:00 GMT', date: 'Thu, 01 Jan 2026 00:00:00 GMT' }, now), 600_000);
  assert.equal(freshnessLifetimeMs({ 'cache-control': 'max-age=31536000' }, now), MAX_FRESHNESS_MS);
  assert.equal(freshnessLifetimeMs({}, now), 5 * 60 * 1000);
});
