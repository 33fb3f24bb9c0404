import type { Prng } from './prng.js';

/**
 * Values a hostile or broken client sends: odd unicode (lone surrogates, NUL, bidi
 * controls, combining marks, case-folding traps), injections for every layer (HTML,
 * SQL, templates, prototype keys), numbers at the edges, impossible dates, overlong text.
 */
export const ODD_TEXT: readonly string[] = [
  '',
  ' ',
  '\t',
  'a b',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '\u202egnp.exe',
  '\u200f\u200e\u2066rtl\u2069',
  '\ufeff',
  '\u200b',
  'e\u0301\u0301\u0301',
  'İıſK',
  'ﬀ',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '🍎🍌🥦',
  '\u0085\u2028\u2029',
  '\r\nX-Injected: 1',
  '\n',
  '..',
  '../../../../etc/passwd',
  '%',
  '%00',
  '%zz',
  '%C0%AF',
  '%E0%80%AF',
  '%ED%A0%80',
  '%FF%FE',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR '1'='1",
  '1; DROP TABLE users; --',
  '${7*7}',
  '{{7*7}}',
  '<%= it %>',
  '<%~ process.exit() %>',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '0',
  '-0',
  '-1',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '0x10',
  '9'.repeat(400),
  '1.0000000000000000001',
  '2026-13-01',
  '2026-00-10',
  '2026-12-32',
  '2026-02-30',
  '2026-12-00',
  '0000-00-00',
  '9999-99-99',
  '-002026-01-01',
  '+275760-09-14',
  '2026-1-1',
  '20260101',
  'today',
  'Ω',
  'x'.repeat(201),
  'x'.repeat(5_000),
];

/** Dates that look like YYYY-MM-DD and do not exist, or are out of any calendar's range. */
export const ODD_DATES: readonly string[] = ['2026-13-01', '2026-00-10', '2026-12-32', '2026-02-30', '2026-12-00', '2025-02-29', '0000-00-00', '9999-99-99', '+275760-09-14', '-000001-01-01', '2026-1-1', '2026-01-01T00:00:00Z', '2026-W01-1', '26-01-01', '2026/01/01', '２０２６-０１-０１'];

/** Numbers and number-like JSON at the edges. */
export const ODD_NUMBERS: readonly string[] = ['0', '-0', '-1', '1', '1.5', '5000', '5000.0001', '50', '51', '1e308', '-1e308', '5e-324', '9007199254740993', '1e400', '0.0000001', '123456789012345678901234567890'];

/**
 * UTF-8 bytes of a JavaScript string, lone surrogates included (as their 3-byte
 * encodings, which are not valid UTF-8: what a broken client sends).
 */
export function looseUtf8(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  return Buffer.from(bytes);
}

/** Percent-encodes every byte outside the unreserved set (RFC 3986 section 2.3), lone surrogates too. */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of looseUtf8(text)) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A value as it goes into a URL: usually encoded, sometimes as it is (already-encoded oddities like %C0%AF stay). */
export function urlValue(rng: Prng, text: string): string {
  return /%[0-9A-Fa-f]{2}|^%/.test(text) && rng.chance(0.5) ? text : percentEncode(text);
}

/** Bytes that are never valid UTF-8, for raw requests and bodies: overlong forms, surrogates, 0xFF. */
export const BAD_BYTES: readonly Buffer[] = [
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xe0, 0x80, 0xaf]),
  Buffer.from([0xf0, 0x80, 0x80, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0x00]),
  Buffer.from([0x7f]),
  Buffer.from([0x01, 0x1b]),
  Buffer.from([0x80]),
];

export function oddText(rng: Prng): string {
  return rng.pick(ODD_TEXT);
}

/** A JSON value, well-formed, of any type and odd content; objects with prototype-ish keys. */
export function oddJsonText(rng: Prng, depth = 0): string {
  const kind = depth > 3 ? rng.int(0, 3) : rng.int(0, 6);
  switch (kind) {
    case 0:
      return JSON.stringify(oddText(rng));
    case 1:
      return rng.pick(ODD_NUMBERS);
    case 2:
      return rng.pick(['true', 'false', 'null']);
    case 3:
      return JSON.stringify(rng.pick(['breakfast', 'lunch', 'dinner', 'snack', 'authorization_code', 'refresh_token', '']));
    case 4:
      return `[${Array.from({ length: rng.int(0, 4) }, () => oddJsonText(rng, depth + 1)).join(',')}]`;
    default: {
      const keys = ['__proto__', 'constructor', 'prototype', 'a', 'food_id', 'meal', 'grams', 'date', 'portion', 'quantity', 'idempotency_key', 'grant_type', 'code', 'token', oddText(rng)];
      const entries = Array.from({ length: rng.int(0, 5) }, () => `${JSON.stringify(rng.pick(keys))}:${oddJsonText(rng, depth + 1)}`);
      return `{${entries.join(',')}}`;
    }
  }
}

/** JSON nested `levels` deep: arrays, objects, or both. */
export function deepJson(rng: Prng, levels: number): string {
  if (rng.chance(0.5)) return `${'['.repeat(levels)}1${']'.repeat(levels)}`;
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

/** Bodies that are not what any parser wants. */
export function brokenBody(rng: Prng): Buffer {
  return rng.pick<() => Buffer>([
    () => Buffer.from('{'),
    () => Buffer.from('{"food_id": '),
    () => Buffer.from('{"a":1,}'),
    () => Buffer.from("{'a': 1}"),
    () => Buffer.from('{"a":"\\ud800"}'),
    () => Buffer.from('{"a":"\\u0000"}'),
    () => Buffer.from('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}'),
    () => Buffer.from('{"a":1}{"b":2}'),
    () => Buffer.from('NaN'),
    () => Buffer.from('"just a string"'),
    () => Buffer.from('12345'),
    () => Buffer.from('null'),
    () => Buffer.from('[]'),
    () => Buffer.concat([Buffer.from('{"food_id":"'), rng.pick(BAD_BYTES), Buffer.from('","meal":"lunch","grams":10}')]),
    () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]),
    () => Buffer.from('a=1&a=2&a[]=3&a[b]=4&=5&&%zz=%zz'),
    () => Buffer.from('grant_type=authorization_code&code=%ED%A0%80&client_id=%00'),
    () => Buffer.from(`--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n`),
    () => Buffer.alloc(rng.int(1, 4096), rng.int(0, 255)),
    () => Buffer.from(deepJson(rng, rng.pick([50, 1_000, 100_000]))),
    () => Buffer.from(`{"a":"${'x'.repeat(rng.pick([70_000, 1_100_000]))}"}`),
  ])();
}
