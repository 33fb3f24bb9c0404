import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLarderProcess, type LarderProcess } from '../http/larder-process.js';
import { createFuzzAccounts, describeReport, fuzzEndpoints, prepareFuzzContext, runFuzzer, type FuzzAccounts, type FuzzReport } from './fuzzer.js';
import { randomSeed } from './prng.js';

/**
 * The bounded fuzzing run of CI (bench/fuzz.ts is the long one). A new seed each run,
 * printed; LARDER_FUZZ_SEED=N repeats a run, LARDER_FUZZ_REQUESTS=N changes its length.
 */
const SEED = process.env.LARDER_FUZZ_SEED ? Number(process.env.LARDER_FUZZ_SEED) : randomSeed();
const REQUESTS = process.env.LARDER_FUZZ_REQUESTS ? Number(process.env.LARDER_FUZZ_REQUESTS) : 1500;

describe(`hostile requests over every route, page and OAuth endpoint (seed ${SEED})`, () => {
  let larder: LarderProcess;
  let report: FuzzReport;
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
    report = await runFuzzer({ context, endpoints, seed: SEED, requests: REQUESTS });
    process.stdout.write(`# ${describeReport(report).split('\n').join('\n# ')}\n`);
  });
  after(async () => larder?.close());

  const replay = () => `replay: node dist/bench/fuzz.js ${REQUESTS} --seed ${SEED} (one request: --only INDEX)\n${describeReport(report)}`;

  test('every request was sent and the server is still up', () => {
    assert.equal(report.sent, REQUESTS);
    assert.ok(report.serverUp, replay());
    assert.ok(larder.alive(), 'the process is still running');
  });

  test('no answer is a 5xx, and every whole request gets an answer', () => {
    assert.equal(report.problems['server error (5xx)'], 0, replay());
    assert.equal(report.problems['no answer'], 0, replay());
  });

  test('errors are JSON {error, error_description} where JSON is due, pages get HTML, nothing shows a stack trace', () => {
    assert.equal(report.problems['not JSON where JSON is due'], 0, replay());
    assert.equal(report.problems['not HTML where a page is due'], 0, replay());
    assert.equal(report.problems['stack trace in the body'], 0, replay());
  });

  test('no API answer may be cached', () => {
    assert.equal(report.problems['cacheable API answer'], 0, replay());
  });

  test('nothing the fuzzer sent was an error in the log, and nothing went around the logger', () => {
    const errors = larder.stdout.filter((line) => /"level":(50|60)/.test(line));
    assert.deepEqual(errors, [], replay());
    assert.deepEqual(larder.stderr, []);
  });
});
