import type { Config } from '../config.js';
import type { OAuthClient } from '../oauth/clients.js';

/** Callback URLs the GPT builder shows after an action is saved (older GPTs use chat.openai.com). */
export const GPT_CALLBACK_PATTERNS = ['https://chatgpt.com/aip/g-<GPT id>/oauth/callback', 'https://chat.openai.com/aip/g-<GPT id>/oauth/callback'];
const GPT_CALLBACK = /^https:\/\/(chatgpt\.com|chat\.openai\.com)\/aip\/g-[A-Za-z0-9]+\/oauth\/callback$/;

export interface GptConfiguration {
  fields: Array<{ label: string; value: string; note?: string }>;
  schemaUrl: string;
  registeredCallbacks: string[];
  gptCallbacks: string[];
  warnings: string[];
}

/**
 * Every value the GPT builder asks for (Configure → Actions → Authentication → OAuth),
 * labelled as the builder labels its fields, plus what a working setup still lacks.
 */
export function gptConfiguration(client: OAuthClient, config: Pick<Config, 'appUrl'>, newSecret?: string): GptConfiguration {
  const base = config.appUrl;
  const url = new URL(base);
  const warnings: string[] = [];
  if (url.protocol !== 'https:') {
    warnings.push(`APP_URL is ${base}: GPT Actions need https. Serve Larder behind an HTTPS proxy and set APP_URL to its public https address (docs/deploy.md).`);
  }
  if (['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.endsWith('.local')) {
    warnings.push(`APP_URL names ${url.hostname}, which ChatGPT cannot reach: use the public domain the GPT will call.`);
  }
  if (client.isPublic) {
    warnings.push('This is a public client (no secret, PKCE required): GPT Actions send no PKCE, so create a confidential client for a GPT (larder clients:create without --public).');
  }
  if (!client.grantTypes.includes('refresh_token')) {
    warnings.push('This client may not use refresh tokens: people will have to sign in again each time the access token expires.');
  }
  const gptCallbacks = client.redirectUris.filter((uri) => GPT_CALLBACK.test(uri));
  if (gptCallbacks.length === 0) {
    warnings.push('No GPT callback URL is registered yet: save the action in the GPT builder, copy the Callback URL it shows, and run the clients:update line below.');
  }
  const secretNote = newSecret
    ? 'new secret: the previous one no longer works'
    : `shown only when the client was created; for a new one run: larder clients:rotate-secret ${client.clientId} (or larder gpt:config ${client.clientId} --new-secret)`;
  return {
    fields: [
      { label: 'Authentication Type', value: 'OAuth' },
      { label: 'Client ID', value: client.clientId },
      { label: 'Client Secret', value: newSecret ?? '(hidden)', note: secretNote },
      { label: 'Authorization URL', value: `${base}/oauth/authorize` },
      { label: 'Token URL', value: `${base}/oauth/token` },
      { label: 'Scope', value: client.scopes.join(' ') },
      { label: 'Token Exchange Method', value: 'Default (POST request)', note: '"Basic authorization header" works too' },
    ],
    schemaUrl: `${base}/openapi.json`,
    registeredCallbacks: client.redirectUris,
    gptCallbacks,
    warnings,
  };
}

/** The text `larder gpt:config` prints for people. */
export function formatGptConfiguration(client: OAuthClient, setup: GptConfiguration): string {
  const width = Math.max(...setup.fields.map((f) => f.label.length));
  const lines = [
    `GPT builder values for "${client.name}"`,
    '',
    '1. Configure → Actions → Create new action → Schema → Import from URL:',
    `   ${setup.schemaUrl}`,
    '',
    '2. Authentication → OAuth, then fill in:',
    ...setup.fields.map((f) => `   ${f.label.padEnd(width)}  ${f.value}${f.note ? `\n   ${' '.repeat(width)}  (${f.note})` : ''}`),
    '',
    '3. Save the action. The builder then shows a Callback URL, one of:',
    ...GPT_CALLBACK_PATTERNS.map((p) => `   ${p}`),
    '   Register exactly that URL:',
    `   larder clients:update ${client.clientId} --add-redirect-uri "<the Callback URL>"`,
    '',
    `Registered callback URLs: ${setup.registeredCallbacks.length ? '' : '(none)'}`,
    ...setup.registeredCallbacks.map((uri) => `   ${uri}`),
    '',
    `4. Check the whole sign-in as ChatGPT runs it: larder doctor --client-id ${client.clientId} --client-secret <secret> --create-test-user`,
  ];
  if (setup.warnings.length > 0) lines.push('', 'Warnings:', ...setup.warnings.map((w) => `   ! ${w}`));
  return lines.join('\n');
}
