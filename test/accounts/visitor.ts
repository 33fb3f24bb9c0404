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

export class Visitor {
  readonly cookies = new Map<string, string>();
  /** Sent with every request (an X-Forwarded-For a proxy would add, say). */
  readonly headers: Record<string, string> = {};

  constructor(readonly baseUrl: string) {}

  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<PageResponse> {
    const headers: Record<string, string> = { ...this.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
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
      if (value === '' || /;\s*max-age=0(;|$)/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
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
