import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { ClientRegistration } from './clients.js';
import { LARDER_SCOPES } from './scopes.js';

/**
 * Larder's two resource servers (RFC 8707 resource indicators, RFC 9728 resources): the
 * REST API that GPT Actions call and the MCP endpoint. Every access token is issued for
 * exactly one of them (its `aud`), and each refuses the other's tokens.
 */
export interface LarderResources {
  api: string;
  mcp: string;
}

export type ResourceName = keyof LarderResources;

/** @example resourcesFor('https://larder.example.com').mcp === 'https://larder.example.com/mcp' */
export function resourcesFor(appUrl: string): LarderResources {
  return { api: `${appUrl}/api`, mcp: `${appUrl}/mcp` };
}

/** The resource named by an indicator, byte for byte (RFC 8707 section 2: absolute URI, no fragment). */
export function resourceNamed(resources: LarderResources, indicator: string): ResourceName | undefined {
  if (indicator === resources.api) return 'api';
  if (indicator === resources.mcp) return 'mcp';
  return undefined;
}

/**
 * The resource a token is for when the client names none: GPT Actions never send
 * `resource`, and their clients are the operator's; clients that registered themselves
 * or present a metadata document are MCP clients (which should send it, and do).
 */
export function defaultResourceFor(registration: ClientRegistration | undefined, resources: LarderResources): string {
  return registration === 'self' || registration === 'metadata_document' ? resources.mcp : resources.api;
}

/** RFC 9728 section 3.1: the metadata of `resource` lives at the well-known URI plus its path. */
export function protectedResourceMetadataUrl(appUrl: string, name: ResourceName): string {
  return `${appUrl}/.well-known/oauth-protected-resource/${name}`;
}

/** RFC 9728 section 2 metadata for one of Larder's resources. */
export function protectedResourceMetadata(config: Pick<Config, 'appUrl'>, name: ResourceName): Record<string, unknown> {
  const resources = resourcesFor(config.appUrl);
  return {
    resource: resources[name],
    authorization_servers: [config.appUrl],
    scopes_supported: [...LARDER_SCOPES],
    bearer_methods_supported: ['header'],
    resource_name: name === 'mcp' ? 'Larder MCP server' : 'Larder API',
    ...(name === 'api' ? { resource_documentation: `${config.appUrl}/docs` } : {}),
  };
}

/**
 * Serves the MCP endpoint's protected resource metadata (the /api documents are served
 * beside the API's bearer check). MCP clients read it from the 401's `resource_metadata`
 * or find it here by path (MCP authorization spec, "Protected Resource Metadata Discovery").
 */
export async function protectedResourceRoutes(app: FastifyInstance, options: { config: Config }): Promise<void> {
  const metadata = protectedResourceMetadata(options.config, 'mcp');
  app.get('/.well-known/oauth-protected-resource/mcp', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=3600');
    return metadata;
  });
}
