/**
 * The Callback URL the GPT builder shows once an action with OAuth is saved. Older GPTs
 * use chat.openai.com; the GPT's id follows `g-`.
 */
export const GPT_CALLBACK_PATTERNS = ['https://chatgpt.com/aip/g-<GPT id>/oauth/callback', 'https://chat.openai.com/aip/g-<GPT id>/oauth/callback'];

const GPT_CALLBACK = /^https:\/\/(?:chatgpt\.com|chat\.openai\.com)\/aip\/g-([A-Za-z0-9_-]+)\/oauth\/callback$/;

/**
 * Words people put where the GPT id goes before they know it (the README's own first
 * step registers `g-placeholder`). A real id is a random string the builder generates.
 */
const PLACEHOLDER_WORDS = /placeholder|example|sample|your|dummy|fake|todo|change-?me|replace|xxx|gpt-?id|test|demo|tbd|later|unknown|callback/i;

/** The shortest GPT id the builder hands out is longer than this. */
const SHORTEST_GPT_ID = 8;

export type CallbackKind = 'gpt' | 'placeholder' | 'other';

/**
 * What a redirect URI is to a GPT: a real GPT callback, a GPT callback with a placeholder
 * where the id goes (ChatGPT will never send it), or not a ChatGPT callback at all.
 */
export function classifyCallback(uri: string): CallbackKind {
  const id = GPT_CALLBACK.exec(uri)?.[1];
  if (id === undefined) return 'other';
  if (PLACEHOLDER_WORDS.test(id) || id.length < SHORTEST_GPT_ID || /^(.)\1*$/.test(id)) return 'placeholder';
  return 'gpt';
}

/** The registered redirect URIs a GPT could really be using. */
export function realGptCallbacks(uris: string[]): string[] {
  return uris.filter((uri) => classifyCallback(uri) === 'gpt');
}
