import { RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import { factsRowsOf } from '../catalog/facts.js';
import { NUTRIENTS } from '../catalog/nutrients.js';
import type { Views } from '../views/render.js';

/** The MCP app that shows nutrition facts (MCP Apps: a `ui://` resource, `text/html;profile=mcp-app`). */
export const FACTS_APP_URI = 'ui://larder/nutrition-facts.html';
export const FACTS_APP_MIME_TYPE = RESOURCE_MIME_TYPE;

/** The template of one food's panel in the app (views/mcp-facts.eta, or the operator's). */
export const FACTS_PANEL_TEMPLATE = 'mcp-facts';

/** A template's name as the views resolve it: `./nutrition-facts.eta` is `nutrition-facts`. */
const templateName = (name: string) => name.replace(/^[./]+/, '').replace(/\.eta$/, '');

/**
 * The panel template and every template it includes by a literal name, each compiled by
 * the views' own Eta (auto-escaping and all), in include order. An include by a computed
 * name is not followed: in the app it fails as a missing template would on a page.
 */
function panelTemplates(views: Views): Map<string, string> {
  const compiled = new Map<string, string>();
  const pending = [FACTS_PANEL_TEMPLATE];
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    if (compiled.has(name)) continue;
    const { template, source } = views.compiled(name);
    compiled.set(name, source);
    for (const match of template.matchAll(/\binclude(?:Async)?\(\s*(['"`])([^'"`$]+)\1/g)) pending.push(templateName(match[2]!));
  }
  return compiled;
}

/**
 * The row flags of each nutrient (indented, headline), as the facts rows of a food page set
 * them (catalog/facts.ts `factsRowsOf`), by the name a tool result's nutrition list uses.
 */
function nutrientFlags(): Record<string, { sub: boolean; main: boolean }> {
  const rows = factsRowsOf(NUTRIENTS.map((n) => ({ name: n.name, amount: 0, unit: n.unit })));
  return Object.fromEntries(rows.map((row) => [row.name, { sub: row.sub, main: row.main }]));
}

/**
 * What the view renders panels with (`LARDER_FACTS`): the compiled panel templates and the
 * nutrients' row flags, shipped once in the app page rather than in every result, and
 * whether the view script is one from before (an operator's copy that reads the panels from
 * a result's `_meta`, which views/assets/mcp-facts.js then fills for it). The compiled code
 * sits in a script element: `</script` and `<!--` only occur inside its string literals,
 * where `<\/` and `<\!` read the same.
 */
function panelScript(views: Views, viewScript: string): string {
  const templates = [...panelTemplates(views)].map(([name, source]) => `${JSON.stringify(name)}: function (it, options) {\n${source}\n}`);
  const panelsInMeta = !viewScript.includes('LARDER_FACTS');
  const script = `var LARDER_FACTS = {\n  nutrients: ${JSON.stringify(nutrientFlags())},\n  panelsInMeta: ${panelsInMeta},\n  templates: {\n${templates.join(',\n')}\n  }\n};\n`;
  return script.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/**
 * The app page: views/mcp-app.eta with the site's style sheet, the panel templates, their
 * renderer and the view script inlined, since hosts render it in a sandbox without network
 * access. The view renders each food's panel from the tool result's structured content (its
 * nutrition list is the plan's, as the API shows it) with the same templates and rows as a
 * food page.
 */
export function factsAppHtml(views: Views): string {
  const asset = (name: string) => views.asset(name)?.body.toString('utf8') ?? '';
  const viewScript = asset('mcp-app.js');
  return views.render('mcp-app', { css: asset('larder.css'), script: `${panelScript(views, viewScript)}\n${asset('mcp-facts.js')}\n${viewScript}` });
}
