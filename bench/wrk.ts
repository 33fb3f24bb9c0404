/**
 * wrk (https://github.com/wg/wrk) as the load tool of bench/hot-path.ts: a fixed request,
 * a rotation of paths (each thread walks its own share of the list, so every path is sent
 * in turn), or a list of POST bodies each sent once. A Lua `done` hook prints the figures
 * as one JSON line, so nothing is scraped from wrk's human-readable report.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface WrkOptions {
  url: string;
  seconds: number;
  threads?: number;
  connections?: number;
  /** The CPU wrk is pinned to (taskset); the server under test runs on another. */
  cpu?: number;
  headers?: Record<string, string>;
  /** Paths (with query) sent in rotation, instead of the URL's own path. */
  paths?: string[];
  /** POST bodies, each sent once (never reused); requests beyond them are refused EXHAUSTED_BODY requests. */
  bodies?: string[];
  /** One POST body sent with every request (an MCP tool call). */
  body?: string;
}

export interface WrkResult {
  requests: number;
  seconds: number;
  /** Answers with a status below 400 per second. */
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Answers with status >= 400. */
  statusErrors: number;
  /** Connect, read, write errors and timeouts. */
  socketErrors: number;
  /** With `bodies`: the status and start of the body of the first answer over 399. */
  firstFailure: string | undefined;
}

const DONE = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;

/**
 * Sent once a thread has used all its bodies, instead of reusing one: a token request
 * with a grant type no server knows (400 unsupported_grant_type, which no rate limiter
 * counts as a guess), so the run shows the shortfall as refused answers.
 */
export const EXHAUSTED_BODY = 'grant_type=bench_bodies_exhausted';

/** Each thread takes every n-th line, starting at its own index, so threads never send the same line. */
const ROTATE = (method: 'GET' | 'POST') => `
local counter = 0
setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
end
local lines, index, step = {}, 0, 1
init = function(args)
  for line in io.lines(args[1]) do lines[#lines + 1] = line end
  step = tonumber(args[2])
  index = id
end
request = function()
  ${method === 'GET' ? '' : `if index >= #lines then return wrk.format("POST", wrk.path, nil, "${EXHAUSTED_BODY}") end`}
  local line = lines[(index % #lines) + 1]
  index = index + step
  ${method === 'GET' ? 'return wrk.format("GET", line)' : 'return wrk.format("POST", wrk.path, nil, line)'}
end
`;

/** POST bodies are single-use credentials: the first refused answer says why (printed to stderr by done). */
const FIRST_FAILURE = `
first_failure = nil
response = function(status, headers, body)
  if status >= 400 and first_failure == nil then
    first_failure = status .. " " .. string.sub(body or "", 1, 300)
    io.stderr:write("WRK_FIRST_FAILURE " .. first_failure .. "\\n")
  end
end
`;

/** Runs wrk once and returns its figures; rejects when wrk fails or prints no figures. */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const threads = options.threads ?? 2;
  const connections = options.connections ?? 32;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'larder-wrk-'));
  try {
    const script = path.join(dir, 'script.lua');
    const args = ['-t', String(threads), '-c', String(connections), '-d', `${options.seconds}s`, '--timeout', '10s', '-s', script];
    for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
    args.push(options.url);
    let lua = DONE;
    const lines = options.paths ?? options.bodies;
    if (lines) {
      if (lines.some((line) => line.includes('\n'))) throw new Error('wrk lines must not contain a newline');
      const file = path.join(dir, 'lines.txt');
      writeFileSync(file, `${lines.join('\n')}\n`);
      lua += ROTATE(options.paths ? 'GET' : 'POST');
      if (options.bodies) lua += FIRST_FAILURE;
      args.push('--', file, String(threads));
    }
    if (options.body !== undefined) lua += `wrk.method = "POST"\nwrk.body = ${JSON.stringify(options.body)}\n`;
    writeFileSync(script, lua);
    const command = options.cpu === undefined ? 'wrk' : 'taskset';
    const commandArgs = options.cpu === undefined ? args : ['-c', String(options.cpu), 'wrk', ...args];
    let stderr = '';
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(command, commandArgs, { maxBuffer: 1 << 24 }, (error, out, err) => {
        stderr = err;
        if (error) reject(new Error(`wrk failed: ${err || error.message}`));
        else resolve(out);
      });
    });
    const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
    if (!line) throw new Error(`wrk printed no figures:\n${stdout}`);
    const raw = JSON.parse(line.slice('WRK_JSON '.length)) as Record<string, number>;
    const seconds = raw.duration_us! / 1e6;
    const statusErrors = raw.status!;
    return {
      requests: raw.requests!,
      seconds,
      rps: (raw.requests! - statusErrors) / seconds,
      latencyMs: { p50: raw.p50! / 1000, p90: raw.p90! / 1000, p99: raw.p99! / 1000, max: raw.max! / 1000 },
      statusErrors,
      socketErrors: raw.connect! + raw.read! + raw.write! + raw.timeout!,
      firstFailure: stderr.split('\n').find((l) => l.startsWith('WRK_FIRST_FAILURE '))?.slice('WRK_FIRST_FAILURE '.length),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
