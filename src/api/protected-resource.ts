import type { Config } from '../config.js';
import { DEFAULT_CLIENT_SCOPES, LARDER_SCOPES } from '../oauth/scopes.js';

/**
 * A protected resource (RFC 9728) as the context steps see it: the resource indicator its
 * tokens must be issued for (RFC 8707), and what its bearer challenges tell a client.
 */
export interface ProtectedResource {
  /** The resource indicator, `${APP_URL}/api`: every accepted token must name it as audience. */
  resource: string;
  /** RFC 9728 `resource_name`, also named in refusals: "Larder API". */
  name: string;
  /** RFC 9728 `resource_documentation`, when it has a page. */
  documentation?: string;
  /** RFC 9728 section 3: where the resource's metadata is served. */
  metadataUrl: string;
  /** Parameters each kind of refusal adds to its `WWW-Authenticate` challenge. */
  challenge: { invalidToken: Record<string, string>; insufficientScope: Record<string, string> };
}

/** The REST API, `${APP_URL}/api`, the resource GPT Actions call. */
export function apiProtectedResource(appUrl: string): ProtectedResource {
  const metadataUrl = `${appUrl}/.well-known/oauth-protected-resource`;
  return {
    resource: `${appUrl}/api`,
    name: 'Larder API',
    documentation: `${appUrl}/docs`,
    metadataUrl,
    // RFC 9728 section 5.1: a 401 points the client at the resource metadata.
    challenge: { invalidToken: { resource_metadata: metadataUrl }, insufficientScope: {} },
  };
}

/** The MCP endpoint, `${APP_URL}/mcp`, the resource MCP clients ask tokens for. */
export function mcpProtectedResource(appUrl: string): ProtectedResource {
  const metadataUrl = `${appUrl}/.well-known/oauth-protected-resource/mcp`;
  return {
    resource: `${appUrl}/mcp`,
    name: 'Larder MCP server',
    documentation: `${appUrl}/docs`,
    metadataUrl,
    // MCP authorization spec ("Protected Resource Metadata Discovery", "Scope Challenge
    // Handling"): a 401 names the metadata and the scopes to start with; a 403 the metadata too.
    challenge: {
      invalidToken: { resource_metadata: metadataUrl, scope: DEFAULT_CLIENT_SCOPES.join(' ') },
      insufficientScope: { resource_metadata: metadataUrl },
    },
  };
}

/** RFC 9728 section 2: the metadata document of a protected resource. */
export function protectedResourceMetadata(resource: ProtectedResource, config: Pick<Config, 'appUrl'>): Record<string, unknown> {
  return {
    resource: resource.resource,
    authorization_servers: [config.appUrl],
    scopes_supported: [...LARDER_SCOPES],
    bearer_methods_supported: ['header'],
    resource_name: resource.name,
    ...(resource.documentation ? { resource_documentation: resource.documentation } : {}),
  };
}
