import type { RawResponse } from '../http/raw-http.js';
import type { FuzzRequest } from './requests.js';

/** What is wrong with an answer, in the terms of the run's figures. */
export type Problem = 'server error (5xx)' | 'not JSON where JSON is due' | 'not HTML where a page is due' | 'no answer' | 'stack trace in the body' | 'cacheable API answer';

/**
 * The path a request target names, worked out here on its own terms (not with Larder's
 * helper, which is what is being tested): the absolute form's authority dropped.
 */
export function targetPath(target: string): string {
  const rest = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const end = rest.search(/[?#]/);
  return (end < 0 ? rest : rest.slice(0, end)) || '/';
}

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/** Where callers are programs and errors must be JSON: the API, MCP, the authorization server, metadata, JSON documents, metrics. */
export function jsonIsDue(path: string): boolean {
  return under(path, '/api') || under(path, '/mcp') || under(path, '/oauth') || under(path, '/.well-known') || path.endsWith('.json') || path === '/metrics';
}

/** Where a person's browser may land on the authorization server: an error page is right there (SPEC.md). */
function personFacing(path: string): boolean {
  return under(path, '/oauth/authorize') || under(path, '/oauth/logout');
}

function isJsonError(response: RawResponse, path: string): boolean {
  if (!/^application\/([a-z.+-]+\+)?json\b/i.test(response.headers['content-type'] ?? '')) return false;
  try {
    const body = JSON.parse(response.body) as Record<string, unknown>;
    if (body && typeof body.error === 'string' && typeof body.error_description === 'string') return true;
    // MCP speaks JSON-RPC 2.0: its errors are {jsonrpc, error: {code, message}, id}.
    const rpc = body?.error as { code?: unknown; message?: unknown } | undefined;
    return under(path, '/mcp') && body.jsonrpc === '2.0' && typeof rpc?.code === 'number' && typeof rpc.message === 'string';
  } catch {
    return false;
  }
}

/**
 * Judges one answer: no 5xx ever; JSON `{error, error_description}` errors where JSON is
 * due (and for requests refused before routing, which only programs send); HTML for a
 * page's errors; an answer to every whole request; no stack traces; no cacheable API answer.
 */
export function judge(request: FuzzRequest, response: RawResponse): Problem[] {
  // A request cut short is owed nothing; but what it is answered must still not be a 5xx.
  if (!request.complete) return response.status >= 500 ? ['server error (5xx)'] : [];
  // A server that answers before reading a large body it has no use for, then closes, has
  // the kernel reset the connection while the client still sends (RFC 9112 section 9.6):
  // the client may never read the answer. That is TCP, not Larder, and the run checks /health.
  if (response.status === 0 && response.failure === 'reset' && request.bytes.length > 256 * 1024) return [];
  if (response.status === 0) return ['no answer'];
  const problems: Problem[] = [];
  const path = targetPath(request.target);
  const isHead = /^HEAD$/i.test(request.method);
  const type = response.headers['content-type'] ?? '';
  // Larder's own replies carry its CSP; the parser's refusals (before any route) are bare.
  const refusedBeforeRouting = response.headers['content-security-policy'] === undefined;
  if (response.status >= 500) problems.push('server error (5xx)');
  if (/\n\s+at [^\n]+:\d+:\d+/.test(response.body) || /"stack"\s*:/.test(response.body)) problems.push('stack trace in the body');
  if (response.status >= 400) {
    if (refusedBeforeRouting || (jsonIsDue(path) && !(personFacing(path) && /^text\/html/i.test(type)))) {
      if (isHead ? !/json/i.test(type) : !isJsonError(response, path)) problems.push('not JSON where JSON is due');
    } else if (!/^text\/html/i.test(type)) {
      problems.push('not HTML where a page is due');
    }
  } else if (response.status >= 200 && response.status < 300 && response.body.length > 0 && !isHead) {
    // Prometheus' text format is what /metrics answers when it answers.
    if (jsonIsDue(path) && !personFacing(path) && path !== '/metrics' && !/json/i.test(type)) problems.push('not JSON where JSON is due');
    const plainDocument = under(path, '/assets') || ['/health', '/livez', '/readyz'].includes(path);
    if (!jsonIsDue(path) && !plainDocument && !/^text\/html/i.test(type)) problems.push('not HTML where a page is due');
  }
  if ((under(path, '/api') || under(path, '/mcp')) && !refusedBeforeRouting && !/\bno-store\b/.test(response.headers['cache-control'] ?? '')) problems.push('cacheable API answer');
  return problems;
}
