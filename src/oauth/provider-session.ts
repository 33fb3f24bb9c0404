import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Interaction, Provider } from 'oidc-provider';
import type { Db } from '../db/index.js';
import { epochSeconds, storedModelId } from './adapter.js';

/**
 * Before Larder finishes an interaction: let the authorization resume in whichever
 * provider session this browser holds by then, and never in another person's.
 *
 * oidc-provider records, when an authorization starts, which provider session the browser
 * had (its `uid`), and refuses to resume in any other ("interaction session and
 * authentication session mismatch"). Larder finishes every interaction with a log-in (its
 * session, not the provider's, decides who is signed in), and oidc-provider answers every
 * resumed log-in by giving the session a new id and deleting the row under the old one
 * (resume.js, `session.resetIdentifier()`). A browser running several authorizations at once
 * (two tabs, an assistant retrying) still sends the old cookie on the others: they found no
 * session, got an empty one with another `uid`, and failed. Two first sign-ins at once fail
 * the same way, each having made a provider session of its own.
 *
 * In Larder that record binds nothing that matters: the interaction's own signed,
 * path-scoped cookies tie it to this browser, and the account is Larder's session's,
 * checked at this step. So it is dropped here, as oidc-provider itself drops it when the
 * account changes (resume.js).
 *
 * When the browser's provider session belongs to someone else (the person chose "Use
 * another account"), that session is ended for good: resuming in it, oidc-provider would
 * ask to log out, and its log-out revokes every app connected in that session.
 */
export async function releaseProviderSession(
  options: { provider: Provider; db: Db },
  details: Interaction,
  http: { req: IncomingMessage; res: ServerResponse },
  accountId: string,
): Promise<void> {
  const { provider, db } = options;
  const session = (await provider.Session.get(http)) as { id?: string; accountId?: string } | undefined;
  if (session?.id && session.accountId !== undefined && session.accountId !== accountId) {
    await db.deleteFrom('oauth_models').where('model', '=', 'Session').where('id', '=', storedModelId('Session', session.id)).execute();
  }
  if (details.session?.uid === undefined) return;
  delete details.session.uid;
  await details.save(Math.max(1, details.exp - epochSeconds()));
}
