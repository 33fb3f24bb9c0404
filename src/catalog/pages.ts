import type { FastifyInstance, FastifyReply } from 'fastify';
import { currentPageContext } from '../views/page-context.js';
import type { Views } from '../views/render.js';
import type { Catalog } from './catalog.js';
import { MAX_QUERY_LENGTH } from './operations.js';
import { factsRows } from './facts.js';
import { roundAmount } from './nutrients.js';

export interface CatalogPagesOptions {
  catalog: Catalog;
  views: Views;
}

/** Search result pages kept rendered (the most recent ones). */
const RENDERED_PAGES = 500;

/** Results shown on the catalog page: more than the API's 3, since a person scans a list. */
const PAGE_RESULTS = 20;

/** The public catalog: /catalog (search) and /catalog/{slug} (a food's nutrition facts). */
export async function catalogPages(app: FastifyInstance, options: CatalogPagesOptions): Promise<void> {
  const { catalog, views } = options;

  app.get('/', async (_request, reply) => reply.redirect('/catalog'));

  // For a visitor not logged in, the search page depends only on the query and the catalog:
  // recent pages are kept as rendered, until the catalog changes. A logged-in person's page
  // has their header (Account, and a log-out form with its CSRF token): rendered each time.
  // Kept as the bytes sent: a string body would be encoded to UTF-8 again on every answer.
  const rendered = new Map<string, { version: number; body: Buffer }>();

  app.get<{ Querystring: { q?: string } }>('/catalog', (request, reply) => {
    const raw = typeof request.query.q === 'string' ? request.query.q : '';
    const query = raw.trim();
    const shared = currentPageContext()?.signedIn !== true;
    const kept = shared ? rendered.get(query) : undefined;
    // A page kept as rendered: sent in the handler's own call, with no promise.
    if (kept && kept.version === catalog.version) {
      reply.type('text/html; charset=utf-8').send(kept.body);
      return;
    }
    return searchPage(reply, query, shared);
  });

  const searchPage = async (reply: FastifyReply, query: string, shared: boolean): Promise<FastifyReply> => {
    const version = catalog.version;
    let error: string | undefined;
    let results: Array<{ slug: string; name: string; foodGroup: string; energy: string; match: string }> = [];
    let note: string | undefined;
    if (query.length > MAX_QUERY_LENGTH) {
      error = `That search is too long: at most ${MAX_QUERY_LENGTH} characters.`;
      reply.code(400);
    } else if (query) {
      const found = await catalog.searchFoods(query, PAGE_RESULTS);
      note = found.note;
      results = found.results.map(({ food, match }) => ({
        slug: food.slug,
        name: food.name,
        foodGroup: food.foodGroup,
        energy: food.nutrients.energy === undefined ? 'energy not reported' : `${roundAmount(food.nutrients.energy)} kcal`,
        match,
      }));
    }
    const html = views.render('catalog', {
      title: query ? `${query.slice(0, 60)} – search` : 'Food catalog',
      query: query.slice(0, MAX_QUERY_LENGTH),
      results,
      note,
      error,
      foodCount: catalog.size,
    });
    if (shared && !error && version === catalog.version) {
      rendered.delete(query);
      if (rendered.size >= RENDERED_PAGES) rendered.delete(rendered.keys().next().value!);
      rendered.set(query, { version, body: Buffer.from(html) });
    }
    return reply.type('text/html; charset=utf-8').send(html);
  };

  app.get<{ Params: { slug: string }; Querystring: { portion?: string } }>('/catalog/:slug', async (request, reply) => {
    const slug = request.params.slug.length <= 200 ? request.params.slug : undefined;
    const food = slug === undefined ? undefined : await catalog.findBySlug(slug);
    if (!food && slug !== undefined) {
      // A link made before the food was renamed: 301 so bookmarks and search engines move on.
      const moved = await catalog.findByFormerSlug(slug);
      if (moved) {
        // Re-serialized, so that whatever bytes came in, the Location header stays ASCII.
        const query = new URL(request.url, 'http://larder.invalid').search;
        return reply.redirect(`/catalog/${encodeURIComponent(moved.slug)}${query}`, 301);
      }
    }
    if (!food) {
      const html = views.render('not-found', {
        title: 'Food not found',
        message: 'There is no food at this address. It may have been renamed; search the catalog for it.',
      });
      return reply.code(404).type('text/html; charset=utf-8').send(html);
    }
    const portionParam = typeof request.query.portion === 'string' ? request.query.portion : '100g';
    const portionIndex = /^\d{1,3}$/.test(portionParam) ? Number(portionParam) : -1;
    const portion = food.portions[portionIndex];
    const grams = portion ? portion.grams : 100;
    const rows = factsRows(food, grams);
    const html = views.render('food', {
      title: food.name,
      food,
      rows,
      portions: food.portions,
      selectedPortion: portion ? String(portionIndex) : '100g',
      basis: portion ? `${portion.label} (${portion.grams} g)` : '100 g',
    });
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
