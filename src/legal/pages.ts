import type { FastifyInstance } from 'fastify';
import { SESSION_LIFETIME_MS } from '../accounts/session.js';
import type { Config } from '../config.js';
import { TOKEN_LIFETIMES } from '../oauth/provider.js';
import { describeScopes, LARDER_SCOPES } from '../oauth/scopes.js';
import type { Views } from '../views/render.js';

export interface LegalPagesOptions {
  config: Pick<Config, 'appUrl' | 'operator'>;
  views: Views;
}

const DAY_SECONDS = 24 * 60 * 60;

/** Whole days (or hours, under a day) in words, for "a token lives 30 days". */
function duration(seconds: number): string {
  if (seconds < DAY_SECONDS) return `${Math.round(seconds / 3600)} hour${seconds === 3600 ? '' : 's'}`;
  const days = Math.round(seconds / DAY_SECONDS);
  return `${days} day${days === 1 ? '' : 's'}`;
}

/**
 * What the privacy and terms templates are given. Facts come from where they are
 * decided (scopes.ts, the token and session lifetimes), so the pages cannot drift from
 * what Larder does; the words are the operator's to edit in views/privacy.eta, terms.eta.
 */
export function legalPageData(config: LegalPagesOptions['config']): Record<string, unknown> {
  const host = new URL(config.appUrl).host;
  const contact = config.operator.contact;
  return {
    host,
    appUrl: config.appUrl,
    operatorName: config.operator.name,
    operator: config.operator.name ?? `the operator of ${host}`,
    contact,
    contactHref: contact === undefined ? undefined : contact.includes('@') && !contact.startsWith('http') ? `mailto:${contact}` : contact,
    scopes: describeScopes(LARDER_SCOPES),
    lifetimes: {
      accessToken: duration(TOKEN_LIFETIMES.accessToken),
      refreshToken: duration(TOKEN_LIFETIMES.refreshToken),
      grant: duration(TOKEN_LIFETIMES.grant),
      session: duration(SESSION_LIFETIME_MS / 1000),
      authorizationCode: `${TOKEN_LIFETIMES.authorizationCode} seconds`,
    },
  };
}

/**
 * /privacy and /terms: the pages a GPT's "Privacy policy" field and app directories link
 * to. Operators reword them by overriding the templates (LARDER_VIEWS).
 */
export async function legalPages(app: FastifyInstance, options: LegalPagesOptions): Promise<void> {
  const { views } = options;
  const data = legalPageData(options.config);
  app.get('/privacy', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(views.render('privacy', { title: 'Privacy policy', ...data })),
  );
  app.get('/terms', async (_request, reply) => reply.type('text/html; charset=utf-8').send(views.render('terms', { title: 'Terms of use', ...data })));
}
