#!/usr/bin/env node
// Runs the Dockerfile's steps on this machine, where no Docker engine runs: each stage
// gets a folder of its own standing for the image's file system; COPY copies from the
// repository (or an earlier stage's folder), RUN runs in the mapped WORKDIR with the
// stage's ENV, and the last stage's CMD is started and probed with its HEALTHCHECK.
//
//   node deploy/check-image-build.mjs [--keep]
//
// What it cannot do is said as it goes: apt-get installs nothing here (it checks that
// the packages are present instead), `chown` to a user this machine lacks is skipped,
// and the base image is this machine's Node.js, not node:24-bookworm-slim.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerfileParser } from 'dockerfile-ast';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(path.join(os.tmpdir(), 'larder-image-'));
const dockerfile = DockerfileParser.parse(readFileSync(path.join(repo, 'Dockerfile'), 'utf8'));
const log = (text) => process.stdout.write(`${text}\n`);
const started = Date.now();
let failures = 0;

/** Build arguments with their defaults (ARG before the first FROM). */
const args = {};
for (const instruction of dockerfile.getInstructions()) {
  if (instruction.getKeyword() !== 'ARG') continue;
  const [name, value = ''] = instruction.getArgumentsContent().split('=');
  args[name] = value;
}
const expand = (text, env) => text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a, b) => env[a ?? b] ?? args[a ?? b] ?? '');

/** An absolute path of the image, inside a stage's folder. */
const inStage = (root, imagePath) => path.join(root, imagePath);

/** Absolute paths in a shell command, moved into the stage's folder. */
const mapPaths = (command, root) => command.replace(/(^|[\s=:])(\/(?:[\w.@-]+\/?)+)/g, (_m, before, p) => `${before}${inStage(root, p)}`);

const stages = [];
let stage;
for (const instruction of dockerfile.getInstructions()) {
  const keyword = instruction.getKeyword();
  const content = instruction.getArgumentsContent() ?? '';
  if (keyword === 'ARG') continue;
  if (keyword === 'FROM') {
    const name = content.split(/\s+AS\s+/i)[1] ?? String(stages.length);
    stage = { name, root: path.join(work, name), env: { PATH: process.env.PATH, HOME: path.join(work, `${name}-home`) }, workdir: '/', user: 'root', image: expand(content.split(/\s+/)[0], {}) };
    mkdirSync(stage.root, { recursive: true });
    mkdirSync(stage.env.HOME, { recursive: true });
    stages.push(stage);
    log(`\n== stage ${name} (FROM ${stage.image}: here, this machine's Node.js ${process.version})`);
    continue;
  }
  if (keyword === 'WORKDIR') {
    stage.workdir = content;
    mkdirSync(inStage(stage.root, content), { recursive: true });
    continue;
  }
  if (keyword === 'ENV') {
    for (const match of content.matchAll(/(\w+)=("[^"]*"|\S+)/g)) stage.env[match[1]] = match[2].replace(/^"|"$/g, '');
    continue;
  }
  if (keyword === 'COPY') {
    const from = instruction.getFlags?.().find((flag) => flag.getName() === 'from')?.getValue();
    const paths = content.split(/\s+/).filter((p) => p && !p.startsWith('--'));
    const destination = paths.pop();
    const target = path.resolve(inStage(stage.root, stage.workdir), destination.startsWith('/') ? inStage(stage.root, destination) : destination);
    for (const source of paths) {
      const origin = from ? inStage(stages.find((s) => s.name === from).root, source) : path.join(repo, source);
      if (!existsSync(origin)) {
        log(`COPY ${source}: MISSING (${origin})`);
        failures++;
        continue;
      }
      const into = destination.endsWith('/') ? path.join(target, path.basename(source)) : target;
      cpSync(origin, into, { recursive: true });
    }
    log(`COPY ${from ? `--from=${from} ` : ''}${content}`);
    continue;
  }
  if (keyword === 'USER') {
    stage.user = content;
    continue;
  }
  if (keyword === 'RUN') {
    const command = content.replace(/\\\n/g, ' ');
    for (const step of command.split(/\s+&&\s+/)) {
      const trimmed = step.trim();
      if (/^apt-get update\b|^rm -rf \/var\/lib\/apt\/lists/.test(trimmed)) {
        log(`RUN ${trimmed}: not run here (system packages)`);
        continue;
      }
      if (/^apt-get install\b/.test(trimmed)) {
        const packages = trimmed.split(/\s+/).slice(2).filter((p) => !p.startsWith('-'));
        const missing = packages.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
        log(`RUN ${trimmed}: not run here; ${missing.length ? `MISSING on this machine: ${missing.join(' ')}` : `every package is present (${packages.join(' ')})`}`);
        if (missing.length) failures++;
        continue;
      }
      const chown = /^chown (\S+?)(?::\S+)? /.exec(trimmed);
      if (chown && spawnSync('id', [chown[1]], { stdio: 'ignore' }).status !== 0) {
        log(`RUN ${trimmed}: skipped (no user "${chown[1]}" on this machine; the image's base has it)`);
        continue;
      }
      const mapped = mapPaths(trimmed, stage.root);
      const at = Date.now();
      const result = spawnSync('sh', ['-ec', mapped], { cwd: inStage(stage.root, stage.workdir), env: { ...process.env, ...stage.env }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
      const seconds = ((Date.now() - at) / 1000).toFixed(1);
      if (result.status !== 0) {
        log(`RUN ${trimmed}: FAILED (exit ${result.status}, ${seconds} s)\n${result.stdout.slice(-2000)}${result.stderr.slice(-4000)}`);
        failures++;
      } else log(`RUN ${trimmed}: ok (${seconds} s)`);
    }
    continue;
  }
  if (['HEALTHCHECK', 'CMD', 'EXPOSE', 'VOLUME'].includes(keyword)) stage[keyword.toLowerCase()] = instruction;
}

/** A port nobody listens on, on loopback. */
const freePort = () =>
  new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

const final = stages.at(-1);
const appDir = inStage(final.root, final.workdir);
const du = (dir) => execFileSync('du', ['-sm', dir], { encoding: 'utf8' }).split('\t')[0];
log(`\n== the image (${final.name}): ${du(final.root)} MB on disk; node_modules ${du(path.join(appDir, 'node_modules'))} MB`);
for (const devOnly of ['typescript', 'eslint', 'playwright-core']) {
  if (existsSync(path.join(appDir, 'node_modules', devOnly))) {
    log(`node_modules/${devOnly}: PRESENT in the image (a development dependency)`);
    failures++;
  }
}

const jsonArgs = (instruction) => JSON.parse(instruction.getArgumentsContent().replace(/^CMD\s+/, '').replace(/^(--\S+\s+)*/, '').replace(/^CMD\s+/, ''));
const port = await freePort();
const storage = inStage(final.root, final.env.LARDER_STORAGE ?? '/var/lib/larder');
mkdirSync(storage, { recursive: true });
// Loopback only on this shared machine (the image listens on 0.0.0.0 in production).
const env = { ...process.env, ...final.env, PORT: String(port), HOST: '127.0.0.1', APP_URL: `http://127.0.0.1:${port}`, LARDER_STORAGE: storage };
const cli = spawnSync(process.execPath, ['bin/larder.js', '--version'], { cwd: appDir, env, encoding: 'utf8' });
log(`larder --version in the image: ${cli.status === 0 ? cli.stdout.trim() : `FAILED ${cli.stderr}`}`);
if (cli.status !== 0) failures++;

const [command, ...commandArgs] = jsonArgs(final.cmd);
const server = spawn(command === 'node' ? process.execPath : command, commandArgs, { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
server.stdout.on('data', (chunk) => (serverLog += chunk));
server.stderr.on('data', (chunk) => (serverLog += chunk));
const healthArgs = JSON.parse(final.healthcheck.getArgumentsContent().replace(/^.*?CMD\s+/s, ''));
const startPeriodMs = 30_000;
let healthy = false;
let last = '';
for (const deadline = Date.now() + startPeriodMs; Date.now() < deadline && server.exitCode === null; ) {
  const probe = spawnSync(healthArgs[0] === 'node' ? process.execPath : healthArgs[0], healthArgs.slice(1), { env, encoding: 'utf8', timeout: 5000 });
  if (probe.status === 0) {
    healthy = true;
    break;
  }
  last = `exit ${probe.status}`;
  await new Promise((resolve) => setTimeout(resolve, 500));
}
const readyz = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => `${r.status}`, (e) => e.message);
const health = await fetch(`http://127.0.0.1:${port}/health`).then(async (r) => `${r.status} ${await r.text()}`, (e) => e.message);
log(`CMD ${JSON.stringify([command, ...commandArgs])}: ${server.exitCode === null ? 'serving' : `EXITED ${server.exitCode}`}; GET /health -> ${health}; GET /readyz -> ${readyz}`);
log(`HEALTHCHECK: ${healthy ? 'healthy' : `UNHEALTHY after ${startPeriodMs / 1000} s (${last})`}`);
if (!healthy) failures++;
if (server.exitCode === null) {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
}
if (!healthy || (server.exitCode !== 0 && server.signalCode === null)) log(`server log:\n${serverLog.slice(-3000)}`);

if (!keep) rmSync(work, { recursive: true, force: true });
else log(`kept: ${work}`);
log(`\n${failures === 0 ? 'The image builds and starts healthy' : `${failures} problem(s)`} (${((Date.now() - started) / 1000).toFixed(0)} s).`);
process.exitCode = failures === 0 ? 0 : 1;
