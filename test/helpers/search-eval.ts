import { readFileSync } from 'node:fs';

/**
 * One judged query: the SR28 NDB numbers a person would accept as the top answer, or
 * (`expectNoMatch`) none: a food the catalog lacks, where the right answer is to say so.
 */
export interface Judgment {
  query: string;
  expected: string[];
  expectNoMatch?: true;
  note?: string;
}

/** What a searcher returns: food ids best first, and whether it says the best is not a close match. */
export interface SearchOutcome {
  ids: string[];
  /** True when the searcher signals that nothing in the catalog closely matches; a searcher without the signal leaves it out. */
  noCloseMatch?: boolean;
}

export interface SearchQuality {
  /** Queries with accepted foods (what success@k covers). */
  queries: number;
  successAt1: number;
  successAt3: number;
  /** Queries naming a food the catalog lacks. */
  noMatchQueries: number;
  /** Share of those that got the no-close-match signal. */
  noMatchSignalled: number;
  /** Share of the queries with accepted foods that wrongly got the signal. */
  falseSignal: number;
  /** Queries whose top 3 held no accepted food, with what came back. */
  misses: Array<{ query: string; got: string[]; expected: string[] }>;
  /** Queries whose first result was not accepted, though one of the top 3 was. */
  notFirst: Array<{ query: string; got: string[]; expected: string[] }>;
  /** Ordinary queries that got the no-close-match signal. */
  wronglySignalled: Array<{ query: string; got: string[] }>;
  /** Queries for absent foods that did not get the signal. */
  unsignalled: Array<{ query: string; got: string[] }>;
}

interface JudgmentRecord {
  query?: unknown;
  expected?: unknown;
  expect_no_match?: unknown;
  note?: unknown;
}

/**
 * Reads a judged set. Every entry has a query and either a non-empty `expected` list or
 * `"expect_no_match": true` with `"expected": []`.
 */
export function readJudgments(file: string): Judgment[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a JSON array of judgments`);
  return parsed.map((entry: JudgmentRecord, position) => {
    const where = `${file}: entry ${position + 1}`;
    if (typeof entry.query !== 'string' || entry.query.trim() === '') throw new Error(`${where} needs a query`);
    if (!Array.isArray(entry.expected) || entry.expected.some((id) => typeof id !== 'string')) throw new Error(`${where} needs an expected list of NDB numbers`);
    const noMatch = entry.expect_no_match === true;
    if (entry.expect_no_match !== undefined && typeof entry.expect_no_match !== 'boolean') throw new Error(`${where}: expect_no_match must be true or false`);
    if (noMatch && entry.expected.length > 0) throw new Error(`${where}: expect_no_match entries have an empty expected list`);
    if (!noMatch && entry.expected.length === 0) throw new Error(`${where}: expected is empty without expect_no_match`);
    const judgment: Judgment = { query: entry.query, expected: entry.expected as string[] };
    if (noMatch) judgment.expectNoMatch = true;
    if (typeof entry.note === 'string') judgment.note = entry.note;
    return judgment;
  });
}

/**
 * success@k: the share of queries with an accepted food among the first k results, over
 * the queries that have accepted foods; queries for absent foods are scored apart, as the
 * share that got the no-close-match signal (and the share of the others that got it wrongly).
 * `search` returns food ids; SR28 foods have the id `sr-` + NDB number.
 */
export function measureSearch(judgments: Judgment[], search: (query: string) => SearchOutcome | string[]): SearchQuality {
  let at1 = 0;
  let at3 = 0;
  let ordinary = 0;
  let absent = 0;
  let signalled = 0;
  let falseSignals = 0;
  const quality: Pick<SearchQuality, 'misses' | 'notFirst' | 'wronglySignalled' | 'unsignalled'> = { misses: [], notFirst: [], wronglySignalled: [], unsignalled: [] };
  for (const judgment of judgments) {
    const result = search(judgment.query);
    const outcome = Array.isArray(result) ? { ids: result } : result;
    const got = outcome.ids.slice(0, 3);
    if (judgment.expectNoMatch) {
      absent++;
      if (outcome.noCloseMatch === true) signalled++;
      else quality.unsignalled.push({ query: judgment.query, got });
      continue;
    }
    ordinary++;
    if (outcome.noCloseMatch === true) {
      falseSignals++;
      quality.wronglySignalled.push({ query: judgment.query, got });
    }
    const accepted = new Set(judgment.expected.map((ndb) => `sr-${ndb}`));
    const first = got[0] !== undefined && accepted.has(got[0]);
    const inTop3 = got.some((id) => accepted.has(id));
    if (first) at1++;
    if (inTop3) at3++;
    else quality.misses.push({ query: judgment.query, got, expected: judgment.expected });
    if (inTop3 && !first) quality.notFirst.push({ query: judgment.query, got, expected: judgment.expected });
  }
  return {
    queries: ordinary,
    successAt1: ordinary ? at1 / ordinary : 0,
    successAt3: ordinary ? at3 / ordinary : 0,
    noMatchQueries: absent,
    noMatchSignalled: absent ? signalled / absent : 0,
    falseSignal: ordinary ? falseSignals / ordinary : 0,
    ...quality,
  };
}
