/**
 * Opaque access tokens with a verified-token cache, against JWT access tokens, measured
 * in one process (issue 9: "measure both, choose"): what issuing a token costs the token
 * endpoint, and what checking one costs an API request, cached and not.
 *
 *   npm run build && node dist/bench/token-format.js
 *
 * Opaque: issuing stores the token's row (one INSERT into oauth_models, as Larder's
 * adapter does); checking is the SHA-256 of the value and a cache lookup, or on a miss the
 * adapter's find (a point read). JWT: issuing signs (RS256 with the RSA keys Larder has;
 * ES256 and EdDSA for comparison), checking verifies the signature; a JWT still needs the
 * same revocation check (its grant), so the cache and the change feed stay either way.
 * Figures are CPU time (process.cpuUsage) per operation, medians of 5 batches.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { changeFeedFor } from '../src/changes/feed.js';
import { SharedCache } from '../src/changes/shared-cache.js';
import { openDatabase } from '../src/db/index.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createKyselyAdapter } from '../src/oauth/adapter.js';

const BATCHES = 5;

async function cpuPerCall(calls: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < Math.min(calls, 200); i++) await fn(i);
  const batches: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const started = process.cpuUsage();
    for (let i = 0; i < calls; i++) await fn(b * calls + i);
    const spent = process.cpuUsage(started);
    batches.push((spent.user + spent.system) / calls);
  }
  return batches.sort((x, y) => x - y)[BATCHES >> 1]!;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'larder-token-format-'));
const database = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'larder.db') });
await migrateToLatest(database.db);
const feed = changeFeedFor(database.db);
await feed.start();
const Adapter = createKyselyAdapter(database.db);
const tokens = new Adapter('AccessToken');
const payload = {
  accountId: `usr_${randomBytes(16).toString('base64url')}`,
  clientId: randomBytes(16).toString('base64url'),
  grantId: randomBytes(32).toString('base64url'),
  scope: 'foods:read diary:read diary:write profile',
  aud: 'http://127.0.0.1:3000/api',
  gty: 'authorization_code',
  kind: 'AccessToken',
  exp: Math.floor(Date.now() / 1000) + 3600,
  iat: Math.floor(Date.now() / 1000),
};

const issued: string[] = [];
const insert = await cpuPerCall(2000, async () => {
  const id = randomBytes(32).toString('base64url');
  issued.push(id);
  await tokens.upsert(id, { ...payload, jti: id }, 3600);
});
const find = await cpuPerCall(2000, (i) => tokens.find(issued[(i * 7919) % issued.length]!));
const cache = new SharedCache<typeof payload>({ feed, ttlMs: 60_000, capacity: 50_000, tagsOf: (p) => [`grant:${p.grantId}`] });
for (const id of issued.slice(0, 1000)) await cache.load(createHash('sha256').update(id).digest('base64url'), async () => payload);
const cached = await cpuPerCall(20_000, (i) => cache.load(createHash('sha256').update(issued[i % 1000]!).digest('base64url'), async () => payload));

const claims = { sub: payload.accountId, client_id: payload.clientId, scope: payload.scope, jti: randomBytes(16).toString('base64url') };
const jwt: Array<{ alg: string; sign: number; verify: number; length: number }> = [];
for (const alg of ['RS256', 'ES256', 'EdDSA']) {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : { modulusLength: 2048 });
  const sign = () => new SignJWT(claims).setProtectedHeader({ alg, typ: 'at+jwt' }).setIssuedAt().setIssuer('http://127.0.0.1:3000').setAudience(payload.aud).setExpirationTime('1h').sign(privateKey);
  const token = await sign();
  jwt.push({ alg, sign: await cpuPerCall(300, sign), verify: await cpuPerCall(300, () => jwtVerify(token, publicKey)), length: token.length });
}

const f = (us: number) => `${us.toFixed(us < 10 ? 1 : 0).padStart(6)} µs`;
console.log(`## Access token formats (CPU per operation, median of ${BATCHES} batches), Node ${process.version}`);
console.log('issuing, on the token endpoint:');
console.log(`  opaque: store the token (adapter upsert, SQLite)            ${f(insert)}`);
for (const r of jwt) console.log(`  JWT ${r.alg.padEnd(6)}: sign (${r.length} characters)                     ${f(r.sign)}`);
console.log('checking, on each API request:');
console.log(`  opaque, verified before: SHA-256 + cache hit                 ${f(cached)}`);
console.log(`  opaque, first time: adapter find (SQLite point read)         ${f(find)}`);
for (const r of jwt) console.log(`  JWT ${r.alg.padEnd(6)}: verify the signature                       ${f(r.verify)}`);
console.log('either way a revoked grant must stop its tokens within the bound: the change feed and the cache stay.');

feed.stop();
await database.close();
rmSync(dir, { recursive: true, force: true });
