import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Views } from '../views/render.js';
import { buildOpenApiDocument, type collectApiRoutes } from './openapi.js';

type Operation = {
  operationId: string;
  summary?: string;
  description?: string;
  parameters?: Array<{ name: string; in: string; required: boolean; description?: string }>;
  requestBody?: { content: { 'application/json': { schema: { properties?: Record<string, { description?: string }>; required?: string[] } } } };
  responses: Record<string, unknown>;
  security?: Array<{ oauth2: string[] }>;
};

/** GET /openapi.json (for the GPT builder) and GET /docs (the same, for people). */
export async function apiDocumentRoutes(app: FastifyInstance, options: { routes: ReturnType<typeof collectApiRoutes>; config: Config; views: Views }): Promise<void> {
  const { routes, config, views } = options;
  let cached: Record<string, unknown> | undefined;
  const document = () => (cached ??= buildOpenApiDocument(routes, config));

  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(document()));

  app.get('/docs', { schema: { hide: true } }, async (_request, reply) => {
    const doc = document() as {
      info: { description: string };
      servers: Array<{ url: string }>;
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: { oauth2: { flows: { authorizationCode: unknown } } } };
    };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const body = op.requestBody?.content['application/json'].schema;
        return {
          method,
          path,
          operationId: op.operationId,
          summary: op.summary ?? '',
          description: op.description ?? '',
          scopes: op.security?.[0]?.oauth2 ?? [],
          parameters: op.parameters ?? [],
          bodyFields: Object.entries(body?.properties ?? {}).map(([name, field]) => ({ name, description: field.description, required: body?.required?.includes(name) ?? false })),
          responses: Object.keys(op.responses),
        };
      }),
    );
    return reply
      .type('text/html; charset=utf-8')
      .send(views.render('api-docs', { title: 'API', doc, flow: doc.components.securitySchemes.oauth2.flows.authorizationCode, operations }));
  });
}
