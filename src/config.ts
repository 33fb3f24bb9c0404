import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type { Plan } from './accounts/plans.js';
import { ConfigError } from './errors.js';

export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; schema: string | undefined };

export interface Config {
  env: 'production' | 'development' | 'test';
  port: number;
  host: string;
  /** Public base URL without a trailing slash; also the OAuth issuer. */
  appUrl: string;
  storageDir: string;
  database: DatabaseConfig;
  viewsDir: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Load the bundled SR28 catalog into an empty database on start. */
  loadBundledCatalog: boolean;
  /** How long in-flight requests may run after SIGTERM before the process exits anyway. */
  shutdownGraceMs: number;
  /** LARDER_SIGNING_KEYS: a JWKS (JSON text) used instead of the keys file under storageDir. */
  signingKeys: string | undefined;
  /** API requests a person may make per UTC day, by plan. */
  quotas: Record<Plan, number>;
  /** TRUST_PROXY: which proxies' X-Forwarded-For is believed (Fastify `trustProxy`): a hop count, addresses/CIDRs, or none. */
  trustProxy: TrustProxy;
  /** REDIS_URL: rate-limit counters in Redis instead of the database. */
  redisUrl: string | undefined;
  /** SMTP_URL and MAIL_FROM: Larder sends mail (confirmations, reset links) only when set. */
  mail: { smtpUrl: string; from: string } | undefined;
  /**
   * LARDER_CIMD_ALLOW_LOOPBACK: client metadata documents may be fetched from loopback
   * addresses (tests serve them from 127.0.0.1). Never in production.
   */
  cimdAllowLoopback: boolean;
  /** METRICS_TOKEN: /metrics is served (to `Authorization: Bearer <token>`) only when set. */
  metricsToken: string | undefined;
  /** How often a running server looks at the signing keys file for a rotation (keys:generate --force). */
  keysPollMs: number;
  /** Who runs this Larder, for the privacy and terms pages: LARDER_OPERATOR and LARDER_CONTACT. */
  operator: { name: string | undefined; contact: string | undefined };
  /**
   * LARDER_MCP_ALLOWED_ORIGINS: browser origins (besides APP_URL's own) that may call /mcp,
   * such as a browser-based MCP client; any other Origin is refused (DNS-rebinding protection).
   */
  mcpAllowedOrigins: string[];
  /**
   * How long Larder waits on its database before answering 503: `connectMs` for a
   * connection (a new one, or a free one from the pool; SQLite: a lock), `statementMs`
   * for one statement (PostgreSQL statement_timeout, and on the client side for a server
   * that stops answering).
   */
  databaseTimeouts: { connectMs: number; statementMs: number };
  /** Node's HTTP server limits: a whole request received, an idle socket, an idle keep-alive connection. */
  httpTimeouts: { requestMs: number; connectionMs: number; keepAliveMs: number };
}

/** `false`: no proxy, the socket's address is the client's; a number: that many proxy hops; else the proxies' addresses. */
export type TrustProxy = false | number | string[];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Reads a `.env` file (KEY=value lines, # comments, optional quotes). Values already
 * present in the real environment win, as with every dotenv loader.
 */
export function readDotEnv(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const values: Record<string, string> = {};
  for (const rawLine of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2] ?? '';
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    values[match[1]!] = value;
  }
  return values;
}

/**
 * Builds the one configuration object from the environment. Every bad value is
 * reported at once, each with the variable's name, so an operator fixes them in one go.
 */
export function loadConfig(
  environment: NodeJS.ProcessEnv = process.env,
  options: { cwd?: string; readEnvFile?: boolean } = {},
): Config {
  const cwd = options.cwd ?? process.cwd();
  const fileValues = options.readEnvFile === false ? {} : readDotEnv(path.join(cwd, '.env'));
  const source: Record<string, string | undefined> = { ...fileValues, ...environment };
  const get = (name: string): string | undefined => {
    const value = source[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const problems: string[] = [];

  const nodeEnv = get('NODE_ENV') ?? 'development';
  const env: Config['env'] = nodeEnv === 'production' ? 'production' : nodeEnv === 'test' ? 'test' : 'development';

  let port = 3000;
  const portText = get('PORT');
  if (portText !== undefined) {
    const parsed = Number(portText);
    if (!/^\d+$/.test(portText) || parsed > 65535) problems.push(`PORT must be a whole number from 0 to 65535, got "${portText}"`);
    else port = parsed;
  }

  const host = get('HOST') ?? (env === 'production' ? '0.0.0.0' : '127.0.0.1');

  let appUrl = `http://localhost:${port}`;
  const appUrlText = get('APP_URL');
  if (appUrlText !== undefined) {
    try {
      const url = new URL(appUrlText);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
      if (url.search || url.hash) throw new Error('query');
      appUrl = url.href.replace(/\/+$/, '');
    } catch {
      problems.push(`APP_URL must be an absolute http(s) URL without query or fragment, such as https://larder.example.com, got "${appUrlText}"`);
    }
  }

  const storageDir = path.resolve(cwd, get('LARDER_STORAGE') ?? 'storage');

  let database: DatabaseConfig = { kind: 'sqlite', file: path.join(storageDir, 'larder.db') };
  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl !== undefined) {
    if (/^postgres(ql)?:\/\//i.test(databaseUrl)) {
      try {
        const url = new URL(databaseUrl);
        const schema = url.searchParams.get('schema') ?? undefined;
        if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
          problems.push(`DATABASE_URL schema parameter must be a lower-case identifier, got "${schema}"`);
        }
        database = { kind: 'postgres', url: databaseUrl, schema };
      } catch {
        problems.push('DATABASE_URL is not a valid postgres:// URL');
      }
    } else if (/^sqlite:/i.test(databaseUrl)) {
      const file = databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
      if (!file) problems.push('DATABASE_URL sqlite: needs a file path, such as sqlite:./storage/larder.db');
      else database = { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(cwd, file) };
    } else {
      problems.push('DATABASE_URL must start with postgres:// (PostgreSQL) or sqlite: (a SQLite file)');
    }
  }

  const viewsText = get('LARDER_VIEWS');
  const viewsDir = viewsText === undefined ? undefined : path.resolve(cwd, viewsText);
  if (viewsDir !== undefined && !existsSync(viewsDir)) problems.push(`LARDER_VIEWS names a folder that does not exist: ${viewsDir}`);

  const logLevelText = get('LOG_LEVEL') ?? (env === 'test' ? 'silent' : 'info');
  let logLevel: Config['logLevel'] = 'info';
  if ((LOG_LEVELS as readonly string[]).includes(logLevelText)) logLevel = logLevelText as Config['logLevel'];
  else problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevelText}"`);

  const bundledText = get('LARDER_BUNDLED_CATALOG') ?? 'true';
  if (!['true', 'false', '1', '0'].includes(bundledText)) problems.push(`LARDER_BUNDLED_CATALOG must be true or false, got "${bundledText}"`);
  const loadBundledCatalog = bundledText === 'true' || bundledText === '1';

  let shutdownGraceMs = 10_000;
  const graceText = get('SHUTDOWN_GRACE_MS');
  if (graceText !== undefined) {
    if (!/^\d+$/.test(graceText)) problems.push(`SHUTDOWN_GRACE_MS must be a whole number of milliseconds, got "${graceText}"`);
    else shutdownGraceMs = Number(graceText);
  }

  const signingKeys = get('LARDER_SIGNING_KEYS');
  if (signingKeys !== undefined) {
    try {
      const parsed = JSON.parse(signingKeys) as { keys?: unknown };
      if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) throw new Error('no keys');
    } catch {
      problems.push('LARDER_SIGNING_KEYS must be a JWKS as JSON, {"keys": [...]}, with private keys (`larder keys:generate` writes one to copy)');
    }
  }

  const quota = (name: string, fallback: number): number => {
    const text = get(name);
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < 1) {
      problems.push(`${name} must be a whole number of requests per day (at least 1), got "${text}"`);
      return fallback;
    }
    return Number(text);
  };
  const quotas = { free: quota('LARDER_QUOTA_FREE', 1000), pro: quota('LARDER_QUOTA_PRO', 20000) };

  const trustProxy = parseTrustProxy(get('TRUST_PROXY'), env, problems);
  const redisUrl = get('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/i.test(redisUrl)) problems.push(`REDIS_URL must be a redis:// or rediss:// URL, such as redis://127.0.0.1:6379, got "${redisUrl}"`);
  const mail = parseMail(get('SMTP_URL'), get('MAIL_FROM'), appUrl, problems);

  const cimdLoopbackText = get('LARDER_CIMD_ALLOW_LOOPBACK') ?? 'false';
  if (!['true', 'false', '1', '0'].includes(cimdLoopbackText)) problems.push(`LARDER_CIMD_ALLOW_LOOPBACK must be true or false, got "${cimdLoopbackText}"`);
  const cimdAllowLoopback = cimdLoopbackText === 'true' || cimdLoopbackText === '1';
  // A switch for tests: in production it would let anyone make Larder fetch from its own machine.
  if (cimdAllowLoopback && env === 'production') problems.push('LARDER_CIMD_ALLOW_LOOPBACK is for tests only and cannot be set when NODE_ENV=production');


  const metricsToken = get('METRICS_TOKEN');
  if (metricsToken !== undefined && (metricsToken.length < 16 || /\s/.test(metricsToken))) {
    problems.push('METRICS_TOKEN must be at least 16 characters without spaces (for example the output of `openssl rand -hex 32`)');
  }

  let keysPollMs = 15_000;
  const keysPollText = get('LARDER_KEYS_POLL_MS');
  if (keysPollText !== undefined) {
    if (!/^\d+$/.test(keysPollText) || Number(keysPollText) < 100) problems.push(`LARDER_KEYS_POLL_MS must be a whole number of milliseconds, at least 100, got "${keysPollText}"`);
    else keysPollMs = Number(keysPollText);
  }

  const contact = get('LARDER_CONTACT');
  if (contact !== undefined && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>.]+$/.test(contact) && !/^https?:\/\/\S+$/.test(contact)) {
    problems.push(`LARDER_CONTACT must be an email address or an http(s) URL where people reach the operator, got "${contact}"`);
  }
  const operator = { name: get('LARDER_OPERATOR'), contact };

  const mcpAllowedOrigins: string[] = [];
  for (const entry of (get('LARDER_MCP_ALLOWED_ORIGINS') ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const origin = URL.parse(entry)?.origin;
    if (!origin || origin === 'null' || origin !== entry.replace(/\/$/, '')) problems.push(`LARDER_MCP_ALLOWED_ORIGINS entries must be origins such as https://inspector.example.com, got "${entry}"`);
    else mcpAllowedOrigins.push(origin);
  }

  const milliseconds = (name: string, fallback: number, minimum: number): number => {
    const text = get(name);
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < minimum) {
      problems.push(`${name} must be a whole number of milliseconds (at least ${minimum}), got "${text}"`);
      return fallback;
    }
    return Number(text);
  };
  const databaseTimeouts = {
    connectMs: milliseconds('DATABASE_CONNECT_TIMEOUT_MS', 3000, 100),
    statementMs: milliseconds('DATABASE_STATEMENT_TIMEOUT_MS', 5000, 100),
  };
  const httpTimeouts = {
    requestMs: milliseconds('REQUEST_TIMEOUT_MS', 30_000, 1000),
    connectionMs: milliseconds('CONNECTION_TIMEOUT_MS', 60_000, 1000),
    keepAliveMs: milliseconds('KEEP_ALIVE_TIMEOUT_MS', 72_000, 1000),
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return { env, port, host, appUrl, storageDir, database, viewsDir, logLevel, loadBundledCatalog, shutdownGraceMs, signingKeys, quotas, trustProxy, redisUrl, mail, cimdAllowLoopback, metricsToken, keysPollMs, operator, mcpAllowedOrigins, databaseTimeouts, httpTimeouts };
}

/**
 * TRUST_PROXY: a hop count (`1`: the one proxy in front, which appends the real client
 * address to X-Forwarded-For), or comma-separated proxy addresses and CIDRs (plus
 * proxy-addr's `loopback`, `linklocal`, `uniquelocal`), or `false`/`0`. Default: one hop in
 * production (behind a proxy, as docs/deploy.md says), none otherwise. `true` (believe
 * every hop) is refused: it makes the address whatever the client wrote.
 */
function parseTrustProxy(text: string | undefined, env: Config['env'], problems: string[]): TrustProxy {
  if (text === undefined) return env === 'production' ? 1 : false;
  const value = text.toLowerCase();
  if (value === 'false' || value === 'none' || value === '0') return false;
  if (/^\d+$/.test(value)) {
    if (Number(value) > 20) problems.push(`TRUST_PROXY hop count must be at most 20, got "${text}"`);
    return Number(value);
  }
  if (value === 'true') {
    problems.push('TRUST_PROXY=true would believe any X-Forwarded-For a client sends; give the number of proxies in front of Larder (such as 1) or their addresses');
    return false;
  }
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries) {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) continue;
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || extra !== undefined) problems.push(`TRUST_PROXY entries must be IP addresses or CIDRs (such as 10.0.0.0/8), a hop count, or false; "${entry}" is none of these`);
  }
  return entries;
}

function parseMail(smtpUrl: string | undefined, from: string | undefined, appUrl: string, problems: string[]): Config['mail'] {
  if (smtpUrl === undefined) {
    if (from !== undefined) problems.push('MAIL_FROM is set but SMTP_URL is not: Larder sends no mail without an SMTP server');
    return undefined;
  }
  try {
    const url = new URL(smtpUrl);
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('protocol');
  } catch {
    problems.push('SMTP_URL must be an smtp:// or smtps:// URL, such as smtps://user:password@smtp.example.com:465');
    return undefined;
  }
  const sender = from ?? `Larder <larder@${new URL(appUrl).hostname}>`;
  if (!/^[^\r\n<>]*<?[^\s@<>]+@[^\s@<>]+>?$/.test(sender)) problems.push(`MAIL_FROM must be an address such as "Larder <larder@example.com>", got "${sender}"`);
  return { smtpUrl, from: sender };
}
