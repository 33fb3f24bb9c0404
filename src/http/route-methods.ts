import type { FastifyInstance, RouteOptions } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** Which methods Larder's routes take at a path (see route-methods.ts). */
    routeMethods: RouteMethods;
  }
  interface FastifyContextConfig {
    /**
     * Its methods are not listed in `Allow`: a route that takes every method and answers
     * the wrong ones itself (the hand-off to oidc-provider), or one there only to answer
     * 405 itself (the MCP SDK's GET and DELETE).
     */
    unlistedMethods?: boolean;
  }
}

/** A route's path in segments: a string must match exactly, `param` one segment, `rest` all the rest. */
type Segment = string | { param: true } | { rest: true };

function segmentsOf(url: string): Segment[] {
  return url.split('/').map((part) => (part === '*' ? { rest: true } : part.startsWith(':') ? { param: true } : part));
}

function matches(pattern: readonly Segment[], parts: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const segment = pattern[i]!;
    if (typeof segment === 'object' && 'rest' in segment) return true;
    const part = parts[i];
    if (part === undefined) return false;
    if (typeof segment === 'string' ? segment !== part : part === '') return false;
  }
  return pattern.length === parts.length;
}

/** The path as Fastify's router compares it: %-escapes decoded where they decode. */
function decodedParts(path: string): string[] {
  return path.split('/').map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
}

/**
 * The methods each of Larder's routes takes, collected as routes are registered, so a
 * request for a known path with a method it does not take is a 405 with `Allow`
 * (RFC 9110 section 15.5.6) rather than a 404: Fastify's router tells only "no route".
 * Paths are Larder's own: static segments, `:param` and a trailing `*` (as find-my-way
 * reads them, case-sensitive, no trailing-slash folding).
 */
export class RouteMethods {
  private readonly routes: Array<{ pattern: Segment[]; methods: readonly string[] }> = [];

  add(url: string, methods: readonly string[]): void {
    this.routes.push({ pattern: segmentsOf(url), methods });
  }

  /** Every method some route takes at `path`, sorted; empty when nothing is there. */
  at(path: string): string[] {
    const parts = decodedParts(path);
    const methods = new Set<string>();
    for (const route of this.routes) if (matches(route.pattern, parts)) for (const method of route.methods) methods.add(method);
    return [...methods].sort();
  }
}

/** Collects every route registered from now on into `app.routeMethods` (call before any route). */
export function installRouteMethods(app: FastifyInstance): void {
  const table = new RouteMethods();
  app.decorate('routeMethods', table);
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.config?.unlistedMethods === true) return;
    table.add(route.url, typeof route.method === 'string' ? [route.method] : route.method);
  });
}
