/**
 * What counting searches without a close match (src/catalog/search-misses.ts) costs a
 * search: Catalog.searchFoods over the bundled catalog with and without the counter, the
 * two alternating round by round in one process, on the judged queries of every set
 * (many of which find no close match, so the counter does its work).
 *
 *   npm run build && node dist/bench/search-misses.js [--rounds 15]
 *
 * Reported: each side's median round time, the ratio (counter / none), and the time of the
 * one write that stores all the counts afterwards (which runs off the search path, every
 * 30 s in a server).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Catalog } from '../src/catalog/catalog.js';
import { SearchMissCounter } from '../src/catalog/search-misses.js';
import { openDatabase } from '../src/db/index.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { readSearchSets } from './search-sets.js';

function judgedQueries(): string[] {
  return readSearchSets().flatMap((set) => set.judgments.map((j) => j.query));
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
  const rounds = Number(values.rounds);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'larder-bench-misses-'));
  const database = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'larder.db') });
  try {
    await migrateToLatest(database.db);
    const plain = new Catalog(database.db);
    await plain.loadBundledIfNeeded();
    await plain.refresh();
    const counter = new SearchMissCounter(database.db);
    const counted = new Catalog(database.db, undefined, counter);
    await counted.refresh();
    const queries = judgedQueries();
    let misses = 0;
    for (const query of queries) if (!(await plain.searchFoods(query, 3)).closeMatch) misses++;

    // Each query's best time over the rounds: its own cost, other processes' time slices aside.
    const best = { none: new Array<number>(queries.length).fill(Infinity), counter: new Array<number>(queries.length).fill(Infinity) };
    const round = async (catalog: Catalog, into: number[]): Promise<number> => {
      const started = performance.now();
      for (let q = 0; q < queries.length; q++) {
        const at = performance.now();
        await catalog.searchFoods(queries[q]!, 3);
        into[q] = Math.min(into[q]!, performance.now() - at);
      }
      return performance.now() - started;
    };
    // Warm both (JIT, the index's word caches), then alternate so load on the machine falls on both.
    await round(plain, []);
    await round(counted, []);
    const times = { none: [] as number[], counter: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) {
        times.none.push(await round(plain, best.none));
        times.counter.push(await round(counted, best.counter));
      } else {
        times.counter.push(await round(counted, best.counter));
        times.none.push(await round(plain, best.none));
      }
    }
    // What the counter itself adds to a search without a close match: note() alone.
    const missed = queries;
    const noteCounter = new SearchMissCounter(database.db);
    const notes = 100_000;
    const noteStarted = performance.now();
    for (let i = 0; i < notes; i++) noteCounter.note(missed[i % missed.length]!);
    const noteUs = ((performance.now() - noteStarted) / notes) * 1000;
    const writeStarted = performance.now();
    await counter.close();
    const writeMs = performance.now() - writeStarted;
    const rows = Number((await database.db.selectFrom('search_misses').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    const none = median(times.none);
    const withCounter = median(times.counter);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    console.log(`${queries.length} judged queries per round (${misses} without a close match), ${rounds} rounds each, alternating; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`);
    console.log(`median round: without the counter ${none.toFixed(1)} ms, with it ${withCounter.toFixed(1)} ms, ratio ${(withCounter / none).toFixed(3)}`);
    console.log(`sum of each query's best time: without ${sum(best.none).toFixed(1)} ms, with ${sum(best.counter).toFixed(1)} ms, ratio ${(sum(best.counter) / sum(best.none)).toFixed(3)}`);
    console.log(`note() alone: ${noteUs.toFixed(2)} µs a call; a search averages ${((sum(best.none) / queries.length) * 1000).toFixed(0)} µs (best of rounds)`);
    console.log(`the one write of all counts (${rows} distinct queries, ${misses * (rounds + 1)} searches): ${writeMs.toFixed(1)} ms, off the search path`);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
