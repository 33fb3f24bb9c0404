import type { CallToolResult } from '@modelcontextprotocol/server';
import { clip, RESPONSE_BUDGET_CHARS } from '../api/budget.js';
import { LarderError } from '../errors.js';
import type { McpTool } from './tools.js';

/** A tool's short text rendering, for clients (and models) that read no structure. */
const TEXT_LIMIT = 2_000;

/**
 * What operations leave of the 100,000-character budget for the rest of a tool result:
 * the text, the app panels' markup and the JSON-RPC envelope.
 */
export const RESULT_ENVELOPE_RESERVE = 4_000;

const size = (result: CallToolResult) => JSON.stringify(result).length;

/**
 * The app's panels for a result's `_meta` under `key`, with the length of their JSON
 * string (facts-app.ts's FactsPanels), so the whole result's size is known from the rest.
 */
export interface ResultPanels {
  key: string;
  html: string;
  jsonLength: number;
}

/**
 * A tool's answer: `structuredContent` matching its output schema, a short text, and the
 * app's panels in `_meta` when it shows them. Within the same budget as the API: the
 * operation already trimmed its lists; the panels go first if the whole still does not fit.
 * Only the result without the panels is serialized here; the panels' part of the size is
 * theirs, counted when each panel was rendered (`JSON.stringify(withMeta).length` exactly).
 */
export function toolResult(tool: McpTool, output: unknown, panels: ResultPanels | undefined): CallToolResult {
  const structuredContent = (tool.structured ? tool.structured(output) : output) as Record<string, unknown>;
  const plain: CallToolResult = { content: [{ type: 'text', text: clip(tool.summarize(output), TEXT_LIMIT) }], structuredContent };
  const plainSize = size(plain);
  if (panels) {
    // `{...plain,"_meta":{"key":"html"}}`: _meta comes last, inside plain's closing brace.
    const withMetaSize = plainSize + ',"_meta":{'.length + JSON.stringify(panels.key).length + 1 + panels.jsonLength + 1;
    if (withMetaSize <= RESPONSE_BUDGET_CHARS) return { ...plain, _meta: { [panels.key]: panels.html } };
  }
  if (plainSize <= RESPONSE_BUDGET_CHARS) return plain;
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
