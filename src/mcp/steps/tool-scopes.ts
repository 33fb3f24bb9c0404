import type { FastifyRequest } from 'fastify';
import { orderScopes, type Scope } from '../../oauth/scopes.js';
import { findTool, MCP_TOOLS } from '../tools.js';

/** Each POST's body as parsed JSON (`undefined`: none, or not JSON), parsed once for every step that reads it. */
const parsedBodies = new WeakMap<FastifyRequest, { message: unknown }>();

/**
 * A POST's JSON-RPC message: its body parsed as JSON, once (`undefined`: no body, or not
 * JSON; the SDK then reads the text itself and answers with its parse error).
 */
export function parsedMessage(request: FastifyRequest): unknown {
  const known = parsedBodies.get(request);
  if (known) return known.message;
  let message: unknown;
  if (request.method === 'POST' && typeof request.body === 'string' && request.body.length > 0) {
    try {
      message = JSON.parse(request.body) as unknown;
    } catch {
      message = undefined;
    }
  }
  parsedBodies.set(request, { message });
  return message;
}

/**
 * The tools a JSON-RPC message calls: one `tools/call`, or every one in a batch (the 2025-03-26
 * revision allowed arrays, and the SDK's legacy leg still reads them, so a batch must not
 * slip past the scope check). Anything unreadable calls nothing; the SDK refuses it.
 */
export function calledToolNames(parsed: unknown): string[] {
  if (parsed === undefined) return [];
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  return messages.flatMap((message: unknown) => {
    if (!message || typeof message !== 'object') return [];
    const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
    return method === 'tools/call' && typeof params?.name === 'string' ? [params.name] : [];
  });
}

/**
 * The scopes an MCP request needs: a tool call those of its operation, anything else
 * (initialize, server/discover, tools/list, the app resource) none beyond a valid token.
 * Checked over HTTP before the call runs, so a client can step up (MCP authorization
 * 2025-11-25, "Scope Challenge Handling": 403 with error="insufficient_scope").
 */
export function toolScopes(request: FastifyRequest): readonly Scope[] {
  const parsed = parsedMessage(request);
  // One message (the usual POST): its tool's scopes, ordered once; none for anything but a tools/call.
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const { method, params } = parsed as { method?: unknown; params?: { name?: unknown } };
    return (method === 'tools/call' && typeof params?.name === 'string' && SCOPES_BY_TOOL.get(params.name)) || NO_SCOPES;
  }
  return orderScopes(calledToolNames(parsed).flatMap((name) => findTool(name)?.operation.scopes ?? []));
}

const NO_SCOPES: readonly Scope[] = Object.freeze([]);
/** Each tool's scopes in the canonical order, as toolScopes answers for a call of it alone. */
const SCOPES_BY_TOOL = new Map<string, readonly Scope[]>(MCP_TOOLS.map((tool) => [tool.name, Object.freeze(orderScopes(tool.operation.scopes))]));
