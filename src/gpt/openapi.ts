import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import type { Config } from '../config.js';
import { errorSchema } from '../api/schemas.js';
import { SCOPE_DESCRIPTIONS } from '../oauth/scopes.js';

/** GPT Actions limits: an operation's description, and a parameter's. */
export const OPERATION_DESCRIPTION_LIMIT = 300;
export const PARAMETER_DESCRIPTION_LIMIT = 700;

export interface CollectedRoute {
  method: string;
  url: string;
  schema: FastifySchema;
}

type JsonSchema = Record<string, unknown>;

/**
 * Remembers every route of the API context with an operationId as it is added, so the
 * OpenAPI document is generated from the routes themselves. Call inside the context,
 * before its routes are registered.
 */
export function collectApiRoutes(api: FastifyInstance, routes: CollectedRoute[] = []): CollectedRoute[] {
  api.addHook('onRoute', (route: RouteOptions) => {
    if (!route.schema?.operationId || route.schema.hide) return;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method: method.toLowerCase(), url: route.url, schema: route.schema });
    }
  });
  return routes;
}

/** Fastify's `/api/foods/:id` is OpenAPI's `/api/foods/{id}`. */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(schema: JsonSchema | undefined, location: 'query' | 'path'): JsonSchema[] {
  if (!schema || typeof schema.properties !== 'object' || schema.properties === null) return [];
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(schema.properties as Record<string, JsonSchema>).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/**
 * The OpenAPI 3.1 document of the API, ready to import into the GPT builder: the
 * absolute server URL, the oauth2 authorization-code scheme with Larder's URLs and
 * scopes, and per operation its id, description, scopes and whether it changes data.
 */
export function buildOpenApiDocument(routes: readonly CollectedRoute[], config: Pick<Config, 'appUrl'>): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const { schema } = route;
    const operation: JsonSchema = {
      operationId: schema.operationId,
      summary: schema.summary,
      description: schema.description,
    };
    const params = [...parameters(schema.params as JsonSchema | undefined, 'path'), ...parameters(schema.querystring as JsonSchema | undefined, 'query')];
    if (params.length > 0) operation.parameters = params;
    if (schema.body) operation.requestBody = { required: true, content: { 'application/json': { schema: schema.body } } };
    const responses: Record<string, JsonSchema> = {};
    for (const [status, responseSchema] of Object.entries((schema.response ?? {}) as Record<string, JsonSchema>)) {
      const description = typeof responseSchema.description === 'string' ? responseSchema.description : statusDescription(status);
      responses[status] = { description, headers: RATE_LIMIT_HEADERS, content: { 'application/json': { schema: responseSchema } } };
    }
    if (Object.keys(responses).length === 0) responses['200'] = { description: 'OK', headers: RATE_LIMIT_HEADERS };
    // Every operation counts against the daily quota, so each may answer 429.
    responses['429'] ??= {
      description: statusDescription('429'),
      headers: { 'Retry-After': { description: 'Seconds until the quota resets (midnight UTC).', schema: { type: 'integer', minimum: 1 } }, ...RATE_LIMIT_HEADERS },
      content: { 'application/json': { schema: errorSchema } },
    };
    operation.responses = responses;
    if (schema.scopes) operation.security = [{ oauth2: schema.scopes }];
    const writes = route.method !== 'get';
    operation['x-openai-isConsequential'] = schema['x-openai-isConsequential'] ?? writes;
    (paths[openApiPath(route.url)] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Larder',
      version: '1.0.0',
      description: "Food catalog with USDA nutrition facts, and the signed-in person's food diary.",
    },
    servers: [{ url: config.appUrl }],
    paths,
    components: {
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          flows: {
            authorizationCode: {
              authorizationUrl: `${config.appUrl}/oauth/authorize`,
              tokenUrl: `${config.appUrl}/oauth/token`,
              refreshUrl: `${config.appUrl}/oauth/token`,
              scopes: { ...SCOPE_DESCRIPTIONS },
            },
          },
        },
      },
    },
  };
}

/**
 * The IETF RateLimit fields on every reply to a caller with a valid token (api/steps/quota-fields.ts);
 * a 401 has none.
 */
const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { description: "Requests a day the person's plan allows.", schema: { type: 'integer', minimum: 0 } },
  'RateLimit-Remaining': {
    description: 'Requests left today after this one. Exact with one Larder instance; with several it may be off by what the others hold (their quota blocks).',
    schema: { type: 'integer', minimum: 0 },
  },
  'RateLimit-Reset': { description: 'Seconds until the daily quota resets (midnight UTC).', schema: { type: 'integer', minimum: 1 } },
};

function statusDescription(status: string): string {
  const known: Record<string, string> = {
    '200': 'OK',
    '201': 'Created',
    '204': 'No content',
    '400': 'The request is not valid; error_description says why.',
    '401': 'The access token is missing, expired or revoked.',
    '403': 'The access token lacks the scope this operation needs.',
    '404': 'Not found.',
    '409': 'Conflict.',
    '429': "Over the daily quota: error_description says when it resets and which plan allows more; retry after the Retry-After seconds.",
  };
  return known[status] ?? 'Response';
}
