import type { FastifyInstance } from 'fastify';
import { fitList } from '../api/budget.js';
import { errorSchema } from '../api/schemas.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { Catalog } from './catalog.js';
import { foodJsonSchema, presentFood } from './present.js';

export interface CatalogApiOptions {
  catalog: Catalog;
  appUrl: string;
  /** Which nutrient panel this request may see; the plan decides once accounts exist. */
  tierFor: (request: unknown) => 'main' | 'full';
}

export const MAX_QUERY_LENGTH = 200;
export const MAX_SEARCH_LIMIT = 10;


/** GET /api/foods/search and GET /api/foods/{id}. */
export async function catalogApiRoutes(app: FastifyInstance, options: CatalogApiOptions): Promise<void> {
  const { catalog, appUrl, tierFor } = options;

  app.get<{ Querystring: { query?: string; limit?: number } }>(
    '/api/foods/search',
    {
      schema: {
        operationId: 'searchFoods',
        scopes: ['foods:read'],
        summary: 'Search foods by name',
        description:
          'Finds foods in the catalog by what a person calls them ("banana", "chicken breast roasted", typos welcome) and returns the best matches first, with nutrients per 100 g and a link to each food page.',
        querystring: {
          type: 'object',
          required: ['query'],
          properties: {
            query: { type: 'string', description: 'Food name as a person would say it, up to 200 characters.' },
            limit: { type: 'integer', minimum: 1, maximum: MAX_SEARCH_LIMIT, default: 3, description: 'How many matches to return, 1 to 10 (default 3).' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['data'],
            properties: {
              data: { type: 'array', items: foodJsonSchema },
              truncated: { type: 'boolean', description: 'True when some matches were left out to keep the response small.' },
            },
          },
          400: errorSchema,
        },
      },
    },
    async (request) => {
      const query = (request.query.query ?? '').trim();
      if (!query) throw new InvalidRequestError('The query parameter is required: the name of a food, such as "banana".');
      if (query.length > MAX_QUERY_LENGTH) throw new InvalidRequestError(`The query is too long: at most ${MAX_QUERY_LENGTH} characters.`);
      const limit = request.query.limit ?? 3;
      const foods = await catalog.searchFoods(query, limit);
      const tier = tierFor(request);
      const data = foods.map((food) => presentFood(food, appUrl, tier));
      return fitList(data, (kept, truncated) => (truncated ? { data: [...kept], truncated } : { data: [...kept] }));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/foods/:id',
    {
      schema: {
        operationId: 'getFood',
        scopes: ['foods:read'],
        summary: 'Get one food',
        description: 'Returns one food by its Larder id (from searchFoods): name, source, nutrients per 100 g and household portions.',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 64, description: 'Larder food id, such as "sr-09040".' } },
        },
        response: { 200: { type: 'object', required: ['data'], properties: { data: foodJsonSchema } }, 404: errorSchema },
      },
    },
    async (request) => {
      const food = await catalog.findById(request.params.id);
      if (!food) throw new NotFoundError(`No food has the id "${request.params.id}". Search with /api/foods/search to find ids.`);
      return { data: presentFood(food, appUrl, tierFor(request)) };
    },
  );
}
