import type { FastifyInstance } from 'fastify';
import { callerOf } from '../api/caller.js';
import { restSchema } from '../api/rest-route.js';
import { getFoodJson, getFoodOperation, searchActivity, searchFoodsJsonNow, searchFoodsOperation, type CatalogOperationsDeps, type SearchFoodsInput, type SearchReply } from './operations.js';

/**
 * GET /api/foods/search and GET /api/foods/{id}: a schema and one call each. The replies
 * are JSON text put together from each food's JSON serialized once (searchFoodsJson), so
 * Fastify sends them as they are (text when made for the answer, bytes when handed out again: see
 * SearchReply); the response schemas still document them in OpenAPI.
 * Text and bytes skip the preSerialization step that notes what a call did (note-activity.ts), so
 * each route notes its activity for the history itself.
 */
export async function catalogApiRoutes(api: FastifyInstance, deps: CatalogOperationsDeps): Promise<void> {
  api.get<{ Querystring: SearchFoodsInput }>(
    '/api/foods/search',
    { schema: restSchema(searchFoodsOperation, { input: 'querystring', errors: [400] }) },
    (request, reply) => {
      const caller = callerOf(request);
      const send = (found: SearchReply) => {
        request.apiActivity = { op: searchFoodsOperation.id, ...searchActivity(request.query, found.matches, found.closeMatch) };
        return reply.type(JSON_TYPE).send(found.body);
      };
      // A question answered since the catalog last changed, or one whose foods are all in
      // memory: its text at once, without a promise (a refused query throws, and is answered
      // as a rejection would be).
      const found = searchFoodsJsonNow(deps, caller, request.query);
      if (found instanceof Promise) return found.then(send);
      send(found);
      return;
    },
  );

  api.get<{ Params: { id: string } }>(
    '/api/foods/:id',
    { schema: restSchema(getFoodOperation, { input: 'params', errors: [404] }) },
    async (request, reply) => {
      const food = await getFoodJson(deps, callerOf(request), request.params);
      request.apiActivity = { op: getFoodOperation.id, food: food.name };
      return reply.type(JSON_TYPE).send(food.body);
    },
  );
}

const JSON_TYPE = 'application/json; charset=utf-8';
