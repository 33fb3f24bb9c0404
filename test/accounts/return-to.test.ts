import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { safeReturnTo } from '../../src/accounts/return-to.js';
import { loginUrl } from '../../src/accounts/session.js';

describe('return_to', () => {
  test('local paths are kept as they are', () => {
    for (const path of ['/', '/account', '/interaction/abc-123', '/catalog?q=egg%20white&x=1', '/a/b#c']) assert.equal(safeReturnTo(path), path);
  });

  test('characters a Location header cannot carry come back percent-encoded, on the same path', () => {
    assert.equal(safeReturnTo('/catalog?date=２０２６'), '/catalog?date=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96');
    assert.equal(safeReturnTo('/catalog/crème-brûlée'), '/catalog/cr%C3%A8me-br%C3%BBl%C3%A9e');
    for (const path of ['/catalog?date=２０２６', '/a/é#ß']) assert.match(safeReturnTo(path)!, /^[\x21-\x7e]+$/);
  });

  test('other hosts, schemes and browser-normalised tricks are refused', () => {
    const attempts = ['//evil.com', '///evil.com', 'https://evil.com', 'http:/evil.com', '/\\evil.com', '\\\\evil.com', 'javascript:alert(1)', 'evil.com', '/\t/evil.com', '/\n/evil.com', ' /account', '', undefined, 42, ['/account'], '/' + 'a'.repeat(2000)];
    for (const attempt of attempts) assert.equal(safeReturnTo(attempt), undefined, JSON.stringify(attempt));
  });

  test('loginUrl encodes a local path and drops anything else', () => {
    assert.equal(loginUrl('/interaction/abc'), '/login?return_to=%2Finteraction%2Fabc');
    assert.equal(loginUrl('/catalog?q=a&b=c'), '/login?return_to=%2Fcatalog%3Fq%3Da%26b%3Dc');
    assert.equal(loginUrl('https://evil.com'), '/login');
    assert.equal(loginUrl('//evil.com'), '/login');
  });
});
