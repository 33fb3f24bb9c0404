import type { Scope } from '../oauth/scopes.js';

/**
 * Route schemas carry their own documentation (operationId, summary, description),
 * from which the OpenAPI document is generated: a route added is documented where
 * it is written, never in a second file.
 */
declare module 'fastify/types/schema.js' {
  interface FastifySchema {
    operationId?: string;
    summary?: string;
    description?: string;
    tags?: string[];
    /** OAuth scopes the route needs; shown in OpenAPI and enforced by the bearer check. */
    scopes?: readonly Scope[];
    'x-openai-isConsequential'?: boolean;
    hide?: boolean;
  }
}

export {};
