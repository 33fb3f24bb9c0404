import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { openDatabase } from '../../src/db/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { sr28Dir } from '../helpers/paths.js';
import { existsSync } from 'node:fs';

async function larder(args: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), isTerminal: false }, process.stdin, { NODE_ENV: 'test', ...env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function foodCount(database: TestDatabase): Promise<number> {
  const opened = await openDatabase(database.config);
  try {
    const row = await opened.db.selectFrom('foods').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await opened.close();
  }
}

describe('larder catalog:import', { skip: existsSync(sr28Dir) ? false : `no SR28 data at ${sr28Dir}` }, () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let scratch: string;
  before(async () => {
    database = await createTestDatabase();
    await database.close();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'larder-import-'));
    env = { DATABASE_URL: database.url, LARDER_STORAGE: scratch };
  });
  after(async () => {
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('imports the SR28 release with full USDA names, then again without duplicates', async () => {
    const first = await larder(['catalog:import', sr28Dir, '--json'], env);
    assert.equal(first.code, 0, first.err);
    const summary = JSON.parse(first.out) as { read: number; added: number; updated: number; unchanged: number; catalog_size: number };
    assert.equal(summary.read, 8789);
    assert.equal(summary.added, 8789);
    assert.equal(summary.catalog_size, 8789);

    const second = await larder(['catalog:import', sr28Dir, '--json'], env);
    assert.equal(second.code, 0, second.err);
    const again = JSON.parse(second.out) as typeof summary;
    assert.equal(again.added, 0);
    assert.equal(again.unchanged, 8789);
    assert.equal(await foodCount(database), 8789);

    const opened = await openDatabase(database.config);
    try {
      const row = await opened.db.selectFrom('foods').selectAll().where('id', '=', 'sr-01256').executeTakeFirstOrThrow();
      assert.equal(row.name, 'Yogurt, Greek, plain, nonfat');
      assert.equal(row.food_group, 'Dairy and Egg Products');
    } finally {
      await opened.close();
    }
  });

  test('refuses a truncated file, names where it broke, and changes nothing', async () => {
    const before = await foodCount(database);
    const broken = path.join(scratch, 'broken');
    rmSync(broken, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(broken);
    for (const file of ['FD_GROUP.txt', 'NUT_DATA.txt.gz', 'WEIGHT.txt']) copyFileSync(path.join(sr28Dir, file), path.join(broken, file));
    const foodDes = readFileSync(path.join(sr28Dir, 'FOOD_DES.txt'));
    // Cut the file in the middle of a record, as an interrupted download would.
    writeFileSync(path.join(broken, 'FOOD_DES.txt'), foodDes.subarray(0, Math.floor(foodDes.length / 2)));
    const result = await larder(['catalog:import', broken], env);
    assert.notEqual(result.code, 0);
    assert.match(result.err, /FOOD_DES\.txt:\d+/);
    assert.equal(await foodCount(database), before);
  });

  test('a file that is not food data is refused with a clear message', async () => {
    const junk = path.join(scratch, 'notes.txt');
    writeFileSync(junk, 'hello, this is not a food file\n');
    const result = await larder(['catalog:import', junk], env);
    assert.notEqual(result.code, 0);
    assert.ok(result.err.length > 20);
    const missing = await larder(['catalog:import', path.join(scratch, 'nope.json')], env);
    assert.notEqual(missing.code, 0);
    const none = await larder(['catalog:import'], env);
    assert.equal(none.code, 2);
    assert.match(none.err, /Usage: larder catalog:import/);
  });
});

describe('larder command line', () => {
  test('--help lists the commands and every command has --help', async () => {
    const help = await larder(['--help'], {});
    assert.equal(help.code, 0);
    assert.match(help.out, /catalog:import/);
    const importHelp = await larder(['catalog:import', '--help'], {});
    assert.equal(importHelp.code, 0);
    assert.match(importHelp.out, /FoodData Central/);
  });

  test('an unknown command or option exits non-zero with a message on stderr', async () => {
    const unknown = await larder(['catalog:nope'], {});
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command "catalog:nope".*catalog:import/);
    const badOption = await larder(['db:migrate', '--frobnicate'], {});
    assert.equal(badOption.code, 2);
    assert.match(badOption.err, /frobnicate/);
  });

  test('a bad environment value is reported by name', async () => {
    const result = await larder(['db:migrate'], { DATABASE_URL: 'mysql://nope' });
    assert.equal(result.code, 1);
    assert.match(result.err, /DATABASE_URL/);
  });
});
