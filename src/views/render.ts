import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import { currentPageContext } from './page-context.js';

/** The page templates that ship with Larder (`views/` at the package root). */
export const DEFAULT_VIEWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'views');

export interface Views {
  /**
   * Renders `name` (without extension) with `data` as `it`; every `<%= %>` is HTML-escaped.
   * Inside a request, `it` also has its page context (page-context.ts): `signedIn`, `logoutCsrf`.
   */
  render(name: string, data: Record<string, unknown>): string;
  /** A file under views/assets/, from the override folder when it has one. */
  asset(name: string): { body: Buffer; file: string } | undefined;
  /**
   * `name`'s template (the override's when it has one) and its Eta compilation: the body of
   * a `function (it, options)` called with `this` as an Eta instance (`config.escapeFunction`,
   * `config.filterFunction`, `render(name, data, options)` for its includes), for a page that
   * renders the same template in the browser.
   */
  compiled(name: string): { template: string; source: string };
}

/**
 * Templates are Eta files with auto-escaping on. An operator restyles Larder by putting
 * a file of the same name in LARDER_VIEWS (`larder views:publish` copies the defaults
 * there); any template not overridden falls back to the default.
 */
export function createViews(overrideDir: string | undefined, options: { cache?: boolean } = {}): Views {
  const searchDirs = overrideDir ? [overrideDir, DEFAULT_VIEWS_DIR] : [DEFAULT_VIEWS_DIR];
  const locate = (relative: string): string | undefined => {
    for (const dir of searchDirs) {
      const candidate = path.resolve(dir, relative);
      // Never leave the views folders, whatever a template name contains.
      if (!candidate.startsWith(path.resolve(dir) + path.sep)) continue;
      if (existsSync(candidate)) return candidate;
    }
    return undefined;
  };
  const eta = new Eta({
    views: DEFAULT_VIEWS_DIR,
    autoEscape: true,
    cache: options.cache ?? true,
    defaultExtension: '.eta',
  });
  eta.resolvePath = (template: string): string => {
    const name = template.replace(/^[./]+/, '');
    const file = locate(name.endsWith('.eta') ? name : `${name}.eta`);
    if (!file) throw new Error(`Template not found: ${name}`);
    return file;
  };
  return {
    // The request's page context (who is logged in, for the header) unless the data says otherwise.
    render: (name, data) => eta.render(name, { ...currentPageContext(), ...data }),
    asset(name) {
      if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) return undefined;
      const file = locate(path.join('assets', name));
      return file ? { body: readFileSync(file), file } : undefined;
    },
    compiled(name) {
      const template = readFileSync(eta.resolvePath(name), 'utf8');
      return { template, source: eta.compileToString(template) };
    },
  };
}
