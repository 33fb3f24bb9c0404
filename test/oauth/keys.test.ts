import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { generateSigningKey, loadProviderKeys, signingKeysPath } from '../../src/oauth/keys.js';

describe('signing and cookie keys', () => {
  test('the first start creates a private keys file; later starts read the same keys', () => {
    const storageDir = mkdtempSync(path.join(os.tmpdir(), 'larder-keys-'));
    try {
      const first = loadProviderKeys({ storageDir, signingKeys: undefined });
      assert.equal(first.source, 'file');
      assert.equal(statSync(signingKeysPath(storageDir)).mode & 0o777, 0o600);
      const second = loadProviderKeys({ storageDir, signingKeys: undefined });
      assert.deepEqual(second.jwks, first.jwks);
      assert.deepEqual(second.cookieKeys, first.cookieKeys);
    } finally {
      rmSync(storageDir, { recursive: true, force: true });
    }
  });

  test('LARDER_SIGNING_KEYS replaces the file, and bad values are reported by name', () => {
    const jwks = JSON.stringify({ keys: [generateSigningKey()] });
    const config = loadConfig({ LARDER_SIGNING_KEYS: jwks, LARDER_STORAGE: '/nonexistent/never-written' }, { readEnvFile: false });
    const keys = loadProviderKeys(config);
    assert.equal(keys.source, 'environment');
    assert.equal(keys.cookieKeys.length, 1);
    assert.throws(() => loadConfig({ LARDER_SIGNING_KEYS: '{"keys": []}' }, { readEnvFile: false }), (error: unknown) => error instanceof ConfigError && /LARDER_SIGNING_KEYS/.test(error.message));
    const publicOnly = JSON.parse(jwks) as { keys: Array<Record<string, unknown>> };
    delete publicOnly.keys[0]!.d;
    assert.throws(() => loadProviderKeys({ storageDir: '/tmp', signingKeys: JSON.stringify(publicOnly) }), /private key/);
  });
});
