import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { repoRoot } from './helpers/paths.js';
import { freePort } from './helpers/server.js';

const load = (env: Record<string, string>, cwd = os.tmpdir()) => loadConfig(env, { cwd, readEnvFile: false });

test('defaults serve on localhost:3000 with SQLite under ./storage', () => {
  const config = load({}, '/srv/larder');
  assert.equal(config.port, 3000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.appUrl, 'http://localhost:3000');
  assert.deepEqual(config.database, { kind: 'sqlite', file: '/srv/larder/storage/larder.db' });
  assert.equal(config.storageDir, '/srv/larder/storage');
});

test('APP_URL follows PORT, loses a trailing slash, and production listens everywhere', () => {
  assert.equal(load({ PORT: '8080' }).appUrl, 'http://localhost:8080');
  assert.equal(load({ APP_URL: 'https://larder.example.com/' }).appUrl, 'https://larder.example.com');
  assert.equal(load({ NODE_ENV: 'production' }).host, '0.0.0.0');
});

test('DATABASE_URL selects PostgreSQL (optionally one schema) or another SQLite file', () => {
  assert.deepEqual(load({ DATABASE_URL: 'postgres://u@db:5432/larder?schema=app' }).database, { kind: 'postgres', url: 'postgres://u@db:5432/larder?schema=app', schema: 'app' });
  assert.deepEqual(load({ DATABASE_URL: 'sqlite:/data/x.db' }).database, { kind: 'sqlite', file: '/data/x.db' });
});

test('every bad value is reported at once, each by its name', () => {
  try {
    load({ PORT: 'eighty', APP_URL: 'ftp://x', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', LARDER_BUNDLED_CATALOG: 'maybe', SHUTDOWN_GRACE_MS: '-1' });
    assert.fail('expected a ConfigError');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    for (const name of ['PORT', 'APP_URL', 'DATABASE_URL', 'LOG_LEVEL', 'LARDER_BUNDLED_CATALOG', 'SHUTDOWN_GRACE_MS']) {
      assert.ok(error.problems.some((p) => p.startsWith(name)), name);
    }
  }
});

test('a .env file is read, and the real environment wins over it', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'larder-env-'));
  try {
    writeFileSync(path.join(dir, '.env'), '# comment\nPORT=4000\nAPP_URL="https://from-file.example"\nLOG_LEVEL=debug # trailing comment\n');
    const config = loadConfig({ PORT: '5000' }, { cwd: dir });
    assert.equal(config.port, 5000);
    assert.equal(config.appUrl, 'https://from-file.example');
    assert.equal(config.logLevel, 'debug');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the server refuses to start on a bad value, naming it, with no stack trace', async () => {
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'src', 'main.js')], { env: { ...process.env, PORT: 'not-a-port' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.notEqual(code, 0);
  assert.match(stderr, /PORT must be a whole number/);
  assert.doesNotMatch(stderr, /\n\s+at /);
});

test('SIGTERM stops the server gracefully: in-flight requests finish, the process exits 0', async () => {
  const storage = mkdtempSync(path.join(os.tmpdir(), 'larder-stop-'));
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'src', 'main.js')], {
    env: { ...process.env, PORT: String(port), LARDER_STORAGE: storage, LARDER_BUNDLED_CATALOG: 'false', LOG_LEVEL: 'info', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  try {
    for (let i = 0; i < 200 && !stdout.includes('Larder is serving'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(stdout, /Larder is serving/);
    // A request still arriving when SIGTERM comes: half its body sent before, half after.
    const body = 'email=ada%40example.com&password=xxxxxxxxxxxx';
    const inFlight = new Promise<number>((resolve, reject) => {
      const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) };
      const request = http.request({ host: '127.0.0.1', port, path: '/login', method: 'POST', headers }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.write(body.slice(0, 20));
      setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => request.end(body.slice(20)), 300);
      }, 300);
    });
    const status = await inFlight;
    assert.ok(status >= 200 && status < 500, `the in-flight request was answered (${status})`);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0);
    assert.match(stdout, /shutting down/);
  } finally {
    child.kill('SIGKILL');
    rmSync(storage, { recursive: true, force: true });
  }
});
