import dns from 'node:dns';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import net, { BlockList, type LookupFunction } from 'node:net';

/**
 * A GET over https to a host on the public internet, for documents a stranger points
 * Larder at (client metadata documents). The draft's section 6.5 and the MCP spec's
 * "Authorization Server Abuse Protection" ask the server not to become a way into its
 * own network (SSRF):
 *
 *  - https only, no redirects followed, a time limit and a size limit;
 *  - the address is checked where the connection is made: the DNS answer goes through
 *    {@link guardedLookup}, which refuses private, loopback, link-local and other
 *    special-use addresses and hands the socket only an address it has checked, so a
 *    name that resolves differently a second time (DNS rebinding) cannot slip past a
 *    check made earlier; IP literals, which skip DNS, are checked as they are; and the
 *    connected socket's remote address is checked once more.
 *
 * @example
 *   const response = await fetchPublicHttps('https://chatgpt.com/oauth/client.json', { accept: 'application/json' });
 */
export interface PublicFetchOptions {
  /** Test switch (LARDER_CIMD_ALLOW_LOOPBACK): loopback addresses are allowed too. Private ones never are. */
  allowLoopback?: boolean;
  /** The resolver (default dns.lookup); tests give names the answers they need. */
  lookup?: LookupFunction;
  /** Extra trusted certificates, for a test server's self-signed one. */
  ca?: string | Buffer | Array<string | Buffer>;
  timeoutMs?: number;
  maxBytes?: number;
  accept?: string;
  /** Request headers for revalidation (If-None-Match). */
  headers?: Record<string, string>;
}

export interface PublicFetchResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Why a fetch was not made or not finished; `code` is stable for tests and logs. */
export class PublicFetchError extends Error {
  readonly code: 'not_https' | 'forbidden_address' | 'timeout' | 'too_large' | 'network' | 'bad_url';
  constructor(code: PublicFetchError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublicFetchError';
    this.code = code;
  }
}

export const DEFAULT_FETCH_TIMEOUT_MS = 3000;
export const DEFAULT_FETCH_MAX_BYTES = 16 * 1024;

/** IANA special-purpose registries (RFC 6890 and successors): never a public web server. */
function specialUseAddresses(): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.31.196.0', 24],
    ['192.52.193.0', 24],
    ['192.88.99.0', 24],
    ['192.168.0.0', 16],
    ['192.175.48.0', 24],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ] as const) {
    list.addSubnet(network, prefix, 'ipv4');
  }
  for (const [network, prefix] of [
    ['::', 128],
    ['64:ff9b::', 96],
    ['64:ff9b:1::', 48],
    ['100::', 64],
    ['2001::', 23],
    ['2001:db8::', 32],
    ['2002::', 16],
    ['3fff::', 20],
    ['5f00::', 16],
    ['fc00::', 7],
    ['fe80::', 10],
    ['fec0::', 10],
    ['ff00::', 8],
  ] as const) {
    list.addSubnet(network, prefix, 'ipv6');
  }
  return list;
}

const SPECIAL_USE = specialUseAddresses();
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** The eight 16-bit groups of an IPv6 address (with `::` and a dotted IPv4 tail expanded). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((group) => Number.parseInt(group, 16));
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : undefined;
}

/**
 * An IP literal in the form to check: IPv4, or the IPv4 address inside an IPv4-mapped
 * IPv6 one (::ffff:10.0.0.1, ::ffff:a00:1 and their long forms), which sockets may report.
 */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  const family = net.isIP(address);
  if (family === 4) return { address, family: 'ipv4' };
  if (family !== 6) return undefined;
  const groups = ipv6Groups(address);
  if (!groups) return undefined;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high, low] = [groups[6]!, groups[7]!];
    return { address: `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, family: 'ipv4' };
  }
  return { address, family: 'ipv6' };
}

/** True when `address` (an IP literal) may be fetched from. */
export function isPublicAddress(address: string, options: { allowLoopback?: boolean } = {}): boolean {
  const ip = unmapped(address);
  if (!ip) return false;
  if (LOOPBACK.check(ip.address, ip.family)) return options.allowLoopback === true;
  return !SPECIAL_USE.check(ip.address, ip.family);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the socket that resolves every address of the name and refuses the
 * name if any is not public (a name with one private address is not one to trust), then
 * answers the socket in the form it asked for.
 */
export function guardedLookup(options: { allowLoopback?: boolean; lookup?: LookupFunction }): LookupFunction {
  const resolve = options.lookup ?? (dns.lookup as unknown as LookupFunction);
  return ((hostname: string, lookupOptions: dns.LookupOptions, callback: LookupCallback) => {
    resolve(hostname, { ...lookupOptions, all: true }, ((error: NodeJS.ErrnoException | null, addresses: string | dns.LookupAddress[]) => {
      if (error) return callback(error, '');
      const all = Array.isArray(addresses) ? addresses : [{ address: addresses, family: net.isIP(addresses) }];
      const refused = all.find((entry) => !isPublicAddress(entry.address, options));
      if (all.length === 0 || refused) {
        const reason = new PublicFetchError('forbidden_address', `${hostname} resolves to ${refused?.address ?? 'no address'}, which is not a public internet address.`);
        return callback(reason as unknown as NodeJS.ErrnoException, '');
      }
      if (lookupOptions.all) return callback(null, all);
      const first = all[0]!;
      return callback(null, first.address, first.family);
    }) as never);
  }) as unknown as LookupFunction;
}

/** See {@link PublicFetchOptions}. Resolves with any status; the caller decides what a 404 means. */
export async function fetchPublicHttps(target: string, options: PublicFetchOptions = {}): Promise<PublicFetchResponse> {
  const url = URL.parse(target);
  if (!url) throw new PublicFetchError('bad_url', `"${target.slice(0, 200)}" is not a URL.`);
  if (url.protocol !== 'https:') throw new PublicFetchError('not_https', `Only https URLs are fetched, not ${url.protocol}.`);
  if (url.username || url.password) throw new PublicFetchError('bad_url', 'A URL with user information is not fetched.');
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(hostname) && !isPublicAddress(hostname, options)) {
    throw new PublicFetchError('forbidden_address', `${hostname} is not a public internet address.`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_FETCH_MAX_BYTES;

  return new Promise<PublicFetchResponse>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, response?: PublicFetchResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        request.destroy();
        reject(error instanceof PublicFetchError ? error : new PublicFetchError('network', `Could not fetch ${url.href}: ${error.message}`, { cause: error }));
      } else resolve(response!);
    };
    const request = https.request({
      protocol: 'https:',
      hostname,
      port: url.port || 443,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      servername: net.isIP(hostname) ? undefined : hostname,
      headers: { accept: options.accept ?? 'application/json', 'user-agent': 'Larder (client metadata fetch)', ...options.headers },
      lookup: guardedLookup(options),
      // A fresh connection per fetch: a pooled socket would skip the address check.
      agent: false,
      ...(options.ca ? { ca: options.ca } : {}),
    });
    const timer = setTimeout(() => finish(new PublicFetchError('timeout', `${url.host} did not answer within ${timeoutMs} ms.`)), timeoutMs);
    request.on('socket', (socket) => {
      socket.once('connect', () => {
        // Belt and braces: the address actually connected to, whatever resolved it.
        const remote = socket.remoteAddress;
        if (!remote || !isPublicAddress(remote, options)) {
          finish(new PublicFetchError('forbidden_address', `Connected to ${remote ?? 'an unknown address'}, which is not a public internet address.`));
        }
      });
    });
    request.on('error', (error) => {
      const cause = (error as { cause?: unknown }).cause;
      finish(error instanceof PublicFetchError ? error : cause instanceof PublicFetchError ? cause : error);
    });
    request.on('response', (response) => {
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        finish(new PublicFetchError('too_large', `${url.host} sent more than ${maxBytes} bytes.`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) finish(new PublicFetchError('too_large', `${url.host} sent more than ${maxBytes} bytes.`));
        else chunks.push(chunk);
      });
      response.on('end', () => finish(undefined, { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', (error) => finish(error));
    });
    request.end();
  });
}
