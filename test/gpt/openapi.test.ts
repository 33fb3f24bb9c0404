import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { OPERATION_DESCRIPTION_LIMIT, PARAMETER_DESCRIPTION_LIMIT } from '../../src/gpt/openapi.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Operation = {
  operationId?: string;
  description?: string;
  summary?: string;
  parameters?: Array<{ name: string; description?: string }>;
  requestBody?: { content: { 'application/json': { schema: { properties: Record<string, { description?: string }> } } } };
  security?: Array<{ oauth2: string[] }>;
  'x-openai-isConsequential'?: boolean;
};

describe('OpenAPI document for GPT Actions', () => {
  let t: TestServer;
  let doc: {
    openapi: string;
    servers: Array<{ url: string }>;
    paths: Record<string, Record<string, Operation>>;
    components: { securitySchemes: { oauth2: { type: string; flows: { authorizationCode: { authorizationUrl: string; tokenUrl: string; scopes: Record<string, string> } } } } };
  };
  const operations = () => Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

  before(async () => {
    t = await startTestServer({ bundledCatalog: false });
    const response = await fetch(`${t.baseUrl}/openapi.json`);
    assert.equal(response.status, 200);
    doc = (await response.json()) as typeof doc;
  });
  after(async () => t?.close());

  test('is a valid OpenAPI 3.1 document', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  test('names the absolute server URL from APP_URL', () => {
    assert.deepEqual(doc.servers, [{ url: t.config.appUrl }]);
  });

  test('has the oauth2 authorization-code scheme with Larder\'s URLs and scopes', () => {
    const scheme = doc.components.securitySchemes.oauth2;
    assert.equal(scheme.type, 'oauth2');
    assert.equal(scheme.flows.authorizationCode.authorizationUrl, `${t.config.appUrl}/oauth/authorize`);
    assert.equal(scheme.flows.authorizationCode.tokenUrl, `${t.config.appUrl}/oauth/token`);
    assert.deepEqual(Object.keys(scheme.flows.authorizationCode.scopes).sort(), ['diary:read', 'diary:write', 'foods:read', 'profile']);
  });

  test('documents every API route, generated from the routes themselves', () => {
    const documented = operations().map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort();
    assert.deepEqual(documented, [
      'DELETE /api/diary/{id}',
      'GET /api/diary',
      'GET /api/diary/summary',
      'GET /api/foods/search',
      'GET /api/foods/{id}',
      'GET /api/me',
      'POST /api/diary',
    ]);
    // Each documented operation is a route Fastify really serves.
    for (const { method, path } of operations()) {
      const url = path.replace(/\{(\w+)\}/g, ':$1');
      assert.ok(t.server.app.hasRoute({ method: method.toUpperCase() as 'GET', url }), `${method} ${url}`);
    }
  });

  test('every operation has a unique operationId, a description within GPT limits and its scopes', () => {
    const ids = new Set<string>();
    for (const { path, method, op } of operations()) {
      const where = `${method} ${path}`;
      assert.match(op.operationId ?? '', /^[a-zA-Z][a-zA-Z0-9]+$/, where);
      assert.ok(!ids.has(op.operationId!), `duplicate operationId ${op.operationId}`);
      ids.add(op.operationId!);
      assert.ok(op.description && op.description.length > 20, `${where} needs a description`);
      assert.ok(op.description.length <= OPERATION_DESCRIPTION_LIMIT, `${where}: ${op.description.length} characters`);
      for (const parameter of op.parameters ?? []) {
        assert.ok((parameter.description ?? '').length <= PARAMETER_DESCRIPTION_LIMIT, `${where} ${parameter.name}`);
      }
      for (const [name, field] of Object.entries(op.requestBody?.content['application/json'].schema.properties ?? {})) {
        assert.ok((field.description ?? '').length <= PARAMETER_DESCRIPTION_LIMIT, `${where} body ${name}`);
      }
      assert.equal(op.security?.length, 1, `${where} declares its scopes`);
    }
  });

  test('a diary entry has a note: in the request body of addDiaryEntry (length-limited) and in every entry it returns', () => {
    const add = doc.paths['/api/diary']!.post as Operation & { responses: Record<string, { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } }> };
    const note = add.requestBody!.content['application/json'].schema.properties.note as { type: string; maxLength: number; description: string };
    assert.equal(note.type, 'string');
    assert.equal(note.maxLength, 280);
    assert.match(note.description, /note/);
    for (const status of ['200', '201']) assert.ok(add.responses[status]!.content['application/json'].schema.properties.note, status);
    const list = doc.paths['/api/diary']!.get as unknown as { responses: { 200: { content: { 'application/json': { schema: { properties: { entries: { items: { properties: Record<string, unknown> } } } } } } } } };
    assert.ok(list.responses[200].content['application/json'].schema.properties.entries.items.properties.note);
  });

  test('writes are marked consequential, reads are not', () => {
    for (const { method, path, op } of operations()) {
      assert.equal(op['x-openai-isConsequential'], method !== 'get', `${method} ${path}`);
    }
  });

  test('/docs shows the same operations to people', async () => {
    const response = await fetch(`${t.baseUrl}/docs`);
    assert.equal(response.status, 200);
    const html = await response.text();
    for (const { op } of operations()) assert.ok(html.includes(op.operationId!), op.operationId);
  });
});
