import type { AuthInfo } from '@modelcontextprotocol/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../accounts/users.js';
import { RESPONSE_BUDGET_CHARS } from '../api/budget.js';
import { callerOf } from '../api/caller.js';
import { markJsonReplies } from '../api/context.js';
import type { ProtectedResource } from '../api/protected-resource.js';
import { checkAudience } from '../api/steps/check-audience.js';
import { enforceQuotaNow } from '../api/steps/enforce-quota.js';
import { quotaFields } from '../api/steps/quota-fields.js';
import { loadCaller } from '../api/steps/load-caller.js';
import { readBearerToken, type FindAccessToken } from '../api/steps/read-bearer-token.js';
import { recordCallNow } from '../api/steps/record-usage.js';
import { requireScopesNow } from '../api/steps/require-scopes.js';
import type { UsageLedger } from '../api/usage-ledger.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Views } from '../views/render.js';
import type { ToolCallSteps } from './server.js';
import type { McpCall, McpServing } from './serving.js';
import { checkOrigin } from './steps/check-origin.js';
import { parsedMessage, toolScopes } from './steps/tool-scopes.js';
import { RESULT_ENVELOPE_RESERVE } from './tool-result.js';

/** The MCP endpoint's path on Larder's origin (SPEC.md). */
export const MCP_PATH = '/mcp';

export interface McpRoutesOptions {
  /** `${APP_URL}/mcp` as a protected resource (api/protected-resource.ts): its audience and challenges. */
  resource: ProtectedResource;
  config: Config;
  db: Db;
  catalog: Catalog;
  views: Views;
  findAccessToken: FindAccessToken;
  findUser: (id: string) => Promise<User | undefined>;
  /** Counts calls against quotas and buffers their history (the API's ledger). */
  usage: UsageLedger;
}

/** The largest JSON-RPC message /mcp reads; a tool call is a few hundred bytes. */
const MCP_BODY_LIMIT = 256 * 1024;

/** Headers of the HTTP hop, not of the message the SDK reads. */
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade']);

/**
 * The Fastify request as the web-standard Request the SDK's handler serves; aborted if the
 * client goes away. Without its body when the message was parsed for the SDK already.
 */
function webRequest(appUrl: string, request: FastifyRequest, reply: FastifyReply, parsed: boolean): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_HEADERS.has(name)) continue;
    if (typeof value === 'string') headers.append(name, value);
    else for (const item of value) headers.append(name, item);
  }
  const aborted = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) aborted.abort();
  });
  const body = !parsed && typeof request.body === 'string' && request.method === 'POST' ? request.body : undefined;
  return new Request(`${appUrl}${MCP_PATH}`, { method: request.method, headers, body, signal: aborted.signal });
}

/**
 * The SDK answers a POST with an event stream at once and runs the tool calls as the
 * stream is read; the reply's head (with the RateLimit fields, quotaFields) waits for the
 * stream's first event, so the fields count the call it answers. Later events still stream.
 */
async function afterFirstEvent(response: Response): Promise<Response> {
  if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) return response;
  const reader = response.body.getReader();
  const first = await reader.read();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.done) controller.close();
      else controller.enqueue(first.value);
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * `/mcp`, Streamable HTTP on the official SDK, both eras from one endpoint: the SDK's
 * `createMcpHandler` serves 2026-07-28 requests (server/discover, Mcp-Method / Mcp-Name)
 * and, through its stateless legacy fallback, the 2025-06-18 / 2025-11-25 `initialize`
 * exchange, each request by a fresh server, so any instance answers any request.
 *
 * POST passes the same context steps as the API, with the audience `/mcp`: token,
 * audience, caller (onRequest), the called tool's scopes (preHandler); the quota and the
 * usage record run inside each tool call, so an exhausted quota is a tool result a model
 * can relay. The stateless endpoint has no 2025 sessions or streams: GET and DELETE are
 * the not-found handler's 405 with `Allow: POST`, like any other method /mcp does not take.
 */
export async function mcpRoutes(app: FastifyInstance, options: McpRoutesOptions): Promise<void> {
  const { resource, config, db } = options;
  const deps = { catalog: options.catalog, appUrl: config.appUrl, db, responseBudget: RESPONSE_BUDGET_CHARS - RESULT_ENVELOPE_RESERVE };
  const quota = enforceQuotaNow(options.usage, config.quotas, resource);

  // The SDK, the tools and their schemas are loaded by the first /mcp request rather than at every start.
  let serving: Promise<McpServing> | undefined;
  /** The serving once loaded, taken without awaiting its promise again. */
  let ready: McpServing | undefined;
  const mcpServing = () =>
    (serving ??= import('./serving.js').then(async ({ createMcpServing }) => {
      ready = await createMcpServing({ deps, views: options.views, bodyLimit: MCP_BODY_LIMIT, onerror: (error) => app.log.debug({ err: error }, 'MCP request refused') });
      return ready;
    }));
  app.addHook('onClose', async () => {
    if (serving) await (await serving).close();
  });

  /** The AuthInfo the SDK's handlers read of a POST with a caller (its `extra` is the McpCall the tools read). */
  const authInfoOf = (call: McpCall): AuthInfo => ({
    token: '',
    clientId: call.caller.clientId,
    scopes: [...call.caller.scopes],
    resource: new URL(resource.resource),
    resourceMetadataUrl: resource.metadataUrl,
    extra: call as unknown as Record<string, unknown>,
  });

  const serve = async (request: FastifyRequest, reply: FastifyReply, call?: McpCall) => {
    const message = parsedMessage(request);
    const served = ready ?? (await mcpServing());
    // A 2025-era tool call, the hot path: answered by the process's tool server, no web Request or
    // Response; as bytes, so the Content-Type stays the SDK's `application/json` (no charset added).
    if (call && served.toolCallable(request, message, call)) {
      const { status, body } = await served.callTool(message, call, () => authInfoOf(call));
      return reply.code(status).header('content-type', 'application/json').send(body);
    }
    const authInfo = call && authInfoOf(call);
    const web = webRequest(config.appUrl, request, reply, message !== undefined);
    const response = await served.answer(request, web, message, call, authInfo);
    return reply.send(call ? await afterFirstEvent(response) : response);
  };

  await app.register(async (mcp) => {
    markJsonReplies(mcp);
    // The SDK reads the JSON-RPC message itself, so a malformed one gets a JSON-RPC error from it.
    mcp.removeAllContentTypeParsers();
    mcp.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MCP_BODY_LIMIT }, (_request, body, done) => done(null, body));
    mcp.addHook('onRequest', checkOrigin(config.appUrl, config.mcpAllowedOrigins));

    await mcp.register(async (protectedMcp) => {
      protectedMcp.addHook('onRequest', readBearerToken(options.findAccessToken, resource));
      protectedMcp.addHook('onRequest', checkAudience(resource));
      protectedMcp.addHook('onRequest', loadCaller(options.findUser, resource));
      // Done at once, in a callback hook: no promise made for it on every POST.
      const scopesStep = requireScopesNow(resource, toolScopes, { askForGranted: true });
      protectedMcp.addHook('preHandler', (request, _reply, done) => {
        try {
          scopesStep(request);
        } catch (error) {
          done(error as Error);
          return;
        }
        done();
      });
      // The RateLimit fields, as on the API: after the tool calls of this POST were counted.
      protectedMcp.addHook('onSend', quotaFields(options.usage, config.quotas));
      protectedMcp.post(MCP_PATH, { schema: { hide: true } }, (request, reply) => {
        const caller = callerOf(request);
        const steps: ToolCallSteps = {
          enforceQuota: () => quota(request),
          recordCall: (tool, status, durationMs, activity) => recordCallNow(options.usage, request, { route: `${MCP_PATH} ${tool.name}`, status, durationMs, activity }),
          logError: (error) => request.log.error({ err: error }, 'MCP tool failed'),
        };
        return serve(request, reply, { caller, steps });
      });
    });
  });
}
