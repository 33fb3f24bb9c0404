import { createHmac, generateKeyPair, generateKeyPairSync, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../config.js';

/** A private JWK as oidc-provider's `jwks` option takes it. */
export type SigningKey = JsonWebKey & { kid: string; alg: string; use: 'sig' };

export interface Jwks {
  keys: SigningKey[];
}

export interface ProviderKeys {
  jwks: Jwks;
  /** Keys oidc-provider signs its cookies with; the first signs, all verify. */
  cookieKeys: string[];
  /** Where they came from, for logs and `keys:generate`. */
  source: 'environment' | 'file';
}

export const SIGNING_KEYS_FILE = 'signing-keys.json';

/** Old keys kept (after the new one) by `keys:generate --force`, so tokens signed with them still verify. */
const KEPT_OLD_KEYS = 2;

export function signingKeysPath(storageDir: string): string {
  return path.join(storageDir, SIGNING_KEYS_FILE);
}

/** One new RS256 signing key (RS256 is what every OAuth client library supports). */
export function generateSigningKey(): SigningKey {
  return signingKeyOf(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
}

function signingKeyOf(privateKey: KeyObject): SigningKey {
  const jwk = privateKey.export({ format: 'jwk' });
  const kid = `${new Date().toISOString().slice(0, 10)}-${randomBytes(6).toString('base64url')}`;
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

/**
 * Checks a JWKS from LARDER_SIGNING_KEYS or the keys file: private RSA or EC keys,
 * each with a `kid`. `where` names the source in the message.
 */
export function parseJwks(text: string, where: string): Jwks {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not valid JSON; it must be a JWKS: {"keys": [...]}. Run \`larder keys:generate\` to make one.`);
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`${where} must be a JWKS with at least one key: {"keys": [...]}.`);
  for (const [index, key] of keys.entries()) {
    const k = key as Record<string, unknown>;
    if (k.kty !== 'RSA' && k.kty !== 'EC') throw new Error(`${where}: key ${index} must be an RSA or EC key (kty), got ${String(k.kty)}.`);
    if (typeof k.d !== 'string') throw new Error(`${where}: key ${index} is a public key; Larder needs the private key (d) to sign.`);
    if (typeof k.kid !== 'string' || !k.kid) throw new Error(`${where}: key ${index} needs a "kid".`);
  }
  return { keys: keys as SigningKey[] };
}

function writePrivateFile(file: string, body: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, body, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/**
 * `larder keys:generate`: writes a new signing key. Refuses to replace existing keys
 * without `force`; with it, the new key signs from now on and the previous ones stay
 * (up to two) so tokens and cookies they signed still verify.
 */
export function generateSigningKeys(storageDir: string, options: { force?: boolean; previous?: SigningKey[] } = {}): { file: string; kid: string; kept: string[] } {
  const file = signingKeysPath(storageDir);
  let old: SigningKey[] = [];
  if (existsSync(file)) {
    if (!options.force) throw new Error(`Signing keys already exist at ${file}; use --force to rotate them (the old key stays for verification).`);
    old = parseJwks(readFileSync(file, 'utf8'), file).keys.slice(0, KEPT_OLD_KEYS);
  }
  // Keys in use elsewhere (LARDER_SIGNING_KEYS) are the ones to keep, not the file's.
  if (options.previous) old = options.previous.slice(0, KEPT_OLD_KEYS);
  const key = generateSigningKey();
  writePrivateFile(file, `${JSON.stringify({ keys: [key, ...old] }, null, 2)}\n`);
  return { file, kid: key.kid, kept: old.map((k) => k.kid) };
}

/**
 * Cookie keys derived from the signing keys (HMAC of each private exponent), so a
 * deployment configures one secret, and every process sharing the keys shares cookies.
 */
function deriveCookieKeys(jwks: Jwks): string[] {
  return jwks.keys.map((key) => createHmac('sha256', String(key.d)).update('larder oidc-provider cookie key').digest('base64url'));
}

/**
 * On a first start (no LARDER_SIGNING_KEYS, no keys file yet), makes the keys file off the
 * main thread: the RSA key is generated on libuv's thread pool while the server migrates and
 * loads its catalog, and loadProviderKeys then reads the file instead of generating a key
 * itself (some 100 ms of the start). Never fails: when the file cannot be written,
 * loadProviderKeys tries again and says why.
 */
export async function prepareProviderKeys(config: Pick<Config, 'storageDir' | 'signingKeys'>): Promise<void> {
  const file = signingKeysPath(config.storageDir);
  if (config.signingKeys !== undefined || existsSync(file)) return;
  try {
    const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    // Another process starting at the same moment may have written it first: its key stays.
    if (!existsSync(file)) writePrivateFile(file, `${JSON.stringify({ keys: [signingKeyOf(privateKey)] }, null, 2)}\n`);
  } catch {
    // loadProviderKeys generates the key again and reports what is wrong.
  }
}

/**
 * The keys the server uses: LARDER_SIGNING_KEYS when set, else the keys file under
 * the storage folder, created on first start.
 */
export function loadProviderKeys(config: Pick<Config, 'storageDir' | 'signingKeys'>): ProviderKeys {
  if (config.signingKeys !== undefined) {
    const jwks = parseJwks(config.signingKeys, 'LARDER_SIGNING_KEYS');
    return { jwks, cookieKeys: deriveCookieKeys(jwks), source: 'environment' };
  }
  const file = signingKeysPath(config.storageDir);
  if (!existsSync(file)) {
    try {
      generateSigningKeys(config.storageDir);
    } catch (error) {
      // Another process starting at the same moment may have written it first.
      if (!existsSync(file)) throw error;
    }
  }
  const jwks = parseJwks(readFileSync(file, 'utf8'), file);
  return { jwks, cookieKeys: deriveCookieKeys(jwks), source: 'file' };
}

/** The public half of each key, as /oauth/jwks shows them. */
export function publicJwks(jwks: Jwks): { keys: Array<Record<string, unknown>> } {
  return {
    keys: jwks.keys.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest }) => rest),
  };
}
