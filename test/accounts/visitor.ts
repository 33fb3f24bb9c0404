/**
 * A browser stand-in for page tests: keeps cookies like a browser does (Set-Cookie in,
 * Cookie out), never follows redirects, and reads the CSRF token out of forms.
 */
export interface PageResponse {
  status: number;
  headers: Headers;
  body: string;
  location: string | null;
  setCookies: string[];
}

/** RFC 6265 section 5.1.4: whether a cookie with `cookiePath` goes with a request for `requestPath`. */
function pathMatches(cookiePath: string, requestPath: string): boolean {
  if (requestPath === cookiePath) return true;
  return requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/');
}

/** RFC 6265 section 5.1.4: the path a cookie set without a Path attribute gets. */
function defaultPath(requestPath: string): string {
  const last = requestPath.lastIndexOf('/');
  return last <= 0 ? '/' : requestPath.slice(0, last);
}

export class Visitor {
  /** Cookies for the whole site (Path=/), by name. */
  readonly cookies = new Map<string, string>();
  /**
   * Cookies scoped to a path (oidc-provider's per-interaction cookies), by path and name: like
   * a browser, two sign-ins in two tabs each keep their own.
   */
  readonly scopedCookies = new Map<string, { path: string; name: string; value: string }>();
  /** Sent with every request (an X-Forwarded-For a proxy would add, say). */
  readonly headers: Record<string, string> = {};

  constructor(readonly baseUrl: string) {}

  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<PageResponse> {
    const headers: Record<string, string> = { ...this.headers };
    const requestPath = path.split('?')[0] ?? '/';
    // RFC 6265 section 5.4: cookies with longer paths are listed first.
    const scoped = [...this.scopedCookies.values()].filter((c) => pathMatches(c.path, requestPath)).sort((a, b) => b.path.length - a.path.length);
    const sent = [...scoped.map((c) => `${c.name}=${c.value}`), ...[...this.cookies].map(([name, value]) => `${name}=${value}`)];
    if (sent.length > 0) headers.cookie = sent.join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      redirect: 'manual',
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const cookiePath = /;\s*path=([^;]*)/i.exec(line)?.[1]?.trim() || defaultPath(requestPath);
      const removed = value === '' || /;\s*max-age=0(;|$)/i.test(line) || /;\s*expires=Thu, 01 Jan 1970/i.test(line);
      if (cookiePath === '/') {
        if (removed) this.cookies.delete(name);
        else this.cookies.set(name, value);
      } else if (removed) this.scopedCookies.delete(`${cookiePath}\n${name}`);
      else this.scopedCookies.set(`${cookiePath}\n${name}`, { path: cookiePath, name, value });
    }
    return { status: response.status, headers: response.headers, body: await response.text(), location: response.headers.get('location'), setCookies };
  }

  get(path: string): Promise<PageResponse> {
    return this.request('GET', path);
  }

  post(path: string, form: Record<string, string>): Promise<PageResponse> {
    return this.request('POST', path, form);
  }

  /** Opens a page with a form and returns its CSRF token, as a person's browser would. */
  async csrfFrom(path: string): Promise<string> {
    return csrfIn((await this.get(path)).body);
  }

  async register(fields: { name: string; email: string; password: string; return_to?: string }): Promise<PageResponse> {
    const _csrf = await this.csrfFrom('/register');
    return this.post('/register', { _csrf, ...fields });
  }

  /** Registers (which logs nobody in) and then logs in, as a person without mail configured does. */
  async registerAndLogIn(fields: { name: string; email: string; password: string }): Promise<PageResponse> {
    const registered = await this.register(fields);
    if (registered.status !== 303) return registered;
    return this.logIn(fields.email, fields.password);
  }

  async logIn(email: string, password: string, extra: Record<string, string> = {}): Promise<PageResponse> {
    const _csrf = await this.csrfFrom('/login');
    return this.post('/login', { _csrf, email, password, ...extra });
  }
}

export function csrfIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('the page has no CSRF field');
  return match[1];
}

/** The value of a named input (HTML-escaped as served). */
export function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return tag === undefined ? undefined : (/value="([^"]*)"/.exec(tag)?.[1] ?? '');
}
