import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('protected resource metadata (RFC 9728, for MCP clients)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ bundledCatalog: false });
  });
  after(async () => t?.close());

  test('a 401 points at the resource metadata, which names Larder as the authorization server', async () => {
    const denied = await fetch(`${t.baseUrl}/api/foods/search?query=egg`);
    assert.equal(denied.status, 401);
    const challenge = denied.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer /);
    assert.match(challenge, /error="invalid_token"/);
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
    assert.equal(metadataUrl, `${t.config.appUrl}/.well-known/oauth-protected-resource`);
    for (const url of [metadataUrl!, `${t.config.appUrl}/.well-known/oauth-protected-resource/api`]) {
      const metadata = (await (await fetch(url)).json()) as Record<string, unknown>;
      assert.equal(metadata.resource, `${t.config.appUrl}/api`);
      assert.deepEqual(metadata.authorization_servers, [t.config.appUrl]);
      assert.deepEqual(metadata.bearer_methods_supported, ['header']);
    }
    const server = (await (await fetch(`${t.config.appUrl}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
    assert.equal(server.issuer, t.config.appUrl);
  });
});
