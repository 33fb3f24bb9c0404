import type { FastifySchema } from 'fastify';
import { byOperationId, type Operation } from './operation.js';
import { errorSchema } from './schemas.js';

export interface RestBinding {
  /** Where the HTTP request carries the operation's input; `none` when it takes none. */
  input: 'querystring' | 'params' | 'body' | 'none';
  /** Success statuses, each with the description OpenAPI shows (default: 200 alone). */
  success?: Record<number, string | undefined>;
  /** Error statuses, documented with the one error schema. */
  errors?: number[];
}

/**
 * The Fastify schema of a REST route from its operation: Fastify validates with it and
 * the OpenAPI document is generated from it, so the route adds only how HTTP carries the
 * input and which statuses it answers.
 */
const restOperations = new WeakMap<FastifySchema, { operation: Operation; input: RestBinding['input'] }>();

/** The operation a REST route's schema was made from, and where its input is: for the usage record. */
export function restOperationOf(schema: FastifySchema | undefined): { operation: Operation; input: RestBinding['input'] } | undefined {
  return schema ? restOperations.get(schema) : undefined;
}

export function restSchema(operation: Operation, binding: RestBinding): FastifySchema {
  const document = operation.document(byOperationId);
  const response: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(binding.success ?? { 200: undefined })) {
    response[status] = description === undefined ? document.output : { description, ...document.output };
  }
  for (const status of binding.errors ?? []) response[status] = errorSchema;
  const schema: FastifySchema = {
    operationId: operation.id,
    summary: document.summary,
    description: document.description,
    scopes: operation.scopes,
    'x-openai-isConsequential': operation.writes,
    ...(binding.input === 'none' ? {} : { [binding.input]: document.input }),
    response,
  };
  restOperations.set(schema, { operation, input: binding.input });
  return schema;
}
