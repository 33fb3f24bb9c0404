import type { FastifyInstance } from 'fastify';
import { callerOf } from '../api/caller.js';
import { restSchema } from '../api/rest-route.js';
import { getFood, getFoodOperation, searchFoods, searchFoodsOperation, type CatalogOperationsDeps, type SearchFoodsInput } from './operations.js';

/** GET /api/foods/search and GET /api/foods/{id}: a schema and one call each. */
export async function catalogApiRoutes(api: FastifyInstance, deps: CatalogOperationsDeps): Promise<void> {
  api.get<{ Querystring: SearchFoodsInput }>('/api/foods/search', { schema: restSchema(searchFoodsOperation, { input: 'querystring', errors: [400] }) }, (request) =>
    searchFoods(deps, callerOf(request), request.query),
  );

  api.get<{ Params: { id: string } }>('/api/foods/:id', { schema: restSchema(getFoodOperation, { input: 'params', errors: [404] }) }, (request) =>
    getFood(deps, callerOf(request), request.params),
  );
}
