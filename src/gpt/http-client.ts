/**
 * A minimal browser for `larder doctor`: keeps cookies per host, never follows
 * redirects by itself (each hop is inspected), and reads hidden form fields.
 */
export class DoctorBrowser {
  private readonly cookies = new Map<string, Map<string, string>>();

  constructor(private readonly timeoutMs = 15_000) {}

  async request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.cookies.get(target.host);
    const headers: Record<string, string> = { 'user-agent': 'larder-doctor', ...init.headers };
    if (jar && jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (!pair || at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      let hostJar = this.cookies.get(target.host);
      if (!hostJar) this.cookies.set(target.host, (hostJar = new Map()));
      if (value === '' || /max-age=0\b/i.test(line) || /expires=thu, 01 jan 1970/i.test(line)) hostJar.delete(name);
      else hostJar.set(name, value);
    }
    return response;
  }

  postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

/** The absolute URL a redirect points to. */
export function locationOf(response: Response, base: string): string | undefined {
  const location = response.headers.get('location');
  return location ? new URL(location, base).href : undefined;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The value of a hidden input (`_csrf`, `return_to`) in a page. */
export function hiddenField(html: string, name: string): string | undefined {
  const pattern = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`, 'i');
  const match = pattern.exec(html);
  return match ? decodeEntities(match[1]!) : undefined;
}

/** The action of the first form whose action matches `pattern`. */
export function formAction(html: string, pattern: RegExp): string | undefined {
  for (const match of html.matchAll(/<form[^>]*action="([^"]*)"/gi)) {
    const action = decodeEntities(match[1]!);
    if (pattern.test(action)) return action;
  }
  return undefined;
}

/** Visible text of a page, for quoting an error page in a diagnosis. */
export function pageText(html: string, max = 300): string {
  const main = /<main[^>]*>([\s\S]*?)<\/main>/i.exec(html)?.[1] ?? html;
  return decodeEntities(main.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()).slice(0, max);
}
