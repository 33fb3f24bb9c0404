import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readBundledCatalog } from '../../src/catalog/bundled.js';
import { PhraseRewriter, requiredLiterals } from '../../src/catalog/search/phrase-rewriter.js';
import { PHRASE_REWRITES } from '../../src/catalog/search/synonyms.js';
import { normalize } from '../../src/catalog/search/text.js';
import { repoRoot } from '../helpers/paths.js';
import { readJudgments } from '../helpers/search-eval.js';

/**
 * The phrase rewrites are tried only when the text has the literals their patterns need
 * (phrase-rewriter.ts): the text must come out as trying every rewrite in turn does, and
 * every literal read from a pattern must be in every text the pattern matches.
 */
const files = [
  path.join(repoRoot, 'test', 'catalog', 'search-judgments.json'),
  ...readdirSync(path.join(repoRoot, 'bench')).filter((f) => /^search-.*\.json$/.test(f)).map((f) => path.join(repoRoot, 'bench', f)),
];
const judged = [...new Set(files.flatMap((file) => readJudgments(file).map((j) => j.query)))];
const variants = judged.flatMap((q) => [q.toUpperCase(), `a bowl of ${q}`, `${q} with milk`, `${q} and eggs`, q.slice(0, Math.max(1, q.length - 2)), `2 ${q}`]);
const names = readBundledCatalog().map((food) => food.name);
const texts = [...new Set([...judged, ...variants, ...names])].map((q) => normalize(q).replace(/&/g, ' and '));

/** Every rewrite in turn, as parseQuery did before the rewriter. */
function everyRewrite(rewrites: typeof PHRASE_REWRITES, text: string): string {
  for (const [pattern, replacement, needs] of rewrites) if (needs === undefined || text.includes(needs)) text = text.replace(pattern, replacement);
  return text;
}

describe('phrase rewriter', () => {
  test('gives the text trying every rewrite in turn gives, for every judged query, variants of them and every catalog name', () => {
    const rewriter = new PhraseRewriter(PHRASE_REWRITES);
    let rewritten = 0;
    for (const text of texts) {
      const expected = everyRewrite(PHRASE_REWRITES, text);
      assert.equal(rewriter.apply(text), expected, text);
      if (expected !== text) rewritten++;
    }
    assert.ok(texts.length > 20_000, `${texts.length} texts`);
    // The comparison covers texts the rewrites change, not only ones they leave.
    assert.ok(rewritten > 500, `${rewritten} texts rewritten`);
    // Nearly every rewrite is indexed by a literal of its pattern or its `needs`.
    assert.ok(rewriter.alwaysTried < PHRASE_REWRITES.length / 10, `${rewriter.alwaysTried} always looked at`);
  });

  test('every literal clause read from a pattern holds in every text the pattern matches', () => {
    let matched = 0;
    for (const [pattern] of PHRASE_REWRITES) {
      const clauses = requiredLiterals(pattern.source);
      if (clauses === undefined) continue;
      for (const text of texts) {
        if (text.search(pattern) < 0) continue;
        matched++;
        for (const clause of clauses) assert.ok(clause.some((literal) => text.includes(literal)), `${pattern.source} matches "${text}" without any of ${JSON.stringify(clause)}`);
      }
    }
    assert.ok(matched > 500, `${matched} matches checked`);
  });

  test('reads the literals of a pattern: runs, groups, alternation; optional parts, classes and lookarounds left out', () => {
    assert.deepEqual(requiredLiterals(String.raw`\bhot\s*dogs?\b`), [['hot'], ['dog']]);
    assert.deepEqual(requiredLiterals(String.raw`\b(coke|cola)\s+(?:zero|max)\b`), [['coke', 'cola'], ['zero', 'max']]);
    // Of several branches, one clause: each branch's best (its shortest literal longest).
    assert.deepEqual(requiredLiterals(String.raw`\bcorn\s+on\s+cobs?\b|\bcobs?\s+of\s+corn\b`), [['corn']]);
    assert.deepEqual(requiredLiterals(String.raw`(?<!french\s+)\bfries\b(?!\s+sauce)`), [['fries']]);
    assert.deepEqual(requiredLiterals(String.raw`\bmac(?:aroni)?\s*cheese`), [['mac'], ['cheese']]);
    assert.deepEqual(requiredLiterals(String.raw`\bb\.?l\.?t\b`), [['b'], ['l'], ['t']]);
    assert.deepEqual(requiredLiterals(String.raw`pur[eé]+d?\b`), [['pur']]);
    assert.deepEqual(requiredLiterals(String.raw`ab{2}c`), [['ab'], ['c']]);
    // A branch with no literal: no clause from the alternation.
    assert.deepEqual(requiredLiterals(String.raw`(^|\d\s*)toast`), [['toast']]);
    assert.deepEqual(requiredLiterals(String.raw`^\d+|milk`), []);
    // What the reader does not know: none.
    assert.equal(requiredLiterals(String.raw`(\w+) \1`), undefined);
    assert.equal(requiredLiterals(String.raw`(?<name>x)`), undefined);
    assert.equal(requiredLiterals(String.raw`\u00e9clair`), undefined);
  });

  test('applies the rewrites in order, each to what the ones before left', () => {
    const rewriter = new PhraseRewriter([
      [/\bqux\b/g, 'too late'],
      [/\bfoo\b/g, 'bar baz'],
      [/\bbaz\b/g, 'qux'],
      [/\bqux\s+pie\b/g, 'tart', 'pie'],
      [/\bbar\b/g, 'bars', 'zzz'],
    ]);
    // "qux" made by the third is not rewritten by the first; the fourth sees "qux pie".
    assert.equal(rewriter.apply('foo pie'), 'bar tart');
    assert.equal(rewriter.apply('baz'), 'qux');
    assert.equal(rewriter.apply('qux'), 'too late');
    // `needs` absent: not applied even though the pattern matches.
    assert.equal(rewriter.apply('bar'), 'bar');
    assert.equal(rewriter.apply('bar zzz'), 'bars zzz');
    assert.equal(rewriter.apply('nothing here'), 'nothing here');
  });
});
