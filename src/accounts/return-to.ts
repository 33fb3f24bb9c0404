const PROBE_ORIGIN = 'http://larder.invalid';

/**
 * `value`, as a URL parser writes it, if it is a path on this site, else undefined: the guard against open redirects
 * through `?return_to=`. A local path starts with exactly one `/`; `//host` and `/\host`
 * are other hosts to a browser, and browsers drop tabs and line breaks from URLs, so
 * `/\t/host` is refused too.
 */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return undefined;
  if (value[0] !== '/' || value[1] === '/' || value.includes('\\')) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return undefined;
  }
  // Belt and braces: however a URL parser reads it, it must stay on this origin.
  if (url.origin !== PROBE_ORIGIN) return undefined;
  // The parser's own serialization: characters a Location header cannot carry (anything
  // outside ASCII, say `?date=２０２６`) come back percent-encoded, and the path stays the same.
  return url.pathname + url.search + url.hash;
}
