import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKyselyAdapter, epochSeconds } from '../../src/oauth/adapter.js';
import { ROTATED_SESSION_GRACE_SECONDS, sessionAdapterWithGrace } from '../../src/oauth/provider-session.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('provider sessions keep a rotated id readable for a moment', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => database?.drop());

  test('destroy leaves the row findable, by id and by uid, until the grace ends; other models are deleted at once', async () => {
    const Adapter = createKyselyAdapter(database.db);
    const sessions = new (sessionAdapterWithGrace(Adapter, database.db))('Session');
    await sessions.upsert('old-cookie-id', { uid: 'same-uid', accountId: 'usr_a', jti: 'old-cookie-id' }, 14 * 24 * 3600);
    await sessions.upsert('new-cookie-id', { uid: 'same-uid', accountId: 'usr_a', jti: 'new-cookie-id' }, 14 * 24 * 3600);
    await sessions.destroy('old-cookie-id');
    assert.equal((await sessions.find('old-cookie-id'))?.uid, 'same-uid', 'an old cookie still names the session');
    assert.equal((await sessions.findByUid('same-uid'))?.accountId, 'usr_a');
    const rows = await database.db.selectFrom('oauth_models').select(['id', 'expires_at']).where('model', '=', 'Session').execute();
    const expiries = rows.map((row) => Number(row.expires_at)).sort((a, b) => a - b);
    assert.ok(expiries[0]! <= epochSeconds() + ROTATED_SESSION_GRACE_SECONDS, 'the old id lapses within the grace');
    assert.ok(expiries[1]! > epochSeconds() + 24 * 3600, 'the new id keeps its lifetime');
    // Destroying again never extends the grace.
    await sessions.destroy('old-cookie-id');
    const again = await database.db.selectFrom('oauth_models').select('expires_at').where('model', '=', 'Session').orderBy('expires_at').executeTakeFirstOrThrow();
    assert.equal(Number(again.expires_at), expiries[0]);
    // Once the grace has passed, it is gone.
    const later = new (createKyselyAdapter(database.db, { now: () => epochSeconds() + ROTATED_SESSION_GRACE_SECONDS + 1 }))('Session');
    assert.equal(await later.find('old-cookie-id'), undefined);
    assert.ok(await later.find('new-cookie-id'));

    const codes = new (sessionAdapterWithGrace(Adapter, database.db))('AuthorizationCode');
    await codes.upsert('a-code', { grantId: 'g1' }, 60);
    await codes.destroy('a-code');
    assert.equal(await codes.find('a-code'), undefined, 'only sessions get a grace');
  });
});
