import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeActivity, parseActivity, searchTextForHistory, serializeActivity } from '../../src/api/activity.js';

const call = (activity: Parameters<typeof describeActivity>[0]['activity'], status = 200) => ({ activity, status, method: 'GET', route: '/api/x' });

describe('history sentences', () => {
  test('each operation says what it did; a log on another day names the day', () => {
    assert.equal(describeActivity(call({ op: 'searchFoods', query: 'latte', matches: 3, close_match: false })), "Searched 'latte' (no close match)");
    assert.equal(describeActivity(call({ op: 'searchFoods', query: 'banana', matches: 3 })), "Searched 'banana'");
    assert.equal(describeActivity(call({ op: 'addDiaryEntry', food: 'Bananas, raw', amount: '118 g', meal: 'breakfast', date: '2026-12-01' }), '2026-12-01'), 'Logged Bananas, raw, 118 g at breakfast');
    assert.equal(describeActivity(call({ op: 'addDiaryEntry', food: 'Bananas, raw', amount: '118 g', meal: 'breakfast', date: '2026-11-30' }), '2026-12-01'), 'Logged Bananas, raw, 118 g at breakfast on 2026-11-30');
    assert.equal(describeActivity(call({ op: 'listDiaryEntries', date: '2026-12-01' })), 'Read the diary for 2026-12-01');
    assert.equal(describeActivity(call({ op: 'addDiaryEntry' }, 429)), 'Tried to log a food: the daily limit was used up');
    assert.equal(describeActivity(call({ op: 'getMe' }, 403)), 'Tried to read your name and plan: it was not allowed to');
    assert.equal(describeActivity(call(undefined)), 'Used GET /api/x');
  });

  test('a search keeps 60 characters at most, and nothing that looks like a token', () => {
    assert.equal(searchTextForHistory('  banana   bread '), 'banana bread');
    assert.equal(searchTextForHistory('banana lc_9yF_0huqb8rjFuNFbiDnkA'), 'banana …');
    assert.equal(searchTextForHistory('chickenbreastroastedskinless'), 'chickenbreastroastedskinless', 'long words without digits are words');
    assert.equal(searchTextForHistory('a'.repeat(100)).length, 60);
    // Asked again (the second answer comes from the texts kept for repeated searches): the same text.
    assert.equal(searchTextForHistory('banana lc_9yF_0huqb8rjFuNFbiDnkA'), 'banana …');
    for (let i = 0; i < 600; i++) searchTextForHistory(`query ${i}`);
    assert.equal(searchTextForHistory('  banana   bread '), 'banana bread', 'after more distinct searches than are kept');
  });

  test('stored as JSON with known fields only, and read back', () => {
    const stored = serializeActivity({ op: 'searchFoods', query: 'x'.repeat(90), matches: 2, close_match: false, ...({ token: 'secret' } as object) });
    assert.ok(stored && !stored.includes('secret'));
    assert.deepEqual(parseActivity(stored), { op: 'searchFoods', query: `${'x'.repeat(59)}…`, matches: 2, close_match: false });
    assert.equal(parseActivity('{"op":"orderPizza"}'), undefined);
    assert.equal(parseActivity('not json'), undefined);
    assert.equal(serializeActivity(undefined), null);
    // An operation alone (reading your profile) is stored as the operation alone, unknown fields dropped.
    assert.equal(serializeActivity({ op: 'getMe' }), '{"op":"getMe"}');
    assert.equal(serializeActivity({ op: 'getMe', ...({ token: 'secret' } as object) }), '{"op":"getMe"}');
    assert.equal(serializeActivity({ op: 'listDiaryEntries', date: '2026-12-01' }), '{"op":"listDiaryEntries","date":"2026-12-01"}');
  });
});
