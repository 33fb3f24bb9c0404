/**
 * The hot path at the ceiling (issue 9): what an assistant's API call costs against a bare
 * Fastify reply, and the token endpoint against a bare oidc-provider, in the same run, on
 * SQLite and on PostgreSQL.
 *
 *   npm run build && npm run bench:hot [-- --db=sqlite,postgres --rounds=3 --seconds=3 --only=me,search,... --profile=DIR --json=FILE]
 *
 * Load: wrk -t2 -c32 on 127.0.0.1. The machine has 2 CPUs, shared by the load tool and the
 * server; so every server (the baselines too) runs pinned to CPU 1 with taskset, and wrk
 * (and this parent process, idle while wrk runs) to CPU 0. A server never gets more than
 * one core, whichever it is, and the load tool never competes with it for that core. The
 * PostgreSQL server is the machine's own and is not pinned: on PostgreSQL its backends
 * take CPU time from whichever core is free (usually wrk's), as a database host would add.
 *
 * Alternation: each round measures the bare Fastify baseline, then every Larder path, then
 * the baseline again (the order of the paths reversed every other round); a path's ratio
 * in a round is its throughput over the mean of that round's two baseline runs. The token
 * endpoint alternates the same way against the bare oidc-provider (A B B A, B A A B, ...).
 * The figures are the median ratio over the rounds, with the lowest and highest.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createUser } from '../src/accounts/users.js';
import { readBundledCatalog } from '../src/catalog/bundled.js';
import { loadConfig } from '../src/config.js';
import { createClient } from '../src/oauth/clients.js';
import { createOAuthServer } from '../src/oauth/index.js';
import { OAUTH_ROUTES } from '../src/oauth/provider.js';
import { startServer } from '../src/server.js';
import { createViews } from '../src/views/render.js';
import { freePort, type TestServer } from '../test/helpers/server.js';
import { mintAccessToken } from '../test/helpers/tokens.js';
import { GPT_CALLBACK, PASSWORD } from '../test/oauth/oauth-helpers.js';
import { Child, mint, modelsOf, postgresReachable, profilerHandlers, retarget, serve, signIn, type BareReady, type Handler, type Templates } from './oauth.js';
import { ServerCpu } from './cpu.js';
import { runWrk, type WrkOptions, type WrkResult } from './wrk.js';

const selfPath = fileURLToPath(import.meta.url);
const here = path.dirname(selfPath);
const SERVER_CPU = 1;
const LOAD_CPU = 0;
const SCOPES = ['foods:read', 'diary:read', 'diary:write', 'profile'];
const REPEATED_QUERY = 'chicken breast';
/** Distinct queries in the mix: far more than any result cache Larder keeps, so the mix measures search itself. */
const MIX_QUERIES = 10_000;
const PG_BASE = 'postgres://postgres@127.0.0.1:5432/test';

// ---------------------------------------------------------------------------------------
// Role "larder": Larder as `npm start` runs it (bundled catalog, production mode, logs off),
// a pro person signed in through the real OAuth flow, the quota lifted.

export interface LarderReady {
  baseUrl: string;
  apiResource: string;
  dialect: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  templates: Templates;
  accessToken: string;
  /** An access token for /mcp (its own audience). */
  mcpToken: string;
  foods: number;
}

async function larderRole(): Promise<void> {
  const storage = mkdtempSync(path.join(os.tmpdir(), 'larder-bench-hot-'));
  const port = await freePort();
  const config = loadConfig(
    {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
      LARDER_STORAGE: storage,
      LOG_LEVEL: 'silent',
      LARDER_BUNDLED_CATALOG: 'true',
      // Quota lifted: a phase sends more requests than a day's pro quota. It is still checked on each.
      LARDER_QUOTA_PRO: '1000000000',
      ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
    },
    { readEnvFile: false },
  );
  const server = await startServer(config);
  const db = server.database.db;
  // A second provider over the same database and keys, as another Larder process would be:
  // it mints the codes and refresh tokens the listening server then redeems.
  const { provider, apiResource } = createOAuthServer({ config, db, views: createViews(config.viewsDir) });
  const models = modelsOf(provider);
  const { client, clientSecret } = await createClient(db, { name: 'Bench GPT', redirectUris: [GPT_CALLBACK], scopes: SCOPES });
  const person = await createUser(db, { email: 'pro@example.com', password: PASSWORD, name: 'Pro', plan: 'pro' });
  const signedIn = await signIn(config.appUrl, person.email, client.clientId, clientSecret!, models);
  // A token for /mcp (RFC 8707 audience), as an MCP client gets it: stored like any other.
  const mcpToken = await mintAccessToken({ config, server: { database: { db } } } as unknown as TestServer, {
    user: person,
    clientId: client.clientId,
    resource: `${config.appUrl}/mcp`,
    scopes: SCOPES,
  });

  // Measure the steady state: the catalog read into memory (the server does it in the background).
  await server.catalog.inMemoryNow();
  const handlers: Record<string, Handler> = {
    // A CPU profile of the measured runs only, not of the start-up.
    ...profilerHandlers(),
    mintCodes: async (count: number) => mint(models, 'AuthorizationCode', signedIn.templates, count),
    mintRefreshTokens: async (count: number) => mint(models, 'RefreshToken', signedIn.templates, count),
    stop: async () => {
      await server.stop();
      rmSync(storage, { recursive: true, force: true });
    },
  };
  serve(handlers, {
    baseUrl: config.appUrl,
    apiResource,
    dialect: server.database.dialect,
    clientId: client.clientId,
    clientSecret: clientSecret!,
    redirectUri: GPT_CALLBACK,
    templates: signedIn.templates,
    accessToken: signedIn.accessToken,
    mcpToken,
    foods: server.catalog.size,
  } satisfies LarderReady);
}

// ---------------------------------------------------------------------------------------
// The parent.

interface Options {
  dbs: Array<'sqlite' | 'postgres'>;
  rounds: number;
  seconds: number;
  only: Set<string> | undefined;
  json: string | undefined;
  /** A folder for a CPU profile of the Larder process (node --cpu-prof), written when it stops. */
  profile: string | undefined;
}

const USAGE = 'usage: node dist/bench/hot-path.js [--db=sqlite,postgres] [--rounds=3] [--seconds=3] [--only=health,me,search,mix,mcp,catalog,token] [--json=FILE] [--profile=DIR]';

function parseOptions(argv: string[]): Options {
  // Anything else (--help, a misspelt option) prints the usage rather than starting the
  // several-minute run it would otherwise start with the defaults.
  const unknown = argv.filter((a) => !/^--(db|rounds|seconds|only|json|profile)=/.test(a));
  if (unknown.length > 0) {
    console.error(`${unknown.includes('--help') ? '' : `unknown option ${unknown.join(' ')}\n`}${USAGE}`);
    process.exit(unknown.includes('--help') ? 0 : 2);
  }
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const dbs = (value('db') ?? 'sqlite,postgres').split(',') as Options['dbs'];
  const only = value('only');
  return {
    dbs,
    rounds: Number(value('rounds') ?? 3),
    seconds: Number(value('seconds') ?? 3),
    only: only ? new Set(only.split(',')) : undefined,
    json: value('json'),
    profile: value('profile'),
  };
}

/** A small deterministic generator, so every run sends the same mix. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STOP_WORDS = new Set(['and', 'or', 'with', 'without', 'of', 'in', 'from', 'to', 'the', 'for', 'not', 'ns', 'nfs', 'as', 'by', 'made', 'added', 'type', 'includes']);

/**
 * Distinct queries as people write them, from the bundled catalog's names: one to three of
 * a name's words in its order ("chicken breast roasted", "cheddar"), some with a typo.
 */
export function mixOfQueries(count: number): string[] {
  const random = prng(9);
  const names = readBundledCatalog().map((food) => [...new Set(food.name.toLowerCase().match(/[a-z]+/g) ?? [])].filter((w) => w.length >= 3 && !STOP_WORDS.has(w)));
  const queries = new Set<string>();
  for (let attempts = 0; queries.size < count && attempts < count * 50; attempts++) {
    const words = names[Math.floor(random() * names.length)]!;
    if (words.length === 0) continue;
    const take = Math.min(words.length, 1 + Math.floor(random() * 3));
    const picked = [words[0]!];
    for (let i = 1; i < words.length && picked.length < take; i++) if (random() < take / words.length + 0.2) picked.push(words[i]!);
    if (random() < 0.15) {
      const at = picked.findIndex((w) => w.length >= 5);
      if (at >= 0) {
        const w = picked[at]!;
        const i = 1 + Math.floor(random() * (w.length - 2));
        picked[at] = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
      }
    }
    queries.add(picked.join(' '));
  }
  return [...queries];
}

interface Path {
  key: string;
  label: string;
  url: (base: string) => string;
  paths?: string[];
  /** A POST body (the MCP tool call), with the headers it needs. */
  body?: string;
  headers?: Record<string, string>;
  auth: boolean | 'mcp';
  /** What one answer must be for the path to be measured at all. */
  check: (status: number, body: string) => boolean;
}

function larderPaths(mix: string[]): Path[] {
  const search = (q: string) => `/api/foods/search?query=${encodeURIComponent(q)}`;
  const isFoodList = (status: number, body: string) => status === 200 && (JSON.parse(body) as { data: unknown[] }).data.length > 0;
  return [
    { key: 'health', label: 'GET /health', url: (b) => `${b}/health`, auth: false, check: (s) => s === 200 },
    { key: 'me', label: 'GET /api/me', url: (b) => `${b}/api/me`, auth: true, check: (s, body) => s === 200 && body.includes('"plan":"pro"') },
    { key: 'search', label: `GET /api/foods/search, one query ("${REPEATED_QUERY}")`, url: (b) => `${b}${search(REPEATED_QUERY)}`, auth: true, check: isFoodList },
    {
      key: 'mix',
      label: `GET /api/foods/search, ${mix.length.toLocaleString('en-US')} distinct queries in turn`,
      url: (b) => `${b}${search(mix[0]!)}`,
      paths: mix.map(search),
      auth: true,
      check: (s) => s === 200,
    },
    {
      key: 'mcp',
      label: `POST /mcp tools/call search_foods ("${REPEATED_QUERY}")`,
      url: (b) => `${b}/mcp`,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'search_foods', arguments: { query: REPEATED_QUERY } } }),
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
      auth: 'mcp',
      check: (s, body) => s === 200 && body.includes('"structuredContent"') && !body.includes('"isError":true'),
    },
    {
      key: 'catalog',
      label: `GET /catalog?q=${REPEATED_QUERY} (public page)`,
      url: (b) => `${b}/catalog?q=${encodeURIComponent(REPEATED_QUERY)}`,
      auth: false,
      check: (s, body) => s === 200 && body.includes('/catalog/'),
    },
  ];
}

/** One wrk run, with the CPU time the server (and its database backends) spent per answer. */
interface Run extends WrkResult {
  /** Microseconds of the server process's CPU per answer. */
  serverCpuUs: number;
  /** Microseconds of its PostgreSQL backends' CPU per answer (0 on SQLite). */
  databaseCpuUs: number;
}

interface Measured {
  label: string;
  runs: Run[];
  /** Throughput over the baseline's, one per round. */
  ratios: number[];
  /** The baseline's CPU per answer over this one's (server plus database), one per round. */
  cpuRatios: number[];
}

const cpuPerAnswer = (r: Run) => r.serverCpuUs + r.databaseCpuUs;

const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const failuresOf = (r: WrkResult) => r.statusErrors + r.socketErrors;

/** The bare Fastify baseline: bench/bare-server.js, the same process bench/startup.ts starts, pinned like Larder. */
async function startBareFastify(): Promise<{ baseUrl: string; pid: number; stop: () => void }> {
  const port = await freePort();
  const child = spawn('taskset', ['-c', String(SERVER_CPU), process.execPath, path.join(here, 'bare-server.js')], {
    env: { ...process.env, PORT: String(port) },
    stdio: 'ignore',
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) return { baseUrl, pid: child.pid!, stop: () => child.kill() };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill();
  throw new Error('bare Fastify did not start');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  // This process and wrk share CPU 0; every server runs on CPU 1.
  execFileSync('taskset', ['-a', '-p', '-c', String(LOAD_CPU), String(process.pid)], { stdio: 'ignore' });
  const children: Array<{ kill(): void }> = [];
  process.on('exit', () => children.forEach((child) => child.kill()));
  const wanted = (key: string) => !options.only || options.only.has(key);
  const out: string[] = [];
  const say = (line = '') => {
    out.push(line);
    console.log(line);
  };
  const measure = async (cpu: ServerCpu, o: Omit<WrkOptions, 'cpu'>): Promise<Run> => {
    const before = await cpu.read();
    const result = await runWrk({ cpu: LOAD_CPU, ...o });
    const spent = await cpu.since(before);
    const answers = Math.max(1, result.requests);
    return { ...result, serverCpuUs: spent.server / 1000 / answers, databaseCpuUs: spent.database / 1000 / answers };
  };
  const newMeasured = (label: string): Measured => ({ label, runs: [], ratios: [], cpuRatios: [] });

  if (options.profile) mkdirSync(options.profile, { recursive: true });
  const mix = mixOfQueries(MIX_QUERIES);
  const bareFastify = await startBareFastify();
  children.push({ kill: bareFastify.stop });
  const baselineUrl = `${bareFastify.baseUrl}/health`;
  const baselineCpu = await ServerCpu.of(bareFastify.pid);

  const results: Record<string, { paths: Record<string, Measured>; token: Record<string, Measured>; notes: string[] }> = {};
  for (const dbKind of options.dbs) {
    const passStarted = performance.now();
    const notes: string[] = [];
    let schema: string | undefined;
    const env: Record<string, string> = {};
    if (dbKind === 'postgres') {
      const version = await postgresReachable(PG_BASE);
      if (!version) {
        say('PostgreSQL not reachable at 127.0.0.1:5432: skipped');
        continue;
      }
      schema = `bench_${randomBytes(6).toString('hex')}`;
      env.BENCH_DATABASE_URL = `${PG_BASE}?schema=${schema}`;
      notes.push(`PostgreSQL ${version}, the machine's server (not pinned; its backends' CPU is counted with Larder's)`);
    }
    const larder = new Child<LarderReady>('larder', env, { script: selfPath, cpu: SERVER_CPU });
    children.push(larder);
    const bare = new Child<BareReady>('bare', {}, { script: path.join(here, 'oauth.js'), cpu: SERVER_CPU });
    children.push(bare);
    let larderCpu: ServerCpu | undefined;
    let bareCpu: ServerCpu | undefined;
    try {
      const [l, b] = await Promise.all([larder.ready, bare.ready]);
      larderCpu = await ServerCpu.of(larder.pid, dbKind === 'postgres' ? PG_BASE : undefined);
      bareCpu = await ServerCpu.of(bare.pid);
      console.log(`${dbKind}: Larder up at ${l.baseUrl} (${l.dialect}, ${l.foods} foods), bare oidc-provider at ${b.baseUrl}, set up in ${fmt((performance.now() - passStarted) / 1000, 1)} s`);
      const bearer = { authorization: `Bearer ${l.accessToken}` };

      // --- the API and pages against bare Fastify: B p1 B p2 ... B, each path between two baseline runs.
      const paths = larderPaths(mix).filter((p) => wanted(p.key));
      const headersOf = (p: Path) => ({ ...p.headers, ...(p.auth === 'mcp' ? { authorization: `Bearer ${l.mcpToken}` } : p.auth ? bearer : {}) });
      for (const p of paths) {
        const first = p.paths ? `${l.baseUrl}${p.paths[0]}` : p.url(l.baseUrl);
        const response = await fetch(first, { method: p.body === undefined ? 'GET' : 'POST', body: p.body, headers: headersOf(p) });
        const body = await response.text();
        if (!p.check(response.status, body)) throw new Error(`${p.label}: unexpected answer ${response.status} ${body.slice(0, 300)}`);
      }
      const runPath = (p: Path, seconds: number) => measure(larderCpu!, { url: p.url(l.baseUrl), seconds, headers: headersOf(p), paths: p.paths, body: p.body });
      const runBaseline = (seconds: number) => measure(baselineCpu, { url: baselineUrl, seconds });
      const measured: Record<string, Measured> = { baseline: newMeasured('bare Fastify GET /health (baseline)') };
      for (const p of paths) measured[p.key] = newMeasured(`Larder ${p.label}`);
      if (paths.length > 0) {
        await runBaseline(1);
        for (const p of paths) await runPath(p, 1);
        if (options.profile) await larder.call('profileStart');
        for (let round = 0; round < options.rounds; round++) {
          const order = round % 2 === 0 ? paths : [...paths].reverse();
          let before = await runBaseline(options.seconds);
          measured.baseline!.runs.push(before);
          const line: string[] = [];
          for (const p of order) {
            const run = await runPath(p, options.seconds);
            const after = await runBaseline(options.seconds);
            measured.baseline!.runs.push(after);
            const m = measured[p.key]!;
            m.runs.push(run);
            m.ratios.push(run.rps / ((before.rps + after.rps) / 2));
            m.cpuRatios.push((cpuPerAnswer(before) + cpuPerAnswer(after)) / 2 / cpuPerAnswer(run));
            line.push(`${p.key} ${fmt(m.ratios.at(-1)!, 3)} (cpu ${fmt(m.cpuRatios.at(-1)!, 3)})`);
            before = after;
          }
          console.log(`  round ${round + 1}: ${line.join(', ')}`);
        }
        if (options.profile) await larder.call('profileStop', path.resolve(options.profile, `larder-${dbKind}-paths.cpuprofile`));
      }

      // --- the token endpoint against the bare oidc-provider: A B B A, then B A A B, ...
      const token: Record<string, Measured> = {};
      if (wanted('token')) {
        interface TokenTarget {
          name: 'larder' | 'bare';
          child: Child<unknown>;
          cpu: ServerCpu;
          baseUrl: string;
          clientId: string;
          clientSecret: string;
          redirectUri: string;
          templates: Templates;
        }
        const larderTarget: TokenTarget = { name: 'larder', child: larder as Child<unknown>, cpu: larderCpu, ...l };
        const bareTarget: TokenTarget = { name: 'bare', child: bare as Child<unknown>, cpu: bareCpu, ...b, templates: retarget(l.templates, l, b) };
        const expectedRate: Record<string, number> = {};
        let profiling = false;
        let profiles = 0;
        const tokenRun = async (target: TokenTarget, grant: 'authorization_code' | 'refresh_token', seconds: number): Promise<Run> => {
          const key = `${target.name}:${grant}`;
          for (let attempt = 0; ; attempt++) {
            // Each request redeems its own code or refresh token: mint more than the phase can use.
            const count = Math.ceil((expectedRate[key] ?? 3000) * seconds * (2.5 + attempt)) + 200;
            const minted = await target.child.call<string[]>(grant === 'authorization_code' ? 'mintCodes' : 'mintRefreshTokens', count, target.templates);
            const auth = { client_id: target.clientId, client_secret: target.clientSecret };
            const bodies = minted.map((value) =>
              new URLSearchParams(
                grant === 'authorization_code' ? { grant_type: grant, code: value, redirect_uri: target.redirectUri, ...auth } : { grant_type: grant, refresh_token: value, ...auth },
              ).toString(),
            );
            // Profiled around the run only: minting happens in the same process between runs.
            if (profiling) await target.child.call('profileStart');
            const run = await measure(target.cpu, {
              url: `${target.baseUrl}${OAUTH_ROUTES.token}`,
              seconds,
              headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
              bodies,
            });
            if (profiling) await target.child.call('profileStop', path.resolve(options.profile!, `${target.name}-${dbKind}-${grant}-${++profiles}.cpuprofile`));
            expectedRate[key] = Math.max(expectedRate[key] ?? 0, run.rps);
            if (run.firstFailure || process.env.BENCH_VERBOSE) console.log(`  ${key} attempt ${attempt}: ${run.statusErrors} refused of ${run.requests} (${bodies.length} bodies, ${fmt(run.rps)}/s)${run.firstFailure ? `, first: ${run.firstFailure}` : ''}`);
            if ((run.requests <= bodies.length && run.statusErrors === 0) || attempt >= 2) return run;
          }
        };
        // One request of each kind first, answered as it must be, or nothing is measured.
        for (const target of [bareTarget, larderTarget]) {
          for (const grant of ['authorization_code', 'refresh_token'] as const) {
            const [value] = await target.child.call<string[]>(grant === 'authorization_code' ? 'mintCodes' : 'mintRefreshTokens', 1, target.templates);
            const auth = { client_id: target.clientId, client_secret: target.clientSecret };
            const form = grant === 'authorization_code' ? { grant_type: grant, code: value!, redirect_uri: target.redirectUri, ...auth } : { grant_type: grant, refresh_token: value!, ...auth };
            const response = await fetch(`${target.baseUrl}${OAUTH_ROUTES.token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
            const body = await response.text();
            if (response.status !== 200 || !body.includes('"refresh_token"')) throw new Error(`${target.name} ${grant}: ${response.status} ${body.slice(0, 300)}`);
          }
        }
        for (const grant of ['authorization_code', 'refresh_token'] as const) {
          token[`larder:${grant}`] = newMeasured(`Larder POST /oauth/token grant_type=${grant}`);
          token[`bare:${grant}`] = newMeasured(`bare oidc-provider (memory adapter) grant_type=${grant} (baseline)`);
          await tokenRun(bareTarget, grant, 1);
          await tokenRun(larderTarget, grant, 1);
        }
        profiling = options.profile !== undefined;
        for (let round = 0; round < options.rounds; round++) {
          for (const grant of ['authorization_code', 'refresh_token'] as const) {
            const order = round % 2 === 0 ? [bareTarget, larderTarget, larderTarget, bareTarget] : [larderTarget, bareTarget, bareTarget, larderTarget];
            const runs: Record<string, Run[]> = { larder: [], bare: [] };
            for (const target of order) runs[target.name]!.push(await tokenRun(target, grant, options.seconds));
            const rate = (list: Run[]) => list.reduce((sum, r) => sum + r.rps, 0) / list.length;
            const cpu = (list: Run[]) => list.reduce((sum, r) => sum + cpuPerAnswer(r), 0) / list.length;
            const m = token[`larder:${grant}`]!;
            m.runs.push(...runs.larder!);
            token[`bare:${grant}`]!.runs.push(...runs.bare!);
            m.ratios.push(rate(runs.larder!) / rate(runs.bare!));
            m.cpuRatios.push(cpu(runs.bare!) / cpu(runs.larder!));
            console.log(`  token round ${round + 1} ${grant}: Larder ${fmt(rate(runs.larder!))} req/s, bare ${fmt(rate(runs.bare!))} req/s, ratio ${fmt(m.ratios.at(-1)!, 3)} (cpu ${fmt(m.cpuRatios.at(-1)!, 3)})`);
          }
        }
        profiling = false;
      }
      results[dbKind] = { paths: measured, token, notes };
    } finally {
      await Promise.allSettled([larder.stop(), bare.stop(), larderCpu?.close(), bareCpu?.close()]);
      if (schema) {
        const client = new pg.Client({ connectionString: PG_BASE });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
    }
  }
  bareFastify.stop();
  await baselineCpu.close();

  // --- figures.
  const cpus = os.cpus();
  const require = createRequire(import.meta.url);
  const versionOf = (name: string) => (require(`${name}/package.json`) as { version: string }).version;
  // `wrk --version` prints its version and usage, and exits 1.
  const wrkVersion = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]?.split(' [')[0] ?? 'wrk';
  let failures = 0;
  const spreadOf = (values: number[]) => `${fmt(median(values), 3).padStart(5)} [${fmt(Math.min(...values), 2)}-${fmt(Math.max(...values), 2)}]`;
  say('');
  say(`## Hot path: Node ${process.version}, ${cpus.length} CPU (${cpus[0]?.model.trim() ?? '?'}), fastify ${versionOf('fastify')}, oidc-provider ${versionOf('oidc-provider')}, load average ${os.loadavg().map((v) => fmt(v, 1)).join(' ')}`);
  say(`load: ${wrkVersion} -t2 -c32, ${options.seconds} s a run, ${options.rounds} rounds, wrk on CPU ${LOAD_CPU}, every server alone in its own process on CPU ${SERVER_CPU} (taskset)`);
  say('ratio: throughput over the baseline runs beside it; cpu ratio: the baseline\'s CPU time per answer over this one\'s (server process, plus PostgreSQL backends);');
  say('both the median of the rounds [lowest-highest]; latency as wrk sees it (median of runs, and the worst run\'s p99)');
  const line = (m: Measured, baseline: boolean) => {
    const rps = median(m.runs.map((r) => r.rps));
    const p50 = median(m.runs.map((r) => r.latencyMs.p50));
    const p99 = median(m.runs.map((r) => r.latencyMs.p99));
    const worstP99 = Math.max(...m.runs.map((r) => r.latencyMs.p99));
    const cpuUs = median(m.runs.map((r) => r.serverCpuUs));
    const dbUs = median(m.runs.map((r) => r.databaseCpuUs));
    const failed = m.runs.reduce((sum, r) => sum + failuresOf(r), 0);
    failures += failed;
    const ratios = baseline ? `${'1'.padEnd(18)} ${'1'.padEnd(18)}` : `${spreadOf(m.ratios)}  ${spreadOf(m.cpuRatios)}`;
    return (
      `  ${m.label.padEnd(70)} ${fmt(rps).padStart(7)}  ${ratios}  ${fmt(cpuUs).padStart(5)}${dbUs > 0 ? ` +${fmt(dbUs)} db` : ''} µs  ` +
      `p50 ${fmt(p50, 2).padStart(6)}  p99 ${fmt(p99, 2).padStart(6)} (${fmt(worstP99, 1)})${failed ? `  FAILED ${failed}` : ''}`
    );
  };
  const header = `  ${'what'.padEnd(70)} ${'req/s'.padStart(7)}  ${'ratio'.padEnd(18)} ${'cpu ratio'.padEnd(18)}  cpu/answer  latency ms`;
  for (const [dbKind, r] of Object.entries(results)) {
    say('');
    say(`### ${dbKind}${r.notes.length ? ` (${r.notes.join('; ')})` : ''}`);
    say(header);
    for (const [key, m] of Object.entries(r.paths)) if (m.runs.length > 0) say(line(m, key === 'baseline'));
    for (const [key, m] of Object.entries(r.token)) if (m.runs.length > 0) say(line(m, key.startsWith('bare:')));
  }
  if (results.sqlite && results.postgres) {
    say('');
    say('### PostgreSQL ratio over SQLite ratio (medians): throughput, cpu');
    const both = [...Object.entries(results.postgres.paths), ...Object.entries(results.postgres.token)];
    for (const [key, m] of both) {
      const other = results.sqlite.paths[key] ?? results.sqlite.token[key];
      if (!other || m.ratios.length === 0 || other.ratios.length === 0) continue;
      say(`  ${m.label.padEnd(70)} ${fmt(median(m.ratios) / median(other.ratios), 2)}  ${fmt(median(m.cpuRatios) / median(other.cpuRatios), 2)}`);
    }
  }
  say('');
  say(`failed answers (status >= 400, socket errors, timeouts), all measured runs: ${failures}`);
  say(`total time ${fmt((performance.now() - started) / 1000, 1)} s`);
  if (options.json) writeFileSync(options.json, JSON.stringify({ options: { ...options, only: options.only && [...options.only] }, results }, null, 2));
  if (failures > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === selfPath) {
  const role = process.argv.find((arg) => arg.startsWith('--role='))?.slice('--role='.length);
  if (role === 'larder') await larderRole();
  else await main();
}
