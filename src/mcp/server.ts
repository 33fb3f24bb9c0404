import { registerAppResource, registerAppTool } from '@modelcontextprotocol/ext-apps/server';
import { fromJsonSchema, McpServer, type CallToolResult, type ServerContext, type StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import type { Activity } from '../api/activity.js';
import { activityOf } from '../api/operation.js';
import { LarderError } from '../errors.js';
import type { Views } from '../views/render.js';
import { FACTS_APP_MIME_TYPE, FACTS_APP_URI, factsAppHtml } from './facts-app.js';
import type { McpCall } from './serving.js';
import { toolError, toolResult } from './tool-result.js';
import { byToolName, MCP_TOOLS, type McpTool, type McpToolDeps } from './tools.js';

/** What one tool call does around the operation: the quota step before, the usage record after. */
export interface ToolCallSteps {
  /** Done at once (returns) unless it waits (returns a promise); throws or rejects to refuse the call. */
  enforceQuota(): void | Promise<void>;
  /** `activity` is what the call did, for the person's history (api/activity.ts); buffered at once. */
  recordCall(tool: McpTool, status: number, durationMs: number, activity: Activity): void;
  logError(error: unknown): void;
}

/** What a tool call made besides its result: what its usage record says of it. */
export interface MadeCall {
  tool: McpTool;
  status: number;
  activity: Activity;
}

interface PreparedTool {
  tool: McpTool;
  description: string;
  inputSchema: StandardSchemaWithJSON;
  outputSchema: StandardSchemaWithJSON;
}

/**
 * Each tool's JSON schemas, from its operation with MCP's names in the descriptions,
 * compiled once per process (the server itself is built per request).
 */
export function prepareTools(): PreparedTool[] {
  return MCP_TOOLS.map((tool) => {
    const document = tool.operation.document(byToolName);
    const required = [...new Set([...((document.input.required as string[] | undefined) ?? []), ...(tool.alsoRequired ?? [])])];
    const input = required.length > 0 ? { ...document.input, required } : document.input;
    return { tool, description: tool.description, inputSchema: fromJsonSchema(input), outputSchema: fromJsonSchema(document.output) };
  });
}

export interface LarderMcpServerOptions {
  tools: readonly PreparedTool[];
  deps: McpToolDeps;
  views: Views;
  /** The caller and steps of the POST a tool call came in (serving.ts puts them in its AuthInfo). */
  callOf(context: ServerContext): McpCall;
  /**
   * Told each result a tool call made, before the SDK checks it and answers with it, with
   * the tool, the status and the activity its usage record was given (serving.ts keeps a
   * search's to answer the same call again without running it).
   */
  made?(context: ServerContext, result: CallToolResult, call: MadeCall): void;
  version: string;
}

/** What a call that did its work did, for history; never worth failing the call over. */
function describedCall(tool: McpTool, input: unknown, output: unknown): Activity {
  try {
    return activityOf(tool.operation, input, tool.structured ? tool.structured(output) : output, true);
  } catch {
    return activityOf(tool.operation, input, undefined, false);
  }
}

/** Turns anything a tool throws into a result a model can act on; a bug is logged and said plainly. */
function failure(error: unknown, steps: ToolCallSteps): { result: CallToolResult; status: number } {
  if (error instanceof LarderError) return { result: toolError(error), status: error.status };
  steps.logError(error);
  return { result: toolError(new LarderError('server_error', 500, 'Larder could not complete this request. Try again; if it keeps failing, tell the person.')), status: 500 };
}

/**
 * Larder as an MCP server: the tools of the table, each running the quota step, its
 * operation and the usage record for the caller of the request it came in, and the facts
 * app. The SDK's serving entry builds a fresh instance per request (which is what keeps
 * /mcp stateless); serving.ts also keeps one for the process that serves 2025-era tool calls.
 */
export function createLarderMcpServer(options: LarderMcpServerOptions): McpServer {
  const { deps, views } = options;
  const server = new McpServer(
    { name: 'larder', title: 'Larder', version: options.version },
    {
      capabilities: { tools: {}, resources: {} },
      instructions:
        "Larder is the person's food catalog (USDA nutrition facts) and food diary. Find foods with search_foods before get_food or log_food; amounts are per 100 g unless an entry says otherwise.",
    },
  );

  for (const { tool, description, inputSchema, outputSchema } of options.tools) {
    const config = { title: tool.title, description, inputSchema, outputSchema, annotations: { title: tool.title, ...tool.annotations } };
    const run = async (input: unknown, context: ServerContext): Promise<CallToolResult> => {
      const { caller, steps } = options.callOf(context);
      const started = performance.now();
      let outcome: { result: CallToolResult; status: number };
      let activity = activityOf(tool.operation, input, undefined, false);
      try {
        await steps.enforceQuota();
        const output = await tool.run(deps, caller, input);
        outcome = { result: toolResult(tool, output), status: 200 };
        // The operation describes its output as documented, which is the tool's structured content.
        activity = describedCall(tool, input, output);
      } catch (error) {
        outcome = failure(error, steps);
      }
      steps.recordCall(tool, outcome.status, performance.now() - started, activity);
      options.made?.(context, outcome.result, { tool, status: outcome.status, activity });
      return outcome.result;
    };
    if (tool.showsFacts) registerAppTool(server, tool.name, { ...config, _meta: { ui: { resourceUri: FACTS_APP_URI } } }, run);
    else server.registerTool(tool.name, config, run);
  }

  registerAppResource(
    server,
    'Nutrition facts',
    FACTS_APP_URI,
    { description: 'The nutrition-facts panel of the foods search_foods and get_food return.' },
    async () => ({ contents: [{ uri: FACTS_APP_URI, mimeType: FACTS_APP_MIME_TYPE, text: factsAppHtml(views) }] }),
  );
  return server;
}
