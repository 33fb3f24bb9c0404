/**
 * The long fuzzing run: drives a real Larder (`npm start`'s process, with the bundled
 * catalog, on SQLite, or on PostgreSQL when LARDER_TEST_DATABASE_URL names one) with N
 * hostile requests over every route of /openapi.json, every page and every OAuth endpoint
 * (see test/fuzz/), and prints the figures: requests sent, 5xx answers, errors that are not
 * JSON where JSON is due, pages that are not HTML, requests left unanswered, whether the
 * server is still up, and the seed that reproduces the run.
 *
 *   npm run build && node dist/bench/fuzz.js [REQUESTS] [--seed N] [--concurrency C] [--only INDEX]
 *
 * REQUESTS defaults to 5000. --only replays one request of a seeded run (with its answer).
 * The exit code is 1 when anything was found, so the run can gate a release.
 */
import { randomSeed } from '../test/fuzz/prng.js';
import { createFuzzAccounts, describeReport, fuzzEndpoints, prepareFuzzContext, runFuzzer, type FuzzAccounts } from '../test/fuzz/fuzzer.js';
import { buildRequest } from '../test/fuzz/requests.js';
import { rawRequest } from '../test/http/raw-http.js';
import { startLarderProcess } from '../test/http/larder-process.js';

function parseArguments(argv: string[]): { requests: number; seed: number; concurrency: number; only: number | undefined } {
  let requests = 5000;
  let seed: number | undefined;
  let concurrency = 6;
  let only: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const text = argv[++i];
      if (text === undefined || !/^\d+$/.test(text)) usage(`${arg} needs a whole number`);
      return Number(text);
    };
    if (arg === '--seed') seed = value();
    else if (arg === '--concurrency') concurrency = Math.max(1, value());
    else if (arg === '--only') only = value();
    else if (arg === '--help' || arg === '-h') usage();
    else if (/^\d+$/.test(arg)) requests = Number(arg);
    else usage(`unknown argument ${arg}`);
  }
  return { requests, seed: seed ?? randomSeed(), concurrency, only };
}

function usage(problem?: string): never {
  if (problem) process.stderr.write(`${problem}\n`);
  process.stderr.write('usage: node dist/bench/fuzz.js [REQUESTS] [--seed N] [--concurrency C] [--only INDEX]\n');
  process.exit(problem ? 2 : 0);
}

async function main(): Promise<void> {
  const { requests, seed, concurrency, only } = parseArguments(process.argv.slice(2));
  let accounts: FuzzAccounts | undefined;
  const larder = await startLarderProcess({
    env: { LARDER_BUNDLED_CATALOG: 'true', LARDER_QUOTA_PRO: '100000000', LOG_LEVEL: 'warn', METRICS_TOKEN: 'fuzz-metrics-token-0123456789' },
    prepare: async (database) => {
      accounts = await createFuzzAccounts(database.db);
    },
  });
  try {
    const context = await prepareFuzzContext(larder.baseUrl, accounts!);
    const endpoints = await fuzzEndpoints(larder.baseUrl);
    process.stdout.write(`fuzzing ${larder.baseUrl} (${larder.database.config.kind}) with seed ${seed}: ${only !== undefined ? `request #${only} only` : `${requests} requests`}, ${endpoints.length} endpoints, ${concurrency} at a time\n`);
    if (only !== undefined) {
      const request = buildRequest(seed, only, endpoints, context);
      process.stdout.write(`--- request #${only} (${request.strategies.join('; ') || 'well-formed'}):\n${request.bytes.toString('latin1').slice(0, 4000)}\n`);
      const response = await rawRequest(context.port, request.bytes, request.complete ? {} : { hangUpAfterMs: 100 });
      process.stdout.write(`--- answer:\n${response.raw.slice(0, 4000) || `(none: ${response.failure})`}\n`);
    }
    const report = await runFuzzer({ context, endpoints, seed, requests, concurrency, ...(only !== undefined ? { only } : {}) });
    const errorLines = larder.stdout.filter((line) => /"level":(50|60)/.test(line));
    process.stdout.write(`${describeReport(report)}\n  error-level log lines: ${errorLines.length}; process alive: ${larder.alive()}\n`);
    for (const line of errorLines.slice(0, 5)) process.stdout.write(`    ${line.slice(0, 400)}\n`);
    const clean = report.findings.length === 0 && report.serverUp && errorLines.length === 0 && larder.alive();
    process.exitCode = clean ? 0 : 1;
  } finally {
    await larder.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`fuzz run failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
