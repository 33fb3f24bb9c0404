/**
 * The judged search sets, one list for every benchmark that runs them (bench/search.ts,
 * bench/search-misses.ts). `blind` sets were written by someone who never saw the ranking
 * and are kept out of tuning: only their figures are printed, never their misses.
 */
import path from 'node:path';
import { repoRoot } from '../test/helpers/paths.js';
import { readJudgments, type Judgment } from '../test/helpers/search-eval.js';

export interface JudgedSet {
  name: string;
  file: string;
  blind: boolean;
}

export const SEARCH_SETS: readonly JudgedSet[] = [
  { name: 'judged', file: path.join(repoRoot, 'test', 'catalog', 'search-judgments.json'), blind: false },
  { name: 'held-out', file: path.join(repoRoot, 'bench', 'search-holdout.json'), blind: false },
  { name: 'assistant-style', file: path.join(repoRoot, 'bench', 'search-assistant.json'), blind: false },
  { name: 'tuning (day-logging style)', file: path.join(repoRoot, 'bench', 'search-tuning.json'), blind: false },
  { name: 'new (logging phrasing)', file: path.join(repoRoot, 'bench', 'search-new.json'), blind: false },
  { name: 'everyday (issue 10, third round)', file: path.join(repoRoot, 'bench', 'search-everyday.json'), blind: false },
  { name: 'fresh (issue 10, fourth round)', file: path.join(repoRoot, 'bench', 'search-fresh.json'), blind: false },
  { name: 'probe (issue 10, seventh round)', file: path.join(repoRoot, 'bench', 'search-probe.json'), blind: false },
  { name: 'eighth (issue 10, eighth round)', file: path.join(repoRoot, 'bench', 'search-eighth.json'), blind: false },
  { name: 'eighth, second batch', file: path.join(repoRoot, 'bench', 'search-eighth-b.json'), blind: false },
  { name: 'survey (issue 10, session 14)', file: path.join(repoRoot, 'bench', 'search-survey.json'), blind: false },
  { name: 'day (issue 10; tuned on in session 15)', file: path.join(repoRoot, 'bench', 'search-day.json'), blind: false },
  { name: 'unseen (issue 10; tuned on in session 15)', file: path.join(repoRoot, 'bench', 'search-unseen.json'), blind: false },
  { name: 'blind3 (issue 10, session 13; tuned on from round 9)', file: path.join(repoRoot, 'bench', 'search-blind3.json'), blind: false },
  { name: 'blind4 (issue 10, session 13; tuned on from session 14)', file: path.join(repoRoot, 'bench', 'search-blind4.json'), blind: false },
  { name: 'blind5 (issue 10, session 14; tuned on)', file: path.join(repoRoot, 'bench', 'search-blind5.json'), blind: false },
  { name: 'blind6 (issue 10, session 14; tuned on)', file: path.join(repoRoot, 'bench', 'search-blind6.json'), blind: false },
  { name: 'blind7 (issue 10, session 15)', file: path.join(repoRoot, 'bench', 'search-blind7.json'), blind: true },
];

/** Every set with its judgments read. */
export function readSearchSets(): Array<JudgedSet & { judgments: Judgment[] }> {
  return SEARCH_SETS.map((set) => ({ ...set, judgments: readJudgments(set.file) }));
}
