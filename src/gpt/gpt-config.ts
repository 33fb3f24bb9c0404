import type { Config } from '../config.js';
import type { OAuthClient } from '../oauth/clients.js';
import { classifyCallback, GPT_CALLBACK_PATTERNS, realGptCallbacks } from './callbacks.js';

export { GPT_CALLBACK_PATTERNS } from './callbacks.js';

export interface GptConfiguration {
  fields: Array<{ label: string; value: string; note?: string }>;
  schemaUrl: string;
  /** The builder's "Privacy policy" field: required to publish a GPT that has actions. */
  privacyPolicyUrl: string;
  termsUrl: string;
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
    warnings.push('This is a public client (for apps that use PKCE): GPT Actions send no PKCE, so give the GPT a confidential client of its own: larder clients:create --name "…" --redirect-uri "…" (without --public).');
  }
  if (!client.grantTypes.includes('refresh_token')) {
    warnings.push('This client may not use refresh tokens: people will have to sign in again each time the access token expires.');
  }
  const gptCallbacks = realGptCallbacks(client.redirectUris);
  if (gptCallbacks.length === 0) {
    const placeholders = client.redirectUris.filter((uri) => classifyCallback(uri) === 'placeholder');
    warnings.push(
      placeholders.length > 0
        ? `The only GPT callback registered is a placeholder (${placeholders.join(', ')}): ChatGPT will be refused. Save the action in the GPT builder, copy the Callback URL it shows, and run the clients:update line below.`
        : 'No GPT callback URL is registered yet: save the action in the GPT builder, copy the Callback URL it shows, and run the clients:update line below.',
    );
  }
  const fields: GptConfiguration['fields'] = [
    { label: 'Authentication Type', value: 'OAuth' },
    { label: 'Client ID', value: client.clientId },
  ];
  // A public client has no secret: nothing to paste, nothing to rotate (the warning above says what to do instead).
  if (!client.isPublic) {
    const secretNote = newSecret
      ? 'new secret: the previous one no longer works'
      : `shown only when the client was created; for a new one run: larder clients:rotate-secret ${client.clientId} (or larder gpt:config ${client.clientId} --new-secret)`;
    fields.push({ label: 'Client Secret', value: newSecret ?? '(hidden)', note: secretNote });
  }
  return {
    fields: [
      ...fields,
      { label: 'Authorization URL', value: `${base}/oauth/authorize` },
      { label: 'Token URL', value: `${base}/oauth/token` },
      { label: 'Scope', value: client.scopes.join(' ') },
      { label: 'Token Exchange Method', value: 'Default (POST request)', note: '"Basic authorization header" works too' },
    ],
    schemaUrl: `${base}/openapi.json`,
    privacyPolicyUrl: `${base}/privacy`,
    termsUrl: `${base}/terms`,
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
    '4. Privacy policy (the builder asks for it before a GPT with actions can be published):',
    `   ${setup.privacyPolicyUrl}`,
    `   (terms of use: ${setup.termsUrl}; edit both pages in LARDER_VIEWS: privacy.eta, terms.eta)`,
    '',
    client.isPublic
      ? '5. larder doctor checks the sign-in of a confidential client only: create one for the GPT first.'
      : `5. Check the whole sign-in as ChatGPT runs it: larder doctor --client-id ${client.clientId} --client-secret-stdin --create-test-user`,
  ];
  if (setup.warnings.length > 0) lines.push('', 'Warnings:', ...setup.warnings.map((w) => `   ! ${w}`));
  return lines.join('\n');
}
