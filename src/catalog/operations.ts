import { nutrientTierFor } from '../accounts/plans.js';
import { fitJsonList, fitList, withJson } from '../api/budget.js';
import type { Caller } from '../api/caller.js';
import type { Activity } from '../api/activity.js';
import type { Operation, OperationRef } from '../api/operation.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { Catalog, FoodSearchResult } from './catalog.js';
import type { NutrientTier } from './nutrients.js';
import { RecentValues } from './recent-values.js';
import type { MatchKind } from './search/index.js';
import { foodJsonSchema, foodJsonText, presentedFood, type FoodJson } from './present.js';

export const MAX_QUERY_LENGTH = 200;
export const MAX_SEARCH_LIMIT = 10;
export const DEFAULT_SEARCH_LIMIT = 3;

/** What the catalog operations read: the catalog, and APP_URL for absolute food links. */
export interface CatalogOperationsDeps {
  /** Characters a reply may take (default the API's 100,000); a surface that wraps replies asks for less. */
  responseBudget?: number;
  catalog: Catalog;
  appUrl: string;
}

/** A food id that names no food: the caller should search first. */
export class UnknownFoodError extends NotFoundError {
  constructor(id: string) {
    super(`No food has the id "${id.slice(0, 64)}". Search the catalog by name first to find its id.`);
  }
}

export interface SearchFoodsInput {
  query: string;
  limit?: number;
}

/** A search result as the API shows it: the food, and how well it matched the query. */
export type FoodMatchJson = FoodJson & { match: MatchKind };

export interface FoodList {
  data: FoodMatchJson[];
  /** Whether the first result is what was asked for (see Catalog.searchFoods). */
  close_match: boolean;
  /** When it is not: what to tell the person ("No close match for \"latte\"; the nearest is ..."). */
  note?: string;
  truncated?: true;
}

export const searchFoodsOperation: Operation = {
  id: 'searchFoods',
  scopes: ['foods:read'],
  writes: false,
  document: (ref) => ({
    summary: 'Search foods by name',
    description:
      'Finds foods in the catalog by what a person calls them ("banana", "chicken breast roasted", typos welcome) and returns the best matches first, with nutrients per 100 g and a link to each food page.',
    input: {
      type: 'object',
      required: ['query'],
      properties: {
        query: { type: 'string', description: `Food name as a person would say it, up to ${MAX_QUERY_LENGTH} characters.` },
        limit: {
          type: 'integer',
          minimum: 1,
          maximum: MAX_SEARCH_LIMIT,
          default: DEFAULT_SEARCH_LIMIT,
          description: `How many matches to return, 1 to ${MAX_SEARCH_LIMIT} (default ${DEFAULT_SEARCH_LIMIT}).`,
        },
      },
    },
    output: {
      type: 'object',
      required: ['data', 'close_match'],
      properties: {
        data: { type: 'array', items: foodMatchJsonSchema(ref) },
        close_match: {
          type: 'boolean',
          description:
            'False when the first result is not the food asked for: it matched only by spelling, lacks a word of the query, or is another food named after it. Then tell the person the catalog has no such food (see note) instead of logging the nearest.',
        },
        note: { type: 'string', description: 'Present when close_match is false: what to tell the person, with the nearest food.' },
        truncated: { type: 'boolean', description: 'True when some matches were left out to keep the response small.' },
      },
    },
  }),
  activity: (input: SearchFoodsInput, output: FoodList) => searchActivity(input, output.data.length, output.close_match),
};

/** What a search did, for the person's history: the words, how many matched, whether one was close. */
export function searchActivity(input: SearchFoodsInput, matches: number, closeMatch: boolean): Omit<Activity, 'op'> {
  return { query: input.query, matches, ...(closeMatch ? {} : { close_match: false }) };
}

/**
 * searchFoodsJson's reply: the JSON, and what the history says of it (searchActivity). The
 * same bytes either way: text when made for this answer (Node writes it with the headers
 * in one go, no Buffer made), bytes when handed out again (encoded once, then written as they are).
 */
export interface SearchReply {
  body: string | Buffer;
  matches: number;
  closeMatch: boolean;
}

/**
 * The best matches for what a person calls a food, with the nutrients the caller's plan
 * may see, trimmed to the response budget.
 *
 * @example
 *   const { data } = await searchFoods({ catalog, appUrl }, caller, { query: 'banana', limit: 3 });
 */
export async function searchFoods(deps: CatalogOperationsDeps, caller: Caller, input: SearchFoodsInput): Promise<FoodList> {
  const found = await deps.catalog.searchFoods(checkedQuery(input), input.limit ?? DEFAULT_SEARCH_LIMIT);
  const tier = nutrientTierFor(caller.user.plan);
  const data = found.results.map(({ food, match }): FoodMatchJson => ({ ...presentedFood(food, deps.appUrl, tier), match }));
  const signal = found.note === undefined ? { close_match: found.closeMatch } : { close_match: found.closeMatch, note: found.note };
  // Its size from the pieces serialized once (as searchFoodsJson puts them together), the
  // text kept with the reply (withJson): only one that may be over the budget is serialized
  // again to be trimmed.
  const pieces = found.results.map(({ food, match }) => searchItemText(foodJsonText(food, deps.appUrl, tier), match));
  const json = fitJsonList(pieces, signal, deps.responseBudget);
  if (!json.endsWith(',"truncated":true}')) return withJson({ data, ...signal }, json);
  return fitList(data, (kept, truncated): FoodList => (truncated ? { data: [...kept], ...signal, truncated } : { data: [...kept], ...signal }), deps.responseBudget);
}

/**
 * searchFoods' reply as JSON text, the same document: each food's JSON is serialized once
 * per plan tier (foodJsonText) and the reply is put together from those pieces, where
 * serializing the objects through the response schema on every reply cost more than the
 * search itself. The same question asked again (a second time since the catalog last
 * changed, see RecentValues) gets the same text until the catalog changes.
 */
export async function searchFoodsJson(deps: CatalogOperationsDeps, caller: Caller, input: SearchFoodsInput): Promise<SearchReply> {
  return searchFoodsJsonNow(deps, caller, input);
}

/**
 * searchFoodsJson's reply at once, without a promise, when it can be (a reply kept for the
 * same question, or a search whose foods are all in memory: the usual case), else a promise
 * of it (a food is read first). Throws InvalidRequestError on a missing or too long query,
 * where searchFoodsJson rejects with it.
 */
export function searchFoodsJsonNow(deps: CatalogOperationsDeps, caller: Caller, input: SearchFoodsInput): SearchReply | Promise<SearchReply> {
  const tier = nutrientTierFor(caller.user.plan);
  const replies = recentRepliesOf(deps.catalog);
  const key = replyKey(deps, tier, input);
  const kept = replies.get(key);
  if (kept) {
    // Kept as text (most kept replies of a stream of distinct questions are never asked
    // again before they are dropped), encoded once when first handed out again.
    if (typeof kept.body === 'string') kept.body = Buffer.from(kept.body);
    return kept;
  }
  const version = replies.version;
  const found = deps.catalog.searchFoodsNow(checkedQuery(input), input.limit ?? DEFAULT_SEARCH_LIMIT);
  if (found instanceof Promise) return found.then((read) => searchReply(deps, tier, key, version, read));
  return searchReply(deps, tier, key, version, found);
}

/** The key of a search reply among the recent ones: everything the text depends on. */
function replyKey(deps: CatalogOperationsDeps, tier: string, input: SearchFoodsInput): string {
  return `${tier} ${input.limit ?? DEFAULT_SEARCH_LIMIT} ${deps.responseBudget ?? ''} ${deps.appUrl} ${input.query}`;
}

/** The reply to a search (found from the catalog at `version`), kept among the recent ones. */
function searchReply(deps: CatalogOperationsDeps, tier: NutrientTier, key: string, version: number, found: FoodSearchResult): SearchReply {
  const { appUrl } = deps;
  const pieces = found.results.map(({ food, match }) => searchItemText(foodJsonText(food, appUrl, tier), match));
  const signal = found.note === undefined ? { close_match: found.closeMatch } : { close_match: found.closeMatch, note: found.note };
  const body = fitJsonList(pieces, signal, deps.responseBudget);
  const reply: SearchReply = { body, matches: found.results.length, closeMatch: found.closeMatch };
  recentRepliesOf(deps.catalog).keepMade(key, version, () => ({ ...reply }));
  return reply;
}

/**
 * searchFoodsJson replies kept per catalog, the most recent ones (a few KB each), each
 * kept once its question is asked a second time: a stream of distinct questions neither
 * pushes out the repeated ones nor ages thousands of replies only to drop them.
 */
const RECENT_REPLIES = 1000;
const recentReplies = new WeakMap<Catalog, RecentValues<SearchReply>>();

function recentRepliesOf(catalog: Catalog): RecentValues<SearchReply> {
  let replies = recentReplies.get(catalog);
  if (!replies) recentReplies.set(catalog, (replies = new RecentValues<SearchReply>(catalog, RECENT_REPLIES, { admitOnSecondSight: true })));
  return replies;
}

/** A search item as text: the food's JSON and then its match, as `{ ...presentFood(), match }` serializes. */
function searchItemText(foodJson: string, match: MatchKind): string {
  return `${foodJson.slice(0, -1)},"match":${JSON.stringify(match)}}`;
}

/** The query to search for, trimmed: a missing or too long one is refused. */
function checkedQuery(input: SearchFoodsInput): string {
  const query = input.query.trim();
  if (!query) throw new InvalidRequestError('The query parameter is required: the name of a food, such as "banana".');
  if (query.length > MAX_QUERY_LENGTH) throw new InvalidRequestError(`The query is too long: at most ${MAX_QUERY_LENGTH} characters.`);
  return query;
}

/** A FoodJson with how it matched the query: the items of a search reply. */
const foodMatchJsonSchema = (ref: OperationRef) => {
  const food = foodJsonSchema(ref);
  return {
    ...food,
    required: [...food.required, 'match'],
    properties: {
      ...food.properties,
      match: {
        type: 'string',
        enum: ['exact', 'partial', 'fuzzy'],
        description: 'How the food matched the query: exact (every word of it), partial (some words, or words only begun), fuzzy (by spelling distance).',
      },
    },
  };
};

export const getFoodOperation: Operation = {
  id: 'getFood',
  scopes: ['foods:read'],
  writes: false,
  document: (ref) => ({
    summary: 'Get one food',
    description: `Returns one food by its Larder id (from ${ref('searchFoods')}): name, source, nutrients per 100 g and household portions.`,
    input: {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', maxLength: 64, description: 'Larder food id, such as "sr-09040".' } },
    },
    output: { type: 'object', required: ['data'], properties: { data: foodJsonSchema(ref) } },
  }),
  activity: (_input: unknown, output: { data: FoodJson }) => ({ food: output.data.name }),
};

/** One food by its Larder id, with the nutrients the caller's plan may see. */
export async function getFood(deps: CatalogOperationsDeps, caller: Caller, input: { id: string }): Promise<{ data: FoodJson }> {
  const food = await deps.catalog.findById(input.id);
  if (!food) throw new UnknownFoodError(input.id);
  return { data: presentedFood(food, deps.appUrl, nutrientTierFor(caller.user.plan)) };
}

/** getFood's reply as JSON text, from the food's JSON serialized once per tier (see searchFoodsJson), and the food's name for history. */
export async function getFoodJson(deps: CatalogOperationsDeps, caller: Caller, input: { id: string }): Promise<{ body: string; name: string }> {
  const food = await deps.catalog.findById(input.id);
  if (!food) throw new UnknownFoodError(input.id);
  return { body: `{"data":${foodJsonText(food, deps.appUrl, nutrientTierFor(caller.user.plan))}}`, name: food.name };
}
