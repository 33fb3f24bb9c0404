import {
  classifyInboundRequest,
  createMcpHandler,
  isJSONRPCRequest,
  isJsonContentType,
  WebStandardStreamableHTTPServerTransport,
  type AuthInfo,
  type CallToolResult,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type McpServer,
  type ServerContext,
  type Transport,
} from '@modelcontextprotocol/server';
import type { FastifyRequest } from 'fastify';
import { LarderError } from '../errors.js';
import type { Caller } from '../api/caller.js';
import { LARDER_VERSION } from '../version.js';
import type { Views } from '../views/render.js';
import { nutrientTierFor } from '../accounts/plans.js';
import type { Catalog } from '../catalog/catalog.js';
import { RecentValues } from '../catalog/recent-values.js';
import { createLarderMcpServer, prepareTools, type MadeCall, type ToolCallSteps } from './server.js';
import { serializedResult } from './tool-result.js';
import type { McpToolDeps } from './tools.js';

/**
 * What serves /mcp's messages on the SDK: loaded by the first /mcp request (context.ts), not
 * at start, since the SDK, the tools and their schemas take some 100-200 ms to load and build.
 */

/** One POST's caller and the steps its tool calls run (quota, usage record). */
export interface McpCall {
  caller: Caller;
  steps: ToolCallSteps;
}

export interface McpServing {
  /**
   * The JSON-RPC response to a 2025-era `tools/call` POST that the SDK's transport would
   * answer with that response in JSON (`toolCallable`): its status and bytes. `authInfo`
   * makes the POST's AuthInfo, needed only when the call runs (not for a kept result).
   */
  callTool(message: JSONRPCRequest, call: McpCall, authInfo: () => AuthInfo): Promise<{ status: number; body: Buffer }>;
  /** Whether `callTool` answers this POST: any other goes to `answer`. */
  toolCallable(request: FastifyRequest, message: unknown, call: McpCall | undefined): message is JSONRPCRequest;
  /** The answer to one /mcp request; `message` is its parsed JSON-RPC body, if it had one. */
  answer(request: FastifyRequest, web: Request, message: unknown, call: McpCall | undefined, authInfo: AuthInfo | undefined): Promise<Response>;
  close(): Promise<void>;
}

/** A 2025-era (`initialize`) exchange, as createMcpHandler's classification would route it. */
function isLegacyMessage(request: FastifyRequest, message: unknown): boolean {
  if (message === undefined || !isJsonContentType(request.headers['content-type'] ?? null)) return false;
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const outcome = classifyInboundRequest({
    httpMethod: 'POST',
    protocolVersionHeader: header('mcp-protocol-version'),
    mcpMethodHeader: header('mcp-method'),
    mcpNameHeader: header('mcp-name'),
    body: message,
  });
  return outcome.kind === 'legacy';
}

/** JSON-RPC's internal error, as the SDK's handler answers a failure of its own. */
function internalError(message: unknown): Response {
  const id = message !== null && typeof message === 'object' && 'id' in message && (typeof message.id === 'string' || typeof message.id === 'number') ? message.id : null;
  return Response.json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id }, { status: 500 });
}

/**
 * The 2025-era leg, stateless as the SDK's own fallback (`legacy: 'stateless'`): a fresh
 * server on a fresh `sessionIdGenerator: undefined` transport for each POST, closed when
 * it has answered. The one difference is the transport's JSON response mode: a POST is
 * answered with the JSON-RPC response itself (`application/json`, which Streamable HTTP
 * lets a server choose for any POST, MCP 2025-11-25 "Sending Messages to the Server"),
 * not an event stream of one event: the tools send no notifications before their result,
 * and the reply's head (with the RateLimit fields) is sent when the call is done.
 */
async function serveLegacyAsJson(factory: () => McpServer, bodyLimit: number, request: Request, message: unknown, authInfo: AuthInfo, onerror: (error: unknown) => void): Promise<Response> {
  let server: McpServer | undefined;
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true, maxRequestBodySize: bodyLimit });
  try {
    server = factory();
    await server.connect(transport);
    // A client gone mid-call: the exchange is torn down, the answer is never sent.
    const gone = new Promise<Response>((resolve) => {
      request.signal.addEventListener('abort', () => resolve(new Response(null, { status: 499 })), { once: true });
    });
    return await Promise.race([transport.handleRequest(request, { authInfo, parsedBody: message }), gone]);
  } catch (error) {
    onerror(error);
    return internalError(message);
  } finally {
    transport.close().catch(() => {});
    server?.close().catch(() => {});
  }
}

/**
 * A JSON-RPC response as the SDK's JSON response mode sends it, with the tool result the
 * call made serialized once (when its size was checked, tool-result.ts), not again.
 */
function responseText(message: JSONRPCMessage, made: CallToolResult | undefined): string {
  if ('result' in message && 'id' in message) {
    const result = serializedResult(message.result, made);
    if (result !== undefined) return `{"result":${result},"jsonrpc":"2.0","id":${JSON.stringify(message.id)}}`;
  }
  return JSON.stringify(message);
}

/** The result each POST's tool call made, by the POST's AuthInfo (the call's context carries it). */
const madeResults = new WeakMap<AuthInfo, CallToolResult>();
/** And the tool, status and activity of that call (what its usage record said). */
const madeCalls = new WeakMap<AuthInfo, MadeCall>();

/** The tool whose results are kept: a read of the catalog only, the same for every caller of a plan tier. */
const KEPT_TOOL = 'search_foods';
/** Recent search_foods results kept per process (a few KB each), as the API keeps its search replies. */
const RECENT_RESULTS = 1000;
const RESULT_HEAD = '{"result":';
const RESULT_TAIL = ',"jsonrpc":"2.0","id":';

/** A kept result, valid while the catalog version it was made from is current (RecentValues). */
interface KeptResult {
  /**
   * The last answer made from it: the JSON-RPC response's bytes, as sent, ending with the
   * id of the call it answered and `}`. Never changed once sent: an answer to another id
   * is a new Buffer (keptAnswer), which then becomes the one kept.
   */
  answer: Buffer;
  /** Where the id starts in `answer` (the bytes before it are the same for every call). */
  idAt: number;
  /** The id's JSON in `answer`. */
  idJson: string;
  call: MadeCall;
}

/**
 * A `tools/call` request whose params are only a `name` and `arguments`, as a client sends
 * one (no `_meta`, so no 2026-07-28 envelope claim): everything the SDK's JSON-RPC request
 * schema checks of it (the version, an id that is a string or a safe integer, a method,
 * params an object, no other member), checked without its zod walk. Of this shape the SDK's
 * classification (classifyInboundRequest) reads only the MCP-Protocol-Version header.
 */
function isPlainToolCall(message: unknown): message is JSONRPCRequest {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return false;
  for (const key in message) if (key !== 'jsonrpc' && key !== 'id' && key !== 'method' && key !== 'params') return false;
  const { jsonrpc, id, method, params } = message as Record<string, unknown>;
  if (jsonrpc !== '2.0' || method !== 'tools/call' || (typeof id !== 'string' && !Number.isSafeInteger(id))) return false;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return false;
  for (const key in params) if (key !== 'name' && key !== 'arguments') return false;
  return true;
}

/**
 * The key of a search_foods call among the kept results: everything its result depends on
 * (the plan tier, which nutrients it shows, and the arguments exactly as sent); undefined for
 * a call whose result is not kept (another tool, params beyond name and arguments, arguments
 * other than a string query and an optional integer limit: those go the whole way each time).
 */
function keptResultKey(message: JSONRPCRequest, call: McpCall): string | undefined {
  const params = message.params as Record<string, unknown> | undefined;
  if (!params || params.name !== KEPT_TOOL) return undefined;
  for (const key in params) if (key !== 'name' && key !== 'arguments') return undefined;
  const args = params.arguments;
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return undefined;
  const { query, limit } = args as Record<string, unknown>;
  for (const key in args) if (key !== 'query' && key !== 'limit') return undefined;
  if (typeof query !== 'string' || (limit !== undefined && !Number.isInteger(limit))) return undefined;
  return `${nutrientTierFor(call.caller.user.plan)} ${limit ?? ''} ${query}`;
}

/**
 * search_foods results kept while the catalog stays as it was (its version, as the API's
 * reply cache is invalidated, catalog/operations.ts), to answer the same call again without
 * the SDK's dispatch, argument validation and the search: the quota step and the usage record
 * still run for every call, the answer is the same bytes with the client's id spliced in.
 */
class KeptResults {
  /** Kept at once (a repeated call is the case this serves; the API's replies wait for a second sight). */
  private readonly results: RecentValues<KeptResult>;

  constructor(catalog: Catalog) {
    this.results = new RecentValues<KeptResult>(catalog, RECENT_RESULTS);
  }

  get version(): number {
    return this.results.version;
  }

  get(key: string): KeptResult | undefined {
    return this.results.get(key);
  }

  /** Keeps the result of a call answered with `answer` (as made from `version`), if it did its work. */
  keep(key: string, version: number, id: JSONRPCRequest['id'], text: string, answer: Buffer, call: MadeCall | undefined): void {
    if (!call || call.status !== 200 || version !== this.results.version) return;
    const idJson = JSON.stringify(id);
    if (!text.startsWith(RESULT_HEAD) || !text.endsWith(`${RESULT_TAIL}${idJson}}`)) return;
    // A tool failure is a result too (isError): never kept, it may not happen again.
    if (text.slice(RESULT_HEAD.length, -(RESULT_TAIL.length + idJson.length + 1)).includes('"isError":true')) return;
    this.results.keep(key, version, { answer, idAt: answer.length - Buffer.byteLength(idJson) - 1, idJson, call });
  }
}

/**
 * A kept result's answer to the call with this id: the same bytes responseText makes. The
 * answer last made when the id is the same, else a copy of its bytes up to the id with this
 * id spliced in (no text encoded again but the id's), kept for the next call in its place.
 */
function keptAnswer(kept: KeptResult, id: JSONRPCRequest['id']): Buffer {
  const idJson = JSON.stringify(id);
  if (idJson === kept.idJson) return kept.answer;
  const idBytes = Buffer.byteLength(idJson);
  const answer = Buffer.allocUnsafe(kept.idAt + idBytes + 1);
  kept.answer.copy(answer, 0, 0, kept.idAt);
  answer.write(idJson, kept.idAt);
  answer[kept.idAt + idBytes] = 0x7d; // }
  kept.answer = answer;
  kept.idJson = idJson;
  return answer;
}

/**
 * The transport of the one McpServer that serves 2025-era tool calls for the whole process
 * (an SDK `Transport`, as stdio's is: many requests in flight on one connection). Each POST's
 * request goes in under an id of the exchange's own, unique while it is in flight, and its
 * response comes back to that POST with the client's id, serialized once. A stateless POST
 * is all the server knows of a client, and no `initialize` comes this way (toolCallable),
 * so the server keeps nothing of one call for another: the same as a fresh server per POST,
 * without building one (its tools, their schemas, validators) and tearing it down each time.
 */
class ToolCallExchange implements Transport {
  onmessage?: Transport['onmessage'];
  onclose?: () => void;
  onerror?: (error: Error) => void;
  /** The protocol versions the connected server speaks, the ones the SDK's transport accepts in MCP-Protocol-Version. */
  supportedVersions: readonly string[] = [];
  private nextId = 0;
  private readonly waiting = new Map<number, { id: JSONRPCRequest['id']; authInfo: AuthInfo; answer: (text: string) => void }>();

  async start(): Promise<void> {}

  setSupportedProtocolVersions(versions: string[]): void {
    this.supportedVersions = [...versions];
  }

  async send(message: JSONRPCMessage): Promise<void> {
    // The tools send no notifications or requests; only a response (which the protocol layer
    // built: a result or an error under a request's id) has a POST to go to. Told apart by its
    // shape, not by the SDK's schema check, which would walk the whole result once more.
    if (!('id' in message) || !('result' in message || 'error' in message) || typeof message.id !== 'number') return;
    const waiting = this.waiting.get(message.id);
    if (!waiting) return;
    this.waiting.delete(message.id);
    waiting.answer(responseText({ ...message, id: waiting.id }, madeResults.get(waiting.authInfo)));
  }

  async close(): Promise<void> {
    for (const { id, answer } of this.waiting.values()) answer(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id }));
    this.waiting.clear();
    this.onclose?.();
  }

  exchange(message: JSONRPCRequest, authInfo: AuthInfo): Promise<string> {
    const onmessage = this.onmessage;
    if (!onmessage) return Promise.reject(new Error('The tool-call exchange is not connected'));
    // Wraps at 2^31: far more than can be in flight at once.
    this.nextId = (this.nextId + 1) % 0x7fffffff;
    const id = this.nextId;
    return new Promise((answer, fail) => {
      this.waiting.set(id, { id: message.id, authInfo, answer });
      try {
        onmessage({ ...message, id }, { authInfo });
      } catch (error) {
        this.waiting.delete(id);
        fail(error);
      }
    });
  }
}

/** The caller and steps of the POST a tool call came in, which the token steps put in its AuthInfo. */
function callOf(context: ServerContext): McpCall {
  const call = context.http?.authInfo?.extra as McpCall | undefined;
  // Every POST passed the token steps; a call without a caller never gets here.
  if (!call) throw new LarderError('server_error', 500, 'MCP request without a caller');
  return call;
}

/** The SDK's handler for both eras, and the JSON leg of 2025-era tool calls, for Larder's tools. */
export async function createMcpServing(options: { deps: McpToolDeps; views: Views; bodyLimit: number; onerror: (error: unknown) => void }): Promise<McpServing> {
  const { deps, views, bodyLimit, onerror } = options;
  const tools = prepareTools();
  const newServer = () =>
    createLarderMcpServer({
      tools,
      deps,
      views,
      callOf,
      version: LARDER_VERSION,
      made: (context, result, call) => {
        if (context.http?.authInfo) {
          madeResults.set(context.http.authInfo, result);
          madeCalls.set(context.http.authInfo, call);
        }
      },
    });
  const handler = createMcpHandler(
    (context) => {
      // Every POST passed the token steps; a request without a caller never gets here.
      if (!context.authInfo?.extra) throw new Error('MCP request without a caller');
      return newServer();
    },
    { legacy: 'stateless', maxRequestBodySize: bodyLimit, onerror },
  );
  const exchange = new ToolCallExchange();
  const toolServer = newServer();
  exchange.onerror = onerror;
  await toolServer.connect(exchange);
  const kept = new KeptResults(deps.catalog);
  /**
   * The MCP-Protocol-Version values toolCallable takes for a plain tool call (isPlainToolCall)
   * without asking the SDK's classification again: those of the server's versions the SDK
   * classifies as the 2025 era for that shape (no header at all is one too).
   */
  const legacyVersions = new Set(
    exchange.supportedVersions.filter(
      (version) => classifyInboundRequest({ httpMethod: 'POST', protocolVersionHeader: version, body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: KEPT_TOOL, arguments: {} } } }).kind === 'legacy',
    ),
  );
  /**
   * A kept result's answer, after the quota step and with the usage record, as the tool would;
   * undefined to run the call. At once when the quota admits the call at once (the usual case).
   */
  const answerKept = (message: JSONRPCRequest, call: McpCall, result: KeptResult): Buffer | undefined | Promise<Buffer | undefined> => {
    const started = performance.now();
    let admitted: void | Promise<void>;
    try {
      admitted = call.steps.enforceQuota();
    } catch {
      // Refused (or failed): the call goes the whole way, which answers that as it always does.
      return undefined;
    }
    const answer = (): Buffer => {
      call.steps.recordCall(result.call.tool, result.call.status, performance.now() - started, result.call.activity);
      return keptAnswer(result, message.id);
    };
    return admitted instanceof Promise ? admitted.then(answer, () => undefined) : answer();
  };
  return {
    callTool: async (message, call, authInfoOf) => {
      try {
        const key = keptResultKey(message, call);
        if (key !== undefined) {
          const result = kept.get(key);
          const quick = result && answerKept(message, call, result);
          const body = quick instanceof Promise ? await quick : quick;
          if (body !== undefined) return { status: 200, body };
          const version = kept.version;
          const authInfo = authInfoOf();
          const answered = await exchange.exchange(message, authInfo);
          const answer = Buffer.from(answered);
          kept.keep(key, version, message.id, answered, answer, madeCalls.get(authInfo));
          return { status: 200, body: answer };
        }
        return { status: 200, body: Buffer.from(await exchange.exchange(message, authInfoOf())) };
      } catch (error) {
        // As serveLegacyAsJson answers a failure of the SDK's own.
        onerror(error);
        return { status: 500, body: Buffer.from(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: message.id })) };
      }
    },
    toolCallable(request, message, call): message is JSONRPCRequest {
      // What the SDK's transport would take and answer with the response in JSON: one
      // request (no batch, no notification) that accepts both JSON and an event stream,
      // in a protocol version the server speaks; anything else gets the SDK's own answer.
      if (!call) return false;
      const accept = request.headers.accept ?? '';
      if (!accept.includes('application/json') || !accept.includes('text/event-stream')) return false;
      const version = request.headers['mcp-protocol-version'];
      // The usual call, told apart without the SDK's schema checks (isPlainToolCall): the same answer.
      if (isPlainToolCall(message) && (version === undefined || (typeof version === 'string' && legacyVersions.has(version))) && isJsonContentType(request.headers['content-type'] ?? null)) return true;
      if (!isLegacyMessage(request, message) || !isJSONRPCRequest(message) || message.method !== 'tools/call') return false;
      return version === undefined || (typeof version === 'string' && exchange.supportedVersions.includes(version));
    },
    answer(request, web, message, call, authInfo) {
      // Any other 2025-era message in JSON, on a server and transport of its own; the rest as the SDK's handler routes it.
      if (call && authInfo && isLegacyMessage(request, message)) return serveLegacyAsJson(newServer, bodyLimit, web, message, authInfo, onerror);
      return handler.fetch(web, { ...(authInfo ? { authInfo } : {}), ...(message !== undefined ? { parsedBody: message } : {}) });
    },
    close: async () => {
      await toolServer.close();
      await handler.close();
    },
  };
}
