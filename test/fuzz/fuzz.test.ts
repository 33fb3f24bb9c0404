import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLarderProcess, type LarderProcess } from '../http/larder-process.js';
import { createFuzzAccounts, describeReport, fuzzEndpoints, prepareFuzzContext, runFuzzer, type FuzzAccounts, type FuzzReport } from './fuzzer.js';
import { randomSeed } from './prng.js';

/**
 * The bounded fuzzing run of the test suite; finding what no seed has found yet is the
 * job of the long runs of bench/fuzz.ts (`node dist/bench/fuzz.js 20000`, a new seed each).
 *
 * - Under CI (CI set): the fixed seeds below, each verified to pass on SQLite and
 *   PostgreSQL, so that a finding nobody has met yet never fails an unrelated change's
 *   CI run. A finding of bench/fuzz.ts is fixed with a regression test of its own.
 * - Elsewhere: a new random seed each run, printed, so that developers' runs keep looking.
 * - LARDER_FUZZ_SEED=N runs that seed only (in CI too), to repeat a run;
 *   LARDER_FUZZ_REQUESTS=N changes the length of each seed's run.
 */
const CI_SEEDS = [4009053275, 37411833, 3650211863];
const SEEDS = process.env.LARDER_FUZZ_SEED ? [Number(process.env.LARDER_FUZZ_SEED)] : process.env.CI ? CI_SEEDS : [randomSeed()];
const REQUESTS = process.env.LARDER_FUZZ_REQUESTS ? Number(process.env.LARDER_FUZZ_REQUESTS) : 1500;

describe(`hostile requests over every route, page and OAuth endpoint (seed ${SEEDS.join(', ')})`, () => {
  let larder: LarderProcess;
  const reports: FuzzReport[] = [];
  before(async () => {
    let accounts: FuzzAccounts | undefined;
    larder = await startLarderProcess({
      env: { LARDER_BUNDLED_CATALOG: 'true', LARDER_QUOTA_PRO: '100000000', LOG_LEVEL: 'warn', METRICS_TOKEN: 'fuzz-metrics-token-0123456789' },
      prepare: async (database) => {
        accounts = await createFuzzAccounts(database.db);
      },
    });
    const context = await prepareFuzzContext(larder.baseUrl, accounts!);
    const endpoints = await fuzzEndpoints(larder.baseUrl);
    for (const seed of SEEDS) {
      const report = await runFuzzer({ context, endpoints, seed, requests: REQUESTS });
      process.stdout.write(`# ${describeReport(report).split('\n').join('\n# ')}\n`);
      reports.push(report);
    }
  });
  after(async () => larder?.close());

  const replay = (report: FuzzReport) => `replay: node dist/bench/fuzz.js ${REQUESTS} --seed ${report.seed} (one request: --only INDEX)\n${describeReport(report)}`;

  test('every request was sent and the server is still up', () => {
    assert.equal(reports.length, SEEDS.length);
    for (const report of reports) {
      assert.equal(report.sent, REQUESTS);
      assert.ok(report.serverUp, replay(report));
    }
    assert.ok(larder.alive(), 'the process is still running');
  });

  test('no answer is a 5xx, and every whole request gets an answer', () => {
    for (const report of reports) {
      assert.equal(report.problems['server error (5xx)'], 0, replay(report));
      assert.equal(report.problems['no answer'], 0, replay(report));
    }
  });

  test('errors are JSON {error, error_description} where JSON is due, pages get HTML, nothing shows a stack trace', () => {
    for (const report of reports) {
      assert.equal(report.problems['not JSON where JSON is due'], 0, replay(report));
      assert.equal(report.problems['not HTML where a page is due'], 0, replay(report));
      assert.equal(report.problems['stack trace in the body'], 0, replay(report));
    }
  });

  test('no API answer may be cached', () => {
    for (const report of reports) assert.equal(report.problems['cacheable API answer'], 0, replay(report));
  });

  test('nothing the fuzzer sent was an error in the log, and nothing went around the logger', () => {
    const errors = larder.stdout.filter((line) => /"level":(50|60)/.test(line));
    assert.deepEqual(errors, [], reports.map(replay).join('\n'));
    assert.deepEqual(larder.stderr, []);
  });
});
