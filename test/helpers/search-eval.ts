import { readFileSync } from 'node:fs';

/** One judged query: the SR28 NDB numbers a person would accept as the top answer. */
export interface Judgment {
  query: string;
  expected: string[];
  note?: string;
}

export interface SearchQuality {
  queries: number;
  successAt1: number;
  successAt3: number;
  /** Queries whose top 3 held no accepted food, with what came back. */
  misses: Array<{ query: string; got: string[]; expected: string[] }>;
  /** Queries whose first result was not accepted, though one of the top 3 was. */
  notFirst: Array<{ query: string; got: string[]; expected: string[] }>;
}

export function readJudgments(file: string): Judgment[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Judgment[];
  if (!Array.isArray(parsed) || parsed.some((j) => typeof j.query !== 'string' || !Array.isArray(j.expected) || j.expected.length === 0)) {
    throw new Error(`${file}: every entry needs a query and a non-empty expected list`);
  }
  return parsed;
}

/**
 * success@k: the share of queries with an accepted food among the first k results.
 * `search` returns food ids; SR28 foods have the id `sr-` + NDB number.
 */
export function measureSearch(judgments: Judgment[], search: (query: string) => string[]): SearchQuality {
  let at1 = 0;
  let at3 = 0;
  const misses: SearchQuality['misses'] = [];
  const notFirst: SearchQuality['notFirst'] = [];
  for (const judgment of judgments) {
    const accepted = new Set(judgment.expected.map((ndb) => `sr-${ndb}`));
    const got = search(judgment.query).slice(0, 3);
    const first = got[0] !== undefined && accepted.has(got[0]);
    const inTop3 = got.some((id) => accepted.has(id));
    if (first) at1++;
    if (inTop3) at3++;
    else misses.push({ query: judgment.query, got, expected: judgment.expected });
    if (inTop3 && !first) notFirst.push({ query: judgment.query, got, expected: judgment.expected });
  }
  const n = judgments.length;
  return { queries: n, successAt1: n ? at1 / n : 0, successAt3: n ? at3 / n : 0, misses, notFirst };
}
