import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { protectedResourceMetadata, type ProtectedResource } from './protected-resource.js';

/**
 * RFC 9728 section 3: the API's metadata at `/.well-known/oauth-protected-resource/api`
 * (the path of its resource indicator), and at the bare well-known path for clients that
 * look there first. Public: a client reads it before it has a token.
 */
export async function apiResourceMetadataRoutes(app: FastifyInstance, options: { resource: ProtectedResource; config: Config }): Promise<void> {
  const metadata = protectedResourceMetadata(options.resource, options.config);
  const servesMetadata = { schema: { hide: true } };
  app.get('/.well-known/oauth-protected-resource', servesMetadata, async () => metadata);
  app.get('/.well-known/oauth-protected-resource/api', servesMetadata, async () => metadata);
}

/**
 * The MCP endpoint's metadata at `/.well-known/oauth-protected-resource/mcp`, where MCP
 * clients look for it by path and where its 401s point (`resource_metadata`).
 */
export async function mcpResourceMetadataRoutes(app: FastifyInstance, options: { resource: ProtectedResource; config: Config }): Promise<void> {
  const metadata = protectedResourceMetadata(options.resource, options.config);
  app.get('/.well-known/oauth-protected-resource/mcp', { schema: { hide: true } }, async () => metadata);
}
