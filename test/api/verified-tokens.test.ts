import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { tokenKey } from '../../src/api/verified-tokens.js';
import { hashModelId } from '../../src/oauth/adapter.js';

test('a cached token is keyed exactly as the adapter and the change feed name it', () => {
  const values = ['', 'a', 'é-ü-漢字', ...Array.from({ length: 50 }, (_, i) => randomBytes(i + 1).toString('base64url'))];
  for (const value of values) assert.equal(tokenKey(value), hashModelId(value), value);
});
