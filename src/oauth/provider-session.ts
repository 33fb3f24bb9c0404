import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Interaction, Provider } from 'oidc-provider';
import type { Db } from '../db/index.js';
import { epochSeconds, storedModelId, type OidcAdapterConstructor } from './adapter.js';

/**
 * How long a provider session's previous id stays readable after oidc-provider rotated it:
 * longer than the few redirects of an authorization take, short enough that an old cookie
 * soon stops working.
 */
export const ROTATED_SESSION_GRACE_SECONDS = 30;

const withGrace = new WeakMap<OidcAdapterConstructor, OidcAdapterConstructor>();

/**
 * The storage of oidc-provider's Session model, where destroying a row leaves it readable
 * for ROTATED_SESSION_GRACE_SECONDS instead of deleting it at once.
 *
 * oidc-provider gives a session a new id on every resumed log-in (below) by destroying the
 * row under the old id and then saving it under the new one. Between the two, another
 * authorization of the same browser looking its session up by `uid` finds none ("session
 * not found", 2 in 200 parallel authorizations on a busy PostgreSQL), and one still
 * carrying the old cookie finds nothing at all. Kept readable a moment longer, the old row
 * still names the same `uid`.
 *
 * The session-fixation defence the rotation exists for stays whole: the new state (the
 * log-in) is written under the new id only; the old id keeps the state it had before,
 * never the person's log-in. Larder never ends provider sessions through oidc-provider
 * (its log-out revokes apps; see releaseProviderSession), so nothing else destroys one.
 */
export function sessionAdapterWithGrace(Adapter: OidcAdapterConstructor, db: Db): OidcAdapterConstructor {
  let SessionAdapter = withGrace.get(Adapter);
  if (!SessionAdapter) {
    SessionAdapter = class extends Adapter {
      override async destroy(id: string): Promise<void> {
        if (this.name !== 'Session') return super.destroy(id);
        const until = epochSeconds() + ROTATED_SESSION_GRACE_SECONDS;
        await db
          .updateTable('oauth_models')
          .set({ expires_at: until })
          .where('model', '=', this.name)
          .where('id', '=', storedModelId(this.name, id))
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', until)]))
          .execute();
      }
    };
    withGrace.set(Adapter, SessionAdapter);
  }
  return SessionAdapter;
}

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
  const session = (await provider.Session.get(http)) as { id?: string; uid?: string; accountId?: string } | undefined;
  if (session?.id && session.accountId !== undefined && session.accountId !== accountId) {
    // For good: under its id, and any rotated copy kept readable under the same uid.
    let doomed = db.deleteFrom('oauth_models').where('model', '=', 'Session');
    doomed = session.uid ? doomed.where((eb) => eb.or([eb('id', '=', storedModelId('Session', session.id!)), eb('uid', '=', session.uid!)])) : doomed.where('id', '=', storedModelId('Session', session.id));
    await doomed.execute();
  }
  if (details.session?.uid === undefined) return;
  delete details.session.uid;
  await details.save(Math.max(1, details.exp - epochSeconds()));
}
