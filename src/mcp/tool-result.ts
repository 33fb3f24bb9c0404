import type { CallToolResult } from '@modelcontextprotocol/server';
import { clip, jsonOf, RESPONSE_BUDGET_CHARS } from '../api/budget.js';
import { LarderError } from '../errors.js';
import type { McpTool } from './tools.js';

/** A tool's short text rendering, for clients (and models) that read no structure. */
const TEXT_LIMIT = 2_000;

/**
 * What operations leave of the 100,000-character budget for the rest of a tool result:
 * the text and the JSON-RPC envelope.
 */
export const RESULT_ENVELOPE_RESERVE = 4_000;

/**
 * A tool's answer: `structuredContent` matching its output schema and a short text, within
 * the same budget as the API (the operation already trimmed its lists). The facts app
 * renders its panels from the structured content (facts-app.ts): a result carries no markup.
 */
export function toolResult(tool: McpTool, output: unknown): CallToolResult {
  const structuredContent = (tool.structured ? tool.structured(output) : output) as Record<string, unknown>;
  const result: CallToolResult = { content: [{ type: 'text', text: clip(tool.summarize(output), TEXT_LIMIT) }], structuredContent };
  // JSON.stringify(result), with the structured content's text as its operation made it, if it did.
  const text = `{"content":${JSON.stringify(result.content)},"structuredContent":${jsonOf(structuredContent)}}`;
  if (text.length > RESPONSE_BUDGET_CHARS) return toolError(new LarderError('response_too_large', 500, 'The answer would be too large; ask for less (a smaller limit or one day at a time).'));
  serialized.set(result, text);
  return result;
}

/** Each tool result's JSON, as its size was measured, for the answer to reuse (serving.ts). */
const serialized = new WeakMap<object, string>();

/**
 * Whether `a` and `b` serialize to the same JSON, without serializing them: the same value,
 * or arrays or plain objects whose keys (in order) and entries are. The SDK checks a tool
 * result against its schema and answers with the checked copy, whose unknown parts are the
 * tool's own objects: the walk ends there, at the first level the copy did not rebuild.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i]!;
    if (key !== keysB[i] || !sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * The JSON of `sent`, a result the SDK is answering with, when it is `made` (a result as
 * toolResult made it, measured) or a copy of it that serializes the same.
 */
export function serializedResult(sent: unknown, made: CallToolResult | undefined): string | undefined {
  const text = made && serialized.get(made);
  return text !== undefined && sameJson(sent, made) ? text : undefined;
}

/**
 * A failure a model can act on, as a tool result with `isError` (MCP 2025-11-25, "Error
 * Handling": tool execution errors are results, protocol errors are JSON-RPC errors). The
 * text names the error code and says what to do, as the API's `error_description` does.
 */
export function toolError(error: LarderError): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: `${error.code}: ${error.message}` }],
    structuredContent: { error: error.code, error_description: error.message },
  };
}
