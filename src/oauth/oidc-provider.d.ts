/**
 * oidc-provider 9 ships no TypeScript declarations (and @types/oidc-provider is not a
 * dependency). This covers the part of its API Larder uses; extend it as more is needed.
 * The Provider is itself a Koa application in v9 (`provider.callback()`), and
 * `configuration` is deliberately loose: see node_modules/oidc-provider/lib/helpers/defaults.js.
 */
declare module 'oidc-provider' {
  type IncomingMessage = import('node:http').IncomingMessage;
  type ServerResponse = import('node:http').ServerResponse;

  export type AdapterPayload = import('./adapter.js').AdapterPayload;
  export type Adapter = import('./adapter.js').OidcAdapter;

  export interface Configuration {
    adapter?: (new (name: string) => Adapter) | ((name: string) => Adapter);
    clients?: Record<string, unknown>[];
    findAccount?: (ctx: KoaContextWithOIDC, sub: string, token?: unknown) => Promise<Account | undefined>;
    [option: string]: unknown;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string, claims: unknown, rejected: string[]): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  export interface KoaContextWithOIDC {
    oidc: any;
    [key: string]: any;
  }

  export interface InteractionResults {
    login?: { accountId: string; acr?: string; amr?: string[]; remember?: boolean; ts?: number };
    consent?: { grantId?: string };
    error?: string;
    error_description?: string;
    [key: string]: unknown;
  }

  export interface Interaction {
    uid: string;
    jti: string;
    exp: number;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown> & { client_id?: string; scope?: string };
    session?: { accountId: string; uid?: string; cookie?: string };
    grantId?: string;
    returnTo: string;
    lastSubmission?: InteractionResults;
    result?: InteractionResults;
    save(ttl: number): Promise<string>;
    persist(): Promise<string>;
  }

  export interface Grant {
    jti: string;
    accountId?: string;
    clientId?: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(ttl?: number): Promise<string>;
    destroy(): Promise<void>;
  }

  export interface GrantModel {
    new (properties?: { accountId?: string; clientId?: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface Model {
    find(id: string, options?: { ignoreExpiration?: boolean }): Promise<any>;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    /** The Koa context of the request being handled (oidc-provider's AsyncLocalStorage), if any. */
    static readonly ctx: KoaContextWithOIDC | undefined;
    readonly issuer: string;
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    listen(...args: unknown[]): import('node:http').Server;
    use(middleware: (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void> | void): this;
    on(event: string, listener: (...args: any[]) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    readonly Grant: GrantModel;
    /** `get` reads the session a request's cookie names (a new, unsaved one when there is none). */
    readonly Session: Model & { get(ctx: { req: IncomingMessage; res: ServerResponse }): Promise<any> };
    readonly Interaction: Model;
    readonly AccessToken: Model;
    readonly AuthorizationCode: Model;
    readonly RefreshToken: Model;
    readonly Client: Model;
  }

  export const errors: Record<string, new (...args: any[]) => Error>;
  export const interactionPolicy: any;
  export default Provider;
}
