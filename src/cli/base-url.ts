import { UsageError } from './command.js';

/** --url: the running Larder's base URL, checked before anything is created. */
export function parseBaseUrl(text: string): string {
  const url = URL.parse(text);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.host) {
    throw new UsageError(`--url must be the absolute http(s) address of a running Larder, such as https://larder.example.com (got "${text}")`);
  }
  if (url.search || url.hash || url.username || url.password) throw new UsageError(`--url must be Larder's base address, without query, fragment or credentials (got "${text}")`);
  return url.href.replace(/\/+$/, '');
}
