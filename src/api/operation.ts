import type { Scope } from '../oauth/scopes.js';
import type { Activity } from './activity.js';

/** Every operation Larder offers, by the id the OpenAPI document knows it by. */
export const OPERATION_IDS = ['searchFoods', 'getFood', 'getMe', 'addDiaryEntry', 'listDiaryEntries', 'getDiarySummary', 'deleteDiaryEntry'] as const;

export type OperationId = (typeof OPERATION_IDS)[number];

/**
 * How a surface names an operation in the words a model reads ("a food id from
 * searchFoods" for GPT Actions, "from search_foods" for an MCP client): the schemas are
 * written once and each surface fills in its own names.
 */
export type OperationRef = (id: OperationId) => string;

/** The REST API (and its OpenAPI document) names operations by their operationId. */
export const byOperationId: OperationRef = (id) => id;

export type JsonSchema = Record<string, unknown>;

/** An operation's documentation and its JSON schemas, as one surface shows them. */
export interface OperationDocument {
  summary: string;
  description: string;
  /** The validated input the operation function takes: one JSON object. */
  input: JsonSchema;
  /** The data the operation function returns. */
  output: JsonSchema;
}

/**
 * One operation as every surface describes it: the REST route builds its Fastify (and so
 * OpenAPI) schema from it, the MCP tool its input and output schemas. The work itself is
 * a plain function beside it in the owning module (`searchFoods(deps, caller, input)`).
 */
export interface Operation {
  id: OperationId;
  /** What the caller's token must have been granted. */
  scopes: readonly Scope[];
  /** Whether it changes the person's data (consequential in OpenAPI, not read-only in MCP). */
  writes: boolean;
  document(ref: OperationRef): OperationDocument;
  /**
   * What a successful call did, for the person's history (api/activity.ts): the few facts
   * that name it, taken from the validated input and the output. Every surface records it.
   */
  activity?(input: unknown, output: unknown): Omit<Activity, 'op'>;
}

/** The history line of a call: the operation's own facts when it did its work, else only which operation. */
export function activityOf(operation: Operation, input: unknown, output: unknown, succeeded: boolean): Activity {
  return succeeded && operation.activity ? { ...operation.activity(input, output), op: operation.id } : { op: operation.id };
}
