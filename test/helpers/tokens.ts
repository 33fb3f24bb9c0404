import type { User } from '../../src/accounts/users.js';
import { createOAuthServer } from '../../src/oauth/index.js';
import { createViews } from '../../src/views/render.js';
import type { TestServer } from './server.js';

type Minter = { AccessToken: new (properties: Record<string, unknown>) => { save(): Promise<string> }; Client: { find(id: string): Promise<unknown> } };

/**
 * An access token issued by a second oidc-provider on the test server's database (as a
 * second Larder instance would): for tests that need a token for a given resource and
 * scopes without the browser part of the sign-in. The token is stored exactly as one
 * from /oauth/token would be, opaque and looked up by the running server.
 */
export async function mintAccessToken(
  test: TestServer,
  options: { user: User; clientId: string; resource: string; scopes: readonly string[] },
): Promise<string> {
  const oauth = createOAuthServer({ config: test.config, db: test.server.database.db, views: createViews(undefined) });
  const provider = oauth.provider as unknown as Minter;
  const client = await provider.Client.find(options.clientId);
  if (!client) throw new Error(`no client ${options.clientId}`);
  const scope = options.scopes.join(' ');
  const token = new provider.AccessToken({
    accountId: options.user.id,
    client,
    gty: 'authorization_code',
    scope,
    resourceServer: { audience: options.resource, scope, accessTokenFormat: 'opaque' },
  });
  return token.save();
}
