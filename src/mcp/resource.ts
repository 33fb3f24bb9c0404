import type { ProtectedResource } from '../api/protected-resource.js';
import { DEFAULT_CLIENT_SCOPES } from '../oauth/scopes.js';

/** The MCP endpoint's path on Larder's origin (SPEC.md). */
export const MCP_PATH = '/mcp';

/**
 * The MCP endpoint as a protected resource: tokens must be issued for `${APP_URL}/mcp`
 * (RFC 8707), and its challenges say where its metadata is (RFC 9728 section 5.1) and, on a
 * 401, which scopes to start with: the default scope (MCP authorization 2025-11-25, "Scope
 * Selection Strategy"); a tool that needs more answers 403 and the client steps up.
 */
export function mcpProtectedResource(appUrl: string, defaultScopes: readonly string[] = DEFAULT_CLIENT_SCOPES): ProtectedResource {
  const metadataUrl = `${appUrl}/.well-known/oauth-protected-resource${MCP_PATH}`;
  return {
    resource: `${appUrl}${MCP_PATH}`,
    name: 'Larder MCP',
    metadataUrl,
    challenge: {
      invalidToken: { resource_metadata: metadataUrl, scope: defaultScopes.join(' ') },
      insufficientScope: { resource_metadata: metadataUrl },
    },
  };
}
