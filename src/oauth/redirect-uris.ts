import { LarderError } from '../errors.js';

/**
 * RFC 7591 section 3.2.2: a registration whose redirect URIs the server refuses gets
 * `invalid_redirect_uri`. Also what a metadata document with such a URI earns.
 */
export class InvalidRedirectUriError extends LarderError {
  constructor(description: string) {
    super('invalid_redirect_uri', 400, description);
    this.name = 'InvalidRedirectUriError';
  }
}

/** RFC 8252 section 8.3: loopback hosts. oidc-provider's native clients match these on any port. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Schemes that are not an app's own (RFC 8252 section 7.1 private-use schemes are):
 * script and data URLs, the browser's internal pages, files, and other protocols.
 */
const REFUSED_SCHEMES = new Set([
  'javascript:',
  'vbscript:',
  'data:',
  'blob:',
  'file:',
  'filesystem:',
  'about:',
  'view-source:',
  'ftp:',
  'ws:',
  'wss:',
  'mailto:',
  'tel:',
  'sms:',
  'urn:',
]);

export type RedirectUriKind = 'web' | 'loopback' | 'app';

/** What kind of place a redirect URI sends the person back to. */
export function redirectUriKind(uri: string): RedirectUriKind {
  const url = URL.parse(uri);
  if (!url) return 'web';
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return 'loopback';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'app';
  return 'web';
}

/**
 * A redirect URI a client that registers itself (or publishes a metadata document) may
 * use: https anywhere; http only on a loopback host, on any port (RFC 8252 section 7.3:
 * VS Code and other desktop apps pick a free port at sign-in); or a private-use scheme
 * such as `cursor://` or `vscode://` (RFC 8252 section 7.1). Never a fragment (RFC 6749
 * section 3.1.2). Returned unchanged: it is compared exactly (ports of loopback URIs apart).
 */
export function validateClientRedirectUri(uri: unknown): string {
  if (typeof uri !== 'string' || uri === '') throw new InvalidRedirectUriError('Every redirect URI must be a non-empty string.');
  if (uri.length > 2000) throw new InvalidRedirectUriError('A redirect URI is at most 2000 characters.');
  const url = URL.parse(uri);
  if (!url) throw new InvalidRedirectUriError(`"${uri.slice(0, 200)}" is not an absolute URI.`);
  if (url.hash || uri.includes('#')) throw new InvalidRedirectUriError(`The redirect URI "${uri.slice(0, 200)}" must not contain a fragment (#).`);
  if (url.protocol === 'https:') {
    if (!url.hostname) throw new InvalidRedirectUriError(`The redirect URI "${uri.slice(0, 200)}" has no host.`);
    return uri;
  }
  if (url.protocol === 'http:') {
    if (LOOPBACK_HOSTS.has(url.hostname)) return uri;
    throw new InvalidRedirectUriError(
      `The redirect URI "${uri.slice(0, 200)}" uses http on ${url.hostname}: http is allowed only for localhost, 127.0.0.1 and [::1]; use https.`,
    );
  }
  if (REFUSED_SCHEMES.has(url.protocol)) throw new InvalidRedirectUriError(`The redirect URI "${uri.slice(0, 200)}" uses ${url.protocol}, which cannot return to an app.`);
  return uri;
}

/**
 * A client's redirect URIs, checked together. oidc-provider treats clients with loopback
 * or app-scheme URIs as native (port-agnostic loopback matching), and a native client
 * may not also claim https on a loopback host; such a mix is refused here, clearly.
 */
export function validateClientRedirectUris(value: unknown): { redirectUris: string[]; applicationType: 'web' | 'native' } {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidRedirectUriError('redirect_uris must be a non-empty array of URIs.');
  if (value.length > 20) throw new InvalidRedirectUriError('A client may register at most 20 redirect URIs.');
  const redirectUris = [...new Set(value.map(validateClientRedirectUri))];
  const native = redirectUris.some((uri) => redirectUriKind(uri) !== 'web');
  if (native) {
    const httpsLoopback = redirectUris.find((uri) => {
      const url = URL.parse(uri);
      return url?.protocol === 'https:' && LOOPBACK_HOSTS.has(url.hostname);
    });
    if (httpsLoopback) {
      throw new InvalidRedirectUriError(`The redirect URI "${httpsLoopback.slice(0, 200)}" uses https on a loopback host; with loopback http or app URIs, use http://127.0.0.1 instead.`);
    }
  }
  return { redirectUris, applicationType: native ? 'native' : 'web' };
}

/**
 * Where the person goes back to, in words for the consent page: a web site's host, an
 * app on this computer, or the app that opens a scheme.
 */
export function describeRedirectTarget(uri: string): { kind: RedirectUriKind; label: string } {
  const url = URL.parse(uri);
  const kind = redirectUriKind(uri);
  if (!url) return { kind, label: '' };
  if (kind === 'loopback') return { kind, label: url.host };
  if (kind === 'app') return { kind, label: `${url.protocol}//` };
  return { kind, label: url.host };
}
