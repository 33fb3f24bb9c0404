/**
 * Search benchmark: relevance and latency of Larder's in-memory index against a
 * baseline run in the same process, SQLite FTS5 with bm25 over the same names.
 *
 *   npm run build && node dist/bench/search.js [--quality] [--no-food-synonyms]
 *
 * `--quality` prints relevance only. `--no-food-synonyms` takes away the index's WordNet names of
 * foods (data/food-synonyms.txt, which the search uses by default), to measure what they add.
 * Latency is timed on the judged queries (every set's),
 * each search's wall time, and each query's best round (its own cost, the machine's load aside). Catalogs: the bundled 8,789 foods, and 100,000 foods
 * made of the same foods repeated with variations (brand, pack, preparation words), as a
 * large catalog would be.
 */
import os from 'node:os';
import SQLite from 'better-sqlite3';
import { readBundledCatalog } from '../src/catalog/bundled.js';
import { foodIdFor } from '../src/catalog/slug.js';
import { FoodSearchIndex, type FoodSearchIndexOptions, type IndexableFood } from '../src/catalog/search/index.js';
import { measureSearch, type SearchOutcome } from '../test/helpers/search-eval.js';
import { readSearchSets } from './search-sets.js';

type Searcher = (query: string) => SearchOutcome;

const withoutFoodSynonyms = process.argv.includes('--no-food-synonyms');

const SETS = readSearchSets();
const queries = SETS.flatMap((set) => set.judgments.map((j) => j.query));

function fts5Baseline(foods: IndexableFood[]): { search: Searcher; buildMs: number } {
  const started = performance.now();
  const db = new SQLite(':memory:');
  db.exec("CREATE VIRTUAL TABLE names USING fts5(id UNINDEXED, name, tokenize = 'porter unicode61')");
  const insert = db.prepare('INSERT INTO names (id, name) VALUES (?, ?)');
  db.transaction(() => {
    for (const food of foods) insert.run(food.id, food.name);
  })();
  const select = db.prepare('SELECT id FROM names WHERE names MATCH ? ORDER BY bm25(names) LIMIT 3');
  const buildMs = performance.now() - started;
  const search: Searcher = (query) => {
    const tokens = query.toLowerCase().match(/[a-z0-9]+/g) ?? [];
    if (tokens.length === 0) return { ids: [] };
    // All words (the last one as a prefix, as typed); if nothing has them all, any word.
    const quoted = tokens.map((t, i) => `"${t}"${i === tokens.length - 1 ? '*' : ''}`);
    let rows = select.all(quoted.join(' ')) as Array<{ id: string }>;
    if (rows.length === 0) rows = select.all(quoted.join(' OR ')) as Array<{ id: string }>;
    return { ids: rows.map((r) => r.id) };
  };
  return { search, buildMs };
}

function larderIndex(foods: IndexableFood[], expansionCacheSize?: number): { search: Searcher; buildMs: number } {
  const started = performance.now();
  const options: FoodSearchIndexOptions = expansionCacheSize === undefined ? {} : { expansionCacheSize };
  if (withoutFoodSynonyms) options.foodSynonyms = false;
  const index = new FoodSearchIndex(foods, options);
  const buildMs = performance.now() - started;
  return {
    search: (query) => {
      const result = index.search(query, 3);
      return { ids: result.hits.map((h) => h.id), noCloseMatch: !result.closeMatch };
    },
    buildMs,
  };
}

interface Latency {
  /** Over every timed search: what a caller sees on this machine now, preemptions included. */
  medianUs: number;
  p99Us: number;
  /** Over each query's fastest round: the search's own cost, without the other processes' time slices. */
  bestMedianUs: number;
  bestP99Us: number;
}

/**
 * Times the searchers over the query mix, alternating them round by round (A, B, A, B, …)
 * so that a burst of load elsewhere on the machine falls on both.
 */
function latencies(searchers: Searcher[], rounds: number): Latency[] {
  for (const search of searchers) for (const q of queries) search(q); // warm up
  const samples = searchers.map(() => [] as number[]);
  const best = searchers.map(() => new Array<number>(queries.length).fill(Infinity));
  for (let round = 0; round < rounds; round++) {
    searchers.forEach((search, s) => {
      queries.forEach((q, i) => {
        const started = process.hrtime.bigint();
        search(q);
        const us = Number(process.hrtime.bigint() - started) / 1000;
        samples[s]!.push(us);
        if (us < best[s]![i]!) best[s]![i] = us;
      });
    });
  }
  const percentile = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  };
  return searchers.map((_, s) => ({
    medianUs: percentile(samples[s]!, 0.5),
    p99Us: percentile(samples[s]!, 0.99),
    bestMedianUs: percentile(best[s]!, 0.5),
    bestP99Us: percentile(best[s]!, 0.99),
  }));
}

const VARIATIONS = ['store brand', 'organic', 'family pack', 'value size', 'club pack', 'deli style', 'restaurant style', 'homestyle', 'classic', 'original', 'select', 'premium'];

function largeCatalog(base: IndexableFood[], size: number): IndexableFood[] {
  const foods: IndexableFood[] = [...base];
  for (let i = 0; foods.length < size; i++) {
    const food = base[i % base.length]!;
    const variation = `${VARIATIONS[i % VARIATIONS.length]} ${Math.floor(i / base.length) + 1}`;
    foods.push({ ...food, id: `${food.id}-v${i}`, name: `${food.name}, ${variation}`, foodGroup: food.foodGroup });
  }
  return foods;
}

/** `--misses`: each non-blind set's misses, for tuning (blind sets' misses are never printed). */
const showMisses = process.argv.includes('--misses');

function printMisses(quality: ReturnType<typeof measureSearch>): void {
  for (const m of quality.misses) console.log(`    miss: ${m.query} -> ${m.got.join(' ')} (want ${m.expected.slice(0, 4).join(' ')})`);
  for (const m of quality.notFirst) console.log(`    not first: ${m.query} -> ${m.got.join(' ')}`);
  for (const m of quality.wronglySignalled) console.log(`    wrongly no-match: ${m.query} -> ${m.got.join(' ')}`);
  for (const m of quality.unsignalled) console.log(`    absent not signalled: ${m.query} -> ${m.got.join(' ')}`);
}

const percent = (share: number) => `${(share * 100).toFixed(0)}%`;

function relevance(ours: Searcher, baseline: Searcher, sets: typeof SETS): void {
  for (const set of sets) {
    const a = measureSearch(set.judgments, ours);
    const b = measureSearch(set.judgments, baseline);
    let line =
      `${set.name} (${set.judgments.length} queries): success@1 Larder ${a.successAt1.toFixed(3)} vs FTS5 ${b.successAt1.toFixed(3)}; ` +
      `success@3 Larder ${a.successAt3.toFixed(3)} vs FTS5 ${b.successAt3.toFixed(3)}`;
    if (a.noMatchQueries > 0) line += `; ${a.noMatchQueries} absent foods: ${percent(a.noMatchSignalled)} told no close match`;
    line += `; no-close-match on ${percent(a.falseSignal)} of the ${a.queries} present foods`;
    console.log(line);
    if (showMisses && !set.blind) printMisses(a);
  }
}

function report(label: string, foods: IndexableFood[], withRelevance: boolean, rounds: number): void {
  const ours = larderIndex(foods);
  const uncached = larderIndex(foods, 0);
  const baseline = fts5Baseline(foods);
  console.log(`\n## ${label}: ${foods.length.toLocaleString('en-US')} foods`);
  console.log(`index build: Larder ${ours.buildMs.toFixed(0)} ms, FTS5 ${baseline.buildMs.toFixed(0)} ms`);
  if (withRelevance) relevance(ours.search, baseline.search, SETS);
  if (rounds === 0) return;
  const [a, c, b] = latencies([ours.search, uncached.search, baseline.search], rounds) as [Latency, Latency, Latency];
  const line = (name: string, l: Latency) =>
    `${name}: median ${l.medianUs.toFixed(1)} µs, p99 ${l.p99Us.toFixed(0)} µs; each query's best of ${rounds}: median ${l.bestMedianUs.toFixed(1)} µs, p99 ${l.bestP99Us.toFixed(0)} µs`;
  console.log(`latency over ${queries.length} distinct queries x ${rounds} rounds, alternating (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores):`);
  console.log(`  ${line('Larder', a)}`);
  console.log(`  ${line('Larder, no word cache', c)}`);
  console.log(`  ${line('FTS5', b)}`);
  console.log(
    `  ratio Larder/FTS5: median ${(a.medianUs / b.medianUs).toFixed(2)}, p99 ${(a.p99Us / b.p99Us).toFixed(2)}; ` +
      `best-of median ${(a.bestMedianUs / b.bestMedianUs).toFixed(2)}, best-of p99 ${(a.bestP99Us / b.bestP99Us).toFixed(2)}; ` +
      `without the word cache: best-of median ${(c.bestMedianUs / b.bestMedianUs).toFixed(2)}, best-of p99 ${(c.bestP99Us / b.bestP99Us).toFixed(2)}`,
  );
}

const qualityOnly = process.argv.includes('--quality') || showMisses;
const bundled: IndexableFood[] = readBundledCatalog().map((f) => ({ ...f, id: foodIdFor(f.dataset, f.sourceId) }));
console.log(`Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
report('bundled catalog', bundled, true, qualityOnly ? 0 : 10);
if (!qualityOnly) {
  report('large catalog', largeCatalog(bundled, 100_000), false, 5);
  console.log(`\nmemory: rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB after both`);
}
