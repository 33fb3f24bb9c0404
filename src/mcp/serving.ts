import {
  classifyInboundRequest,
  createMcpHandler,
  isJsonContentType,
  WebStandardStreamableHTTPServerTransport,
  type AuthInfo,
  type McpServer,
} from '@modelcontextprotocol/server';
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../api/caller.js';
import { LARDER_VERSION } from '../version.js';
import type { Views } from '../views/render.js';
import { createLarderMcpServer, prepareTools, type ToolCallSteps } from './server.js';
import type { McpToolDeps } from './tools.js';

/**
 * What serves /mcp's messages on the SDK: loaded by the first /mcp request (context.ts), not
 * at start, since the SDK, the tools and their schemas take some 100-200 ms to load and build.
 */

/** One POST's caller and the steps its tool calls run (quota, usage record). */
export interface McpCall {
  caller: Caller;
  steps: ToolCallSteps;
}

export interface McpServing {
  /** The answer to one /mcp request; `message` is its parsed JSON-RPC body, if it had one. */
  answer(request: FastifyRequest, web: Request, message: unknown, call: McpCall | undefined, authInfo: AuthInfo | undefined): Promise<Response>;
  close(): Promise<void>;
}

/** A 2025-era (`initialize`) exchange, as createMcpHandler's classification would route it. */
function isLegacyMessage(request: FastifyRequest, message: unknown): boolean {
  if (message === undefined || !isJsonContentType(request.headers['content-type'] ?? null)) return false;
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const outcome = classifyInboundRequest({
    httpMethod: 'POST',
    protocolVersionHeader: header('mcp-protocol-version'),
    mcpMethodHeader: header('mcp-method'),
    mcpNameHeader: header('mcp-name'),
    body: message,
  });
  return outcome.kind === 'legacy';
}

/** JSON-RPC's internal error, as the SDK's handler answers a failure of its own. */
function internalError(message: unknown): Response {
  const id = message !== null && typeof message === 'object' && 'id' in message && (typeof message.id === 'string' || typeof message.id === 'number') ? message.id : null;
  return Response.json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id }, { status: 500 });
}

/**
 * The 2025-era leg, stateless as the SDK's own fallback (`legacy: 'stateless'`): a fresh
 * server on a fresh `sessionIdGenerator: undefined` transport for each POST, closed when
 * it has answered. The one difference is the transport's JSON response mode: a POST is
 * answered with the JSON-RPC response itself (`application/json`, which Streamable HTTP
 * lets a server choose for any POST, MCP 2025-11-25 "Sending Messages to the Server"),
 * not an event stream of one event: the tools send no notifications before their result,
 * and the reply's head (with the RateLimit fields) is sent when the call is done.
 */
async function serveLegacyAsJson(factory: () => McpServer, bodyLimit: number, request: Request, message: unknown, authInfo: AuthInfo, onerror: (error: unknown) => void): Promise<Response> {
  let server: McpServer | undefined;
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true, maxRequestBodySize: bodyLimit });
  try {
    server = factory();
    await server.connect(transport);
    // A client gone mid-call: the exchange is torn down, the answer is never sent.
    const gone = new Promise<Response>((resolve) => {
      request.signal.addEventListener('abort', () => resolve(new Response(null, { status: 499 })), { once: true });
    });
    return await Promise.race([transport.handleRequest(request, { authInfo, parsedBody: message }), gone]);
  } catch (error) {
    onerror(error);
    return internalError(message);
  } finally {
    transport.close().catch(() => {});
    server?.close().catch(() => {});
  }
}

/** The SDK's handler for both eras, and the JSON leg of 2025-era tool calls, for Larder's tools. */
export function createMcpServing(options: { deps: McpToolDeps; views: Views; bodyLimit: number; onerror: (error: unknown) => void }): McpServing {
  const { deps, views, bodyLimit, onerror } = options;
  const tools = prepareTools();
  const serverFor = (call: McpCall) => createLarderMcpServer({ tools, deps, views, caller: call.caller, steps: call.steps, version: LARDER_VERSION });
  const handler = createMcpHandler(
    (context) => {
      const call = context.authInfo?.extra as McpCall | undefined;
      // Every POST passed the token steps; a request without a caller never gets here.
      if (!call) throw new Error('MCP request without a caller');
      return serverFor(call);
    },
    { legacy: 'stateless', maxRequestBodySize: bodyLimit, onerror },
  );
  return {
    answer(request, web, message, call, authInfo) {
      // A 2025-era tool call (most clients today) in JSON; the rest as the SDK's handler routes it.
      if (call && authInfo && isLegacyMessage(request, message)) return serveLegacyAsJson(() => serverFor(call), bodyLimit, web, message, authInfo, onerror);
      return handler.fetch(web, { ...(authInfo ? { authInfo } : {}), ...(message !== undefined ? { parsedBody: message } : {}) });
    },
    close: () => handler.close(),
  };
}
