import { BAD_BYTES, brokenBody, deepJson, looseUtf8, ODD_DATES, oddJsonText, oddText, percentEncode, urlValue } from './inputs.js';
import { Prng } from './prng.js';
import type { Endpoint, FuzzContext } from './targets.js';

/** One request of a run, as bytes on the wire, with what the oracle needs to judge the answer. */
export interface FuzzRequest {
  index: number;
  /** The endpoint's template and method, for grouping findings. */
  endpoint: string;
  /** What was done to the well-formed request (empty: it is well-formed). */
  strategies: string[];
  method: string;
  /** The request target as sent. */
  target: string;
  bytes: Buffer;
  /** Whether the request is whole, so that the server owes an answer. */
  complete: boolean;
}

interface Draft {
  method: string;
  path: string;
  query: Array<[string, string]>;
  headers: Array<[string, string | Buffer]>;
  body?: Buffer;
  /** How the target is written: origin form, absolute form (RFC 9112 section 3.2.2), or raw bytes. */
  targetForm: 'origin' | 'absolute' | 'asterisk';
  rawTarget?: Buffer;
  version: string;
  lineEnd: string;
  contentLength: 'auto' | 'none';
  complete: boolean;
  /** Bytes sent after the request (a second, pipelined one). */
  trailing?: Buffer;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH', 'CONNECT', 'PURGE', 'LINK'];

function setHeader(draft: Draft, name: string, value: string | Buffer): void {
  draft.headers = draft.headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
  draft.headers.push([name, value]);
}

function removeHeader(draft: Draft, name: string): void {
  draft.headers = draft.headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** The well-formed request to an endpoint, with real credentials and plausible values. */
function wellFormed(rng: Prng, endpoint: Endpoint, ctx: FuzzContext): Draft {
  const method = rng.pick(endpoint.methods);
  const path = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => percentEncode(endpoint.params?.[name]?.(rng, ctx) ?? `x${rng.int(1, 99)}`));
  const query: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(endpoint.query ?? {})) if (rng.chance(0.8)) query.push([name, percentEncode(value(rng, ctx))]);
  const draft: Draft = { method, path, query, headers: [['Host', `127.0.0.1:${ctx.port}`]], targetForm: 'origin', version: 'HTTP/1.1', lineEnd: '\r\n', contentLength: 'auto', complete: true };
  if (rng.chance(0.5)) draft.headers.push(['Accept', rng.pick(['application/json', 'text/html,application/xhtml+xml,*/*;q=0.8', '*/*'])]);
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(endpoint.body?.fields ?? {})) if (rng.chance(0.9)) fields[name] = value(rng, ctx);
  if (endpoint.auth === 'bearer') draft.headers.push(['Authorization', `Bearer ${rng.chance(0.9) ? ctx.accessToken : ctx.foodsOnlyToken}`]);
  if (endpoint.auth === 'session') draft.headers.push(['Cookie', ctx.session.cookie]);
  if (endpoint.auth === 'client' && rng.chance(0.5)) {
    draft.headers.push(['Authorization', basic(String(fields.client_id ?? ctx.clientId), String(fields.client_secret ?? ctx.clientSecret))]);
    delete fields.client_id;
    delete fields.client_secret;
  }
  if (endpoint.body) {
    if (endpoint.body.type === 'json') {
      draft.body = Buffer.from(JSON.stringify(fields));
      draft.headers.push(['Content-Type', 'application/json']);
    } else {
      const form = new URLSearchParams();
      for (const [name, value] of Object.entries(fields)) form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
      draft.body = Buffer.from(form.toString());
      draft.headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
    }
  }
  return draft;
}

type Strategy = (rng: Prng, draft: Draft, ctx: FuzzContext) => string;

const wrongMethod: Strategy = (rng, draft) => {
  draft.method = rng.pick(METHODS);
  return `method ${draft.method}`;
};

const oddQuery: Strategy = (rng, draft) => {
  const how = rng.int(0, 6);
  if (how === 0 && draft.query.length > 0) {
    const at = rng.int(0, draft.query.length - 1);
    const name = draft.query[at]![0];
    draft.query[at] = [name, urlValue(rng, name === 'date' && rng.chance(0.6) ? rng.pick(ODD_DATES) : oddText(rng))];
    return `query ${name} odd`;
  }
  if (how === 1) {
    draft.query.push([rng.pick(['__proto__', 'constructor', 'a[b]', 'q[]', '%00', '', 'access_token', percentEncode('\u202e')]), urlValue(rng, oddText(rng))]);
    return 'query odd name';
  }
  if (how === 2 && draft.query.length > 0) {
    const [name] = draft.query[0]!;
    draft.query.push([name, urlValue(rng, oddText(rng))], [name, 'second']);
    return 'query repeated';
  }
  if (how === 3) {
    const name = draft.query[0]?.[0] ?? 'q';
    draft.query.push([name, 'x'.repeat(rng.pick([300, 3_000, 12_000, 40_000]))]);
    return 'query overlong';
  }
  if (how === 4) {
    draft.query = [...draft.query.filter(([name]) => name !== 'date'), ['date', percentEncode(rng.pick(ODD_DATES))]];
    return 'query impossible date';
  }
  if (how === 5) {
    draft.query = draft.query.map(([name]) => [name, '']);
    return 'query empty values';
  }
  draft.query.push(['limit', rng.pick(['0', '-1', '11', '1e3', 'abc', '1.5', '99999999999999999999'])]);
  return 'query limit odd';
};

const oddPath: Strategy = (rng, draft) => {
  const how = rng.int(0, 6);
  const segments = draft.path.split('/');
  if (how === 0 && segments.length > 2) {
    segments[segments.length - 1] = urlValue(rng, oddText(rng));
    draft.path = segments.join('/');
    return 'path segment odd';
  }
  if (how === 1) {
    draft.path += `/${'p'.repeat(rng.pick([301, 2_000, 14_000]))}`;
    return 'path overlong';
  }
  if (how === 2) {
    draft.path = rng.pick([`${draft.path}/`, `${draft.path}//`, draft.path.replace('/', '//'), `${draft.path}/..`, `${draft.path}/%2e%2e/%2e%2e/etc/passwd`, draft.path.replace(/\//g, '%2F'), draft.path.toUpperCase(), `${draft.path};x=1`, `${draft.path}%00`]);
    return 'path shape odd';
  }
  if (how === 3) {
    draft.path += `/${rng.pick(['%', '%zz', '%C0%AF', '%ED%A0%80', '%FF', percentEncode('\u202e'), '%E2%80%AE'])}`;
    return 'path bad escape';
  }
  if (how === 4) {
    draft.path = rng.pick(['/api', '/api/', '/api/nothing', '/oauth', '/oauth/', '/oauth/nothing', '/.well-known/', '/.well-known/nothing', '/x.json', '/nothing', '/catalog/', '/interaction/', '/assets/']);
    return 'path unknown';
  }
  if (how === 5) {
    draft.path += `#${percentEncode(oddText(rng))}`;
    return 'path fragment';
  }
  segments[Math.max(1, segments.length - 1)] = percentEncode(rng.pick(['\ud800', '\u0000', '𝔘', 'e\u0301']));
  draft.path = segments.join('/');
  return 'path odd unicode';
};

function jsonObjectIn(body: Buffer | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = body ? JSON.parse(body.toString()) : undefined;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const oddBody: Strategy = (rng, draft) => {
  const how = rng.int(0, 5);
  const fields = how === 0 ? jsonObjectIn(draft.body) : undefined;
  if (fields) {
    // A well-formed JSON object with one field replaced by an odd JSON value.
    const names = Object.keys(fields);
    const name = names.length > 0 ? rng.pick(names) : 'extra';
    const odd = name === 'date' && rng.chance(0.6) ? JSON.stringify(rng.pick(ODD_DATES)) : oddJsonText(rng);
    const text = JSON.stringify({ ...fields, [name]: '__ODD__' }).replace('"__ODD__"', odd);
    draft.body = Buffer.from(text);
    return `body field ${name} odd`;
  }
  if (how === 1) {
    draft.body = Buffer.from(oddJsonText(rng));
    return 'body odd JSON';
  }
  if (how === 2) {
    draft.body = Buffer.from(deepJson(rng, rng.pick([64, 5_000, 200_000])));
    return 'body deep JSON';
  }
  if (how === 3 && draft.body) {
    const text = draft.body.toString('latin1');
    const at = rng.int(0, text.length);
    draft.body = Buffer.concat([Buffer.from(text.slice(0, at), 'latin1'), rng.pick([...BAD_BYTES, looseUtf8('\ud800'), looseUtf8('\u202e')]), Buffer.from(text.slice(at), 'latin1')]);
    return 'body bad bytes';
  }
  if (how === 4) {
    draft.body = Buffer.from(`${'x'.repeat(rng.pick([60_000, 1_100_000, 2_500_000]))}`);
    return 'body huge';
  }
  draft.body = brokenBody(rng);
  return 'body broken';
};

const oddContentType: Strategy = (rng, draft) => {
  const type = rng.pick([
    undefined,
    'text/plain',
    'text/html',
    'application/json; charset=utf-16',
    'application/json; charset=latin1',
    'application/jsonx',
    'application/json;;;',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'multipart/form-data',
    'application/octet-stream',
    'application/xml',
    'application/merge-patch+json',
    '*/*',
    '',
    'application/json, text/html',
    'x'.repeat(3000),
  ]);
  if (type === undefined) removeHeader(draft, 'Content-Type');
  else setHeader(draft, 'Content-Type', type);
  if (!draft.body && rng.chance(0.7)) draft.body = Buffer.from(rng.chance(0.5) ? '{"a":1}' : 'a=1');
  return `content-type ${type === undefined ? 'missing' : JSON.stringify(type.slice(0, 40))}`;
};

const badCredentials: Strategy = (rng, draft, ctx) => {
  const values: Array<string | undefined> = [
    undefined,
    'Bearer',
    'Bearer ',
    `Bearer forged${rng.next().toString(36)}`,
    `Bearer ${ctx.accessToken}x`,
    `Bearer ${ctx.accessToken.slice(0, -1)}`,
    `bearer ${ctx.accessToken}`,
    `Bearer  ${ctx.accessToken} `,
    `Bearer ${ctx.revokedToken}`,
    `Bearer ${ctx.refreshToken}`,
    `Bearer ${ctx.usedCode}`,
    `Bearer ${ctx.foodsOnlyToken}`,
    `Bearer ${ctx.clientSecret}`,
    `Bearer ${'A'.repeat(rng.pick([500, 8_000]))}`,
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIiwic2NvcGUiOiJkaWFyeTp3cml0ZSJ9.',
    'Bearer a b c',
    'Bearer ../../etc/passwd',
    'Bearer %00',
    'Basic !!!',
    `Basic ${Buffer.from('nocolon').toString('base64')}`,
    basic(ctx.clientId, 'wrong-secret'),
    basic('%ZZ', '%ZZ'),
    `Basic ${Buffer.from(`${ctx.clientId}:${ctx.clientSecret}`).toString('base64').slice(0, -2)}`,
    'Digest username="x"',
    'DPoP abc',
    'Negotiate YII=',
  ];
  const value = rng.pick(values);
  if (value === undefined) removeHeader(draft, 'Authorization');
  else setHeader(draft, 'Authorization', value);
  if (rng.chance(0.3)) {
    setHeader(draft, 'Cookie', rng.pick([`larder_session=forged${rng.next()}`, 'larder_session=', '_larder_oauth_session=x; _larder_oauth_session.sig=y', `a=${'b'.repeat(8000)}`, ';;;=;', 'larder_session=%ED%A0%80']));
  }
  if (rng.chance(0.1)) draft.headers.push(['Authorization', `Bearer ${ctx.accessToken}`]);
  return `credentials ${value === undefined ? 'none' : value.split(' ')[0]}`;
};

const oddHeaders: Strategy = (rng, draft) => {
  const how = rng.int(0, 6);
  if (how === 0) {
    draft.headers.push([`X-${rng.pick(['Big', 'Trace', 'Forwarded-For'])}`, 'h'.repeat(rng.pick([4_000, 12_000, 20_000, 200_000]))]);
    return 'header overlong';
  }
  if (how === 1) {
    for (let i = 0; i < rng.pick([100, 1_000, 3_000]); i++) draft.headers.push([`X-H${i}`, 'v']);
    return 'headers many';
  }
  if (how === 2) {
    draft.headers.push([rng.pick(['X-Odd', 'Idempotency-Key', 'User-Agent', 'Accept-Language']), Buffer.concat([Buffer.from('a'), rng.pick(BAD_BYTES), looseUtf8('\u202e\ud800')])]);
    return 'header bad bytes';
  }
  if (how === 3) {
    setHeader(draft, 'Host', rng.pick(['', 'evil.example', 'evil.example:99999', '127.0.0.1:1', '[::1', 'a b', 'x'.repeat(300)]));
    if (rng.chance(0.3)) draft.headers.push(['Host', 'second.example']);
    return 'header host odd';
  }
  if (how === 4) {
    draft.headers.push(
      ['X-Forwarded-For', rng.pick(['198.51.100.1, 203.0.113.7', 'garbage', '::ffff:1.2.3.4', ''])],
      ['X-Forwarded-Host', 'evil.example'],
      ['X-Forwarded-Proto', rng.pick(['https', 'gopher'])],
      ['Forwarded', 'for=1.2.3.4;host=evil.example;proto=https'],
      ['Origin', rng.pick(['https://evil.example', 'null', 'https://chatgpt.com'])],
    );
    return 'headers proxy and origin';
  }
  if (how === 5) {
    draft.headers.push([
      rng.pick(['Expect', 'Range', 'If-None-Match', 'If-Modified-Since', 'Content-Encoding', 'Accept-Encoding', 'Idempotency-Key', 'Upgrade', 'TE']),
      rng.pick(['100-continue', 'fancy-expectation', 'bytes=0-0,-1', '*', 'Sat, 99 Foo 2026', 'gzip', 'br;q=x', 'x'.repeat(500), 'websocket', 'trailers']),
    ]);
    return 'header semantic odd';
  }
  draft.headers.push(['Accept', rng.pick(['text/html', 'application/json', 'image/png', '', 'x/y;q=oops', '*/*;q=0'])]);
  return 'header accept odd';
};

const oddProtocol: Strategy = (rng, draft, ctx) => {
  const how = rng.int(0, 13);
  switch (how) {
    case 0:
      draft.targetForm = 'absolute';
      return 'target absolute form';
    case 1:
      draft.method = 'OPTIONS';
      draft.targetForm = 'asterisk';
      return 'target asterisk form';
    case 2:
      draft.rawTarget = Buffer.concat([Buffer.from(`${draft.path}/`), rng.pick(BAD_BYTES), Buffer.from('?q=')]);
      return 'target raw bad bytes';
    case 3:
      draft.version = rng.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1x', 'HTTX/1.1', '']);
      if (draft.version === 'HTTP/1.0' && rng.chance(0.5)) removeHeader(draft, 'Host');
      return `version ${draft.version || 'none'}`;
    case 4:
      draft.lineEnd = '\n';
      return 'bare LF line ends';
    case 5:
      removeHeader(draft, 'Host');
      return 'no Host';
    case 6:
      draft.headers.push(['X-Folded', 'a\r\n continued']);
      return 'obsolete line folding';
    case 7:
      draft.contentLength = 'none';
      setHeader(draft, 'Transfer-Encoding', 'chunked');
      setHeader(draft, 'Content-Length', String(draft.body?.length ?? 0));
      draft.body = Buffer.from(`${(draft.body?.length ?? 0).toString(16)}\r\n${draft.body?.toString('latin1') ?? ''}\r\n0\r\n\r\n`, 'latin1');
      return 'Content-Length with chunked';
    case 8:
      draft.contentLength = 'none';
      setHeader(draft, 'Transfer-Encoding', rng.pick(['chunked', 'gzip, chunked', 'chunked, gzip', 'identity', 'xchunked']));
      draft.body = Buffer.from(rng.pick(['zz\r\nabc\r\n0\r\n\r\n', '3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n', '-1\r\n\r\n', 'ffffffffffffffff\r\nab\r\n', '3;ext=1\r\nabc\r\n0\r\n\r\n', '0\r\n\r\n']));
      // A chunk announced and never sent: the server rightly waits for the rest.
      if (draft.body.toString().startsWith('ffff')) draft.complete = false;
      return 'chunked odd';
    case 9: {
      draft.contentLength = 'none';
      const declared = rng.pick(['-1', 'abc', '1e3', '99999999999999999999', ' 5', '5, 6']);
      draft.headers.push(['Content-Length', declared]);
      const twice = rng.chance(0.5);
      if (twice) draft.headers.push(['Content-Length', '0']);
      // A valid length longer than the body sent: the server rightly waits for the rest.
      if (!twice && /^\s*\d+\s*$/.test(declared) && Number(declared) > (draft.body?.length ?? 0)) draft.complete = false;
      return 'Content-Length odd';
    }
    case 10: {
      // The body is cut short and the client hangs up: nothing is owed.
      draft.contentLength = 'none';
      const declared = (draft.body?.length ?? 0) + rng.int(1, 5_000);
      draft.headers.push(['Content-Length', String(declared)]);
      draft.complete = false;
      return 'body cut short, hang up';
    }
    case 11:
      draft.trailing = Buffer.from(`GET /api/me HTTP/1.1\r\nHost: 127.0.0.1:${ctx.port}\r\n\r\n`);
      removeHeader(draft, 'Connection');
      return 'pipelined second request';
    case 12:
      draft.method = rng.pick(['get', 'G ET', 'GET\t', 'M'.repeat(200), 'PRI', 'POST ']);
      return 'method malformed';
    default:
      draft.headers.push([rng.pick(['X Space', 'X-Colon:', '', 'X-Ctl\u0001', 'Bad(Name)']), 'value']);
      return 'header name malformed';
  }
};

const STRATEGIES: ReadonlyArray<readonly [number, readonly [string, Strategy]]> = [
  [10, ['method', wrongMethod]],
  [15, ['query', oddQuery]],
  [10, ['path', oddPath]],
  [15, ['body', oddBody]],
  [6, ['content-type', oddContentType]],
  [12, ['credentials', badCredentials]],
  [7, ['headers', oddHeaders]],
  [12, ['protocol', oddProtocol]],
];

function serialize(draft: Draft, port: number): { bytes: Buffer; target: string } {
  const query = draft.query.length > 0 ? `?${draft.query.map(([n, v]) => (v === '' && n === '' ? '' : `${n}=${v}`)).join('&')}` : '';
  const origin = `${draft.path}${query}`;
  const target =
    draft.rawTarget ?? Buffer.from(draft.targetForm === 'asterisk' ? '*' : draft.targetForm === 'absolute' ? `http://127.0.0.1:${port}${origin}` : origin, 'latin1');
  const headers = [...draft.headers];
  if (!headers.some(([n]) => n.toLowerCase() === 'connection') && !draft.trailing) headers.push(['Connection', 'close']);
  if (draft.contentLength === 'auto' && draft.body) headers.push(['Content-Length', String(draft.body.length)]);
  const parts: Buffer[] = [Buffer.from(`${draft.method} `, 'latin1'), target, Buffer.from(`${draft.version ? ` ${draft.version}` : ''}${draft.lineEnd}`, 'latin1')];
  for (const [name, value] of headers) parts.push(Buffer.from(`${name}: `, 'latin1'), Buffer.isBuffer(value) ? value : looseUtf8(value), Buffer.from(draft.lineEnd, 'latin1'));
  parts.push(Buffer.from(draft.lineEnd, 'latin1'));
  if (draft.body) parts.push(draft.body);
  if (draft.trailing) parts.push(draft.trailing);
  return { bytes: Buffer.concat(parts), target: target.toString('latin1') };
}

/**
 * Request number `index` of the run with `seed`: a well-formed request to one of the
 * endpoints (real credentials, plausible values), then none to three of the strategies
 * above applied to it. The same seed and index always give the same bytes.
 */
export function buildRequest(seed: number, index: number, endpoints: readonly Endpoint[], ctx: FuzzContext): FuzzRequest {
  const rng = new Prng(seed, index);
  // The API's handlers are where the logic is: its operations are drawn three times as often.
  const endpoint = rng.weighted(endpoints.map((e) => [e.area === 'api' ? 3 : 1, e] as const));
  const draft = wellFormed(rng, endpoint, ctx);
  const strategies: string[] = [];
  const count = rng.weighted([
    [20, 0],
    [45, 1],
    [25, 2],
    [10, 3],
  ] as const);
  for (let i = 0; i < count; i++) {
    const [, strategy] = rng.weighted(STRATEGIES);
    strategies.push(strategy(rng, draft, ctx));
  }
  const { bytes, target } = serialize(draft, ctx.port);
  return { index, endpoint: `${endpoint.methods.join('|')} ${endpoint.path}`, strategies, method: draft.method, target, bytes, complete: draft.complete };
}
