import type { CallToolResult } from '@modelcontextprotocol/server';
import { clip, RESPONSE_BUDGET_CHARS } from '../api/budget.js';
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
  if (JSON.stringify(result).length <= RESPONSE_BUDGET_CHARS) return result;
  return toolError(new LarderError('response_too_large', 500, 'The answer would be too large; ask for less (a smaller limit or one day at a time).'));
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
