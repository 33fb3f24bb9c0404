import { apiProtectedResource, mcpProtectedResource } from '../api/protected-resource.js';
import type { ClientRegistration } from './clients.js';

/**
 * The authorization server's view of Larder's two resource servers (RFC 8707 resource
 * indicators): the REST API that GPT Actions call and the MCP endpoint. Every access
 * token is issued for exactly one of them (its `aud`); each refuses the other's tokens
 * (src/api/steps/check-audience.ts). Their descriptions and metadata documents (RFC 9728)
 * are src/api/protected-resource.ts's.
 */
export interface LarderResources {
  api: string;
  mcp: string;
}

export type ResourceName = keyof LarderResources;

/** @example resourcesFor('https://larder.example.com').mcp === 'https://larder.example.com/mcp' */
export function resourcesFor(appUrl: string): LarderResources {
  return { api: apiProtectedResource(appUrl).resource, mcp: mcpProtectedResource(appUrl).resource };
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
