/**
 * The scopes Larder grants (SPEC.md, "Scopes and plans"), each with the plain words the
 * consent page shows a person. The order here is the order on the page.
 *
 * This is the only list: the consent page, the RFC 8414 `scopes_supported`, the RFC 9728
 * protected resource metadata, the OpenAPI security scheme, the CLI help and every
 * operation's `scopes` derive from it (test/oauth/scopes.test.ts fails if a copy drifts).
 */
export const SCOPE_DESCRIPTIONS = {
  'foods:read': 'Search the food catalog and read nutrition facts',
  'diary:read': 'Read your food diary and daily totals',
  'diary:write': 'Add and remove entries in your food diary',
  profile: 'See your name and your plan',
} as const;

export type Scope = keyof typeof SCOPE_DESCRIPTIONS;

export const LARDER_SCOPES = Object.keys(SCOPE_DESCRIPTIONS) as Scope[];

/** What a client may ask for when its registration names no scopes. */
export const DEFAULT_CLIENT_SCOPES: Scope[] = ['foods:read'];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPE_DESCRIPTIONS, value);
}

/** Splits a space-separated scope string (RFC 6749 section 3.3) into distinct values. */
export function splitScopes(text: string | undefined | null): string[] {
  return [...new Set((text ?? '').split(' ').filter((s) => s !== ''))];
}

/** Larder scopes in the canonical order, dropping anything unknown. */
export function orderScopes(scopes: Iterable<string>): Scope[] {
  const wanted = new Set(scopes);
  return LARDER_SCOPES.filter((s) => wanted.has(s));
}

export function describeScopes(scopes: Iterable<string>): Array<{ scope: Scope; description: string }> {
  return orderScopes(scopes).map((scope) => ({ scope, description: SCOPE_DESCRIPTIONS[scope] }));
}
