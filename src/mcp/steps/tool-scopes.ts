import type { FastifyRequest } from 'fastify';
import type { Scope } from '../../oauth/scopes.js';
import { findTool } from '../tools.js';

/** The tool a JSON-RPC `tools/call` body names, if it is one (the SDK answers everything else). */
export function calledToolName(body: unknown): string | undefined {
  if (typeof body !== 'string' || body.length === 0) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!message || typeof message !== 'object' || Array.isArray(message)) return undefined;
  const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
  return method === 'tools/call' && typeof params?.name === 'string' ? params.name : undefined;
}

/**
 * The scopes an MCP request needs: a tool call those of its operation, anything else
 * (initialize, server/discover, tools/list, the app resource) none beyond a valid token.
 * Checked over HTTP before the call runs, so a client can step up (MCP authorization
 * 2025-11-25, "Scope Challenge Handling": 403 with error="insufficient_scope").
 */
export function toolScopes(request: FastifyRequest): readonly Scope[] {
  const name = calledToolName(request.body);
  return (name && findTool(name)?.operation.scopes) || [];
}
