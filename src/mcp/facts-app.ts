import { RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import { factsRowsOf } from '../catalog/facts.js';
import type { FoodJson } from '../catalog/present.js';
import type { Views } from '../views/render.js';

/** The MCP app that shows nutrition facts (MCP Apps: a `ui://` resource, `text/html;profile=mcp-app`). */
export const FACTS_APP_URI = 'ui://larder/nutrition-facts.html';
export const FACTS_APP_MIME_TYPE = RESOURCE_MIME_TYPE;

/** Where in a tool result's `_meta` the app finds its panels (the model never reads `_meta`). */
export const FACTS_PANELS_KEY = 'larder/nutrition-facts';

/**
 * The app page: views/mcp-app.eta with the site's style sheet and the view script inlined,
 * since hosts render it in a sandbox without network access.
 */
export function factsAppHtml(views: Views): string {
  const asset = (name: string) => views.asset(name)?.body.toString('utf8') ?? '';
  return views.render('mcp-app', { css: asset('larder.css'), script: asset('mcp-app.js') });
}

/** One food's panel and the length of its JSON string literal without the quotes. */
interface RenderedPanel {
  html: string;
  jsonChars: number;
}

/**
 * Each food's panel, rendered once: the catalog's food JSON is made once per food and tier
 * and shared (catalog/present.ts), so its nutrition list names one food's facts as one tier
 * shows them, for as long as the catalog does not change.
 */
const renderedPanels = new WeakMap<Views, WeakMap<FoodJson['nutrition'], RenderedPanel>>();

/**
 * The panels of some foods (the HTML, one panel a line), and `jsonLength`: the length of
 * `JSON.stringify(html)`, known from each panel's, so a result's size is checked without
 * serializing its 40 KB of markup once more than the answer itself does.
 */
export interface FactsPanels {
  html: string;
  jsonLength: number;
}

/** The panels of some foods, from the same nutrition-facts table as their /catalog pages. */
export function factsPanels(views: Views, foods: readonly FoodJson[]): FactsPanels {
  let rendered = renderedPanels.get(views);
  if (!rendered) renderedPanels.set(views, (rendered = new WeakMap()));
  const html: string[] = [];
  // The quotes, and each "\n" between two panels escaped as two characters.
  let jsonLength = 2 + Math.max(0, foods.length - 1) * 2;
  for (const food of foods) {
    let panel = rendered.get(food.nutrition);
    if (panel === undefined) {
      const text = views.render('mcp-facts', {
        name: food.name,
        url: food.url,
        source: `${food.source.dataset}, food ${food.source.id}`,
        basis: food.nutrition_basis.replace(/^per /, ''),
        rows: factsRowsOf(food.nutrition),
      });
      panel = { html: text, jsonChars: JSON.stringify(text).length - 2 };
      rendered.set(food.nutrition, panel);
    }
    html.push(panel.html);
    jsonLength += panel.jsonChars;
  }
  return { html: html.join('\n'), jsonLength };
}
