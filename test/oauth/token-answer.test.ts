import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../src/db/index.js';
import { hashModelId } from '../../src/oauth/adapter.js';
import { settleTokenWrites } from '../../src/oauth/token-writes.js';
import { Visitor } from '../accounts/visitor.js';
import { testDatabaseKind } from '../helpers/db.js';
import { GPT_CALLBACK, obtainCode, postForm, startOAuthTestServer, type OAuthTestServer } from './oauth-helpers.js';

/**
 * Larder's token endpoint saves the access and refresh tokens of a request together and
 * holds the answer until they are committed (adapter.ts holdAnswerForTokenSaves,
 * provider.ts answerAfterTokenWrites): checked through the whole server, as clients see it.
 */

async function isStored(db: Db, model: string, token: string): Promise<boolean> {
  const row = await db.selectFrom('oauth_models').select('id').where('model', '=', model).where('id', '=', hashModelId(token)).executeTakeFirst();
  return row !== undefined;
}

/** Makes every insert of an access token fail, on SQLite and PostgreSQL; returns the undo. */
async function refuseAccessTokenInserts(db: Db): Promise<() => Promise<void>> {
  if (testDatabaseKind() === 'sqlite') {
    await sql`create trigger refuse_access_tokens before insert on oauth_models when new.model = 'AccessToken' begin select raise(abort, 'refused by the test'); end`.execute(db);
    return async () => void (await sql`drop trigger refuse_access_tokens`.execute(db));
  }
  await sql`create function refuse_access_tokens() returns trigger language plpgsql as $$ begin if new.model = 'AccessToken' then raise exception 'refused by the test'; end if; return new; end $$`.execute(db);
  await sql`create trigger refuse_access_tokens before insert on oauth_models for each row execute function refuse_access_tokens()`.execute(db);
  return async () => {
    await sql`drop trigger refuse_access_tokens on oauth_models`.execute(db);
    await sql`drop function refuse_access_tokens()`.execute(db);
  };
}

/**
 * Makes every consume of a code or refresh token change no row, as when another process
 * consumed it between this one's find and its consume; returns the undo.
 */
async function consumedElsewhere(db: Db): Promise<() => Promise<void>> {
  if (testDatabaseKind() === 'sqlite') {
    await sql`create trigger consumed_elsewhere before update of consumed_at on oauth_models when new.consumed_at is not null begin select raise(ignore); end`.execute(db);
    return async () => void (await sql`drop trigger consumed_elsewhere`.execute(db));
  }
  await sql`create function consumed_elsewhere() returns trigger language plpgsql as $$ begin if new.consumed_at is not null then return null; end if; return new; end $$`.execute(db);
  await sql`create trigger consumed_elsewhere before update on oauth_models for each row execute function consumed_elsewhere()`.execute(db);
  return async () => {
    await sql`drop trigger consumed_elsewhere on oauth_models`.execute(db);
    await sql`drop function consumed_elsewhere()`.execute(db);
  };
}

describe('the token endpoint answers once its tokens are committed', () => {
  let server: OAuthTestServer;
  let credentials: { client_id: string; client_secret: string };
  let visitor: Visitor;
  let clientId: string;
  before(async () => {
    server = await startOAuthTestServer();
    const { client, clientSecret } = await server.createClient();
    clientId = client.clientId;
    credentials = { client_id: client.clientId, client_secret: clientSecret! };
    visitor = new Visitor(server.baseUrl);
  });
  after(async () => {
    await server?.close();
  });

  const newCode = async (state: string) => (await obtainCode(server, visitor, { response_type: 'code', client_id: clientId, redirect_uri: GPT_CALLBACK, state, scope: '' })).code;

  test('concurrent exchanges and refreshes: every token named in an answer is in the database when the answer arrives', async () => {
    const db = server.server.database.db;
    const codes: string[] = [];
    for (let i = 0; i < 8; i++) codes.push(await newCode(`c${i}`));
    // Each answer is checked as it arrives, while the other requests are still running.
    const checked = async (form: Record<string, string>) => {
      const answer = await postForm(server.baseUrl, '/oauth/token', { ...form, ...credentials });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const stored = [await isStored(db, 'AccessToken', String(answer.body.access_token)), await isStored(db, 'RefreshToken', String(answer.body.refresh_token))];
      assert.deepEqual(stored, [true, true]);
      return answer.body;
    };
    const exchanged = await Promise.all(codes.map((code) => checked({ grant_type: 'authorization_code', code, redirect_uri: GPT_CALLBACK })));
    await Promise.all(exchanged.map((body) => checked({ grant_type: 'refresh_token', refresh_token: String(body.refresh_token) })));
  });

  test('an access token that cannot be saved: 500 server_error in JSON, and no token in the answer', async () => {
    const db = server.server.database.db;
    const code = await newCode('refused');
    const undo = await refuseAccessTokenInserts(db);
    try {
      const answer = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: GPT_CALLBACK, ...credentials });
      assert.equal(answer.status, 500, JSON.stringify(answer.body));
      assert.equal(answer.body.error, 'server_error');
      assert.equal(typeof answer.body.error_description, 'string');
      assert.equal(answer.body.access_token, undefined);
      assert.equal(answer.body.refresh_token, undefined);
    } finally {
      await undo();
    }
    // The endpoint works again once saves do.
    const again = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code: await newCode('after'), redirect_uri: GPT_CALLBACK, ...credentials });
    assert.equal(again.status, 200, JSON.stringify(again.body));
  });

  test('a code or refresh token whose consume changes no row (consumed first elsewhere): 400 invalid_grant, no token in the answer, the grant revoked', async () => {
    const db = server.server.database.db;
    const grantOf = async (model: string, value: string) =>
      (await db.selectFrom('oauth_models').select('grant_id').where('model', '=', model).where('id', '=', hashModelId(value)).executeTakeFirst())?.grant_id;
    const liveUnder = async (grantId: string) =>
      (await db.selectFrom('oauth_models').select('model').where((eb) => eb.or([eb('grant_id', '=', grantId), eb.and([eb('model', '=', 'Grant'), eb('id', '=', grantId)])])).execute()).map((row) => row.model);

    const code = await newCode('raced');
    const codeGrant = await grantOf('AuthorizationCode', code);
    assert.ok(codeGrant);
    // Another client, so another grant: the code's refusal revokes its own.
    const other = await server.createClient({ name: 'Other GPT' });
    const otherCredentials = { client_id: other.client.clientId, client_secret: other.clientSecret! };
    const otherCode = (await obtainCode(server, visitor, { response_type: 'code', client_id: other.client.clientId, redirect_uri: GPT_CALLBACK, state: 'to-refresh', scope: '' })).code;
    const exchanged = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code: otherCode, redirect_uri: GPT_CALLBACK, ...otherCredentials });
    assert.equal(exchanged.status, 200, JSON.stringify(exchanged.body));
    const refreshToken = String(exchanged.body.refresh_token);
    const refreshGrant = await grantOf('RefreshToken', refreshToken);
    assert.ok(refreshGrant);

    const undo = await consumedElsewhere(db);
    try {
      for (const form of [
        { grant_type: 'authorization_code', code, redirect_uri: GPT_CALLBACK, ...credentials },
        { grant_type: 'refresh_token', refresh_token: refreshToken, ...otherCredentials },
      ]) {
        const answer = await postForm(server.baseUrl, '/oauth/token', form);
        assert.equal(answer.status, 400, JSON.stringify(answer.body));
        assert.equal(answer.body.error, 'invalid_grant');
        assert.equal(answer.body.access_token, undefined);
        assert.equal(answer.body.refresh_token, undefined);
      }
    } finally {
      await undo();
    }
    // The grants are revoked with every token under them, including the ones the refused
    // requests saved (a save committed after the revocation is swept 100 ms after it).
    await settleTokenWrites(db);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(await liveUnder(codeGrant), []);
    assert.deepEqual(await liveUnder(refreshGrant), []);
    const refreshAgain = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken, ...otherCredentials });
    assert.equal(refreshAgain.body.error, 'invalid_grant');
    const again = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code: await newCode('after'), redirect_uri: GPT_CALLBACK, ...credentials });
    assert.equal(again.status, 200, JSON.stringify(again.body));
  });
});
