import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setUserTimeZone } from '../../src/accounts/users.js';
import { flushUsageOf } from '../../src/api/usage.js';
import { runCli } from '../../src/cli/main.js';
import { setGoals } from '../../src/diary/goals.js';
import { Visitor, csrfIn } from '../accounts/visitor.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { issueApiToken, PASSWORD } from '../oauth/oauth-helpers.js';

/** RFC 4180, read strictly: quoted fields with doubled quotes, CRLF between records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      assert.notEqual(c, '\n', 'a bare LF outside quotes');
      assert.notEqual(c, '"', 'a quote inside an unquoted field');
      cell += c;
    }
  }
  assert.equal(cell, '', 'the file ends with CRLF');
  return rows;
}

/** Counts every row Larder keeps for a person, table by table (this process's buffered history written first). */
async function rowsOf(t: TestServer, userId: string) {
  const db = t.server.database.db;
  await flushUsageOf(db);
  const count = async (table: 'users' | 'sessions' | 'diary_entries' | 'diary_goals' | 'api_requests' | 'api_usage_daily' | 'account_tokens', column: 'id' | 'user_id') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).where(column, '=', userId).executeTakeFirstOrThrow()).n);
  return {
    users: await count('users', 'id'),
    sessions: await count('sessions', 'user_id'),
    diary_entries: await count('diary_entries', 'user_id'),
    diary_goals: await count('diary_goals', 'user_id'),
    api_requests: await count('api_requests', 'user_id'),
    api_usage_daily: await count('api_usage_daily', 'user_id'),
    account_tokens: await count('account_tokens', 'user_id'),
    oauth_models: Number((await db.selectFrom('oauth_models').select((eb) => eb.fn.countAll<string | number>().as('n')).where('account_id', '=', userId).executeTakeFirstOrThrow()).n),
  };
}

const TRICKY_NOTES = ['=HYPERLINK("http://evil.example","click")', '+1 slice', '-2 bites', '@mention', 'comma, "quotes"\nand a line break', 'crème fraîche'];

describe('their data in their hands: export as JSON and CSV, delete the account', () => {
  let t: TestServer;

  before(async () => {
    t = await startTestServer();
  });
  after(async () => t?.close());

  /** A person with a connected app, diary entries (with notes that break naive CSV), goals and history. */
  const person = async () => {
    const issued = await issueApiToken(t, { plan: 'free' });
    const api = async (method: string, path: string, body?: unknown) =>
      fetch(`${t.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${issued.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    for (const [index, note] of TRICKY_NOTES.entries()) {
      const response = await api('POST', '/api/diary', { food_id: 'sr-09040', grams: 100 + index, meal: 'snack', date: '2026-01-10', note });
      assert.equal(response.status, 201);
    }
    assert.equal((await api('GET', '/api/foods/search?query=banana')).status, 200);
    await setGoals(t.server.database.db, issued.user.id, { energy: 1900 });
    await setUserTimeZone(t.server.database.db, issued.user.id, 'Europe/Paris');
    const visitor = new Visitor(t.baseUrl);
    await visitor.logIn(issued.user.email, PASSWORD);
    return { ...issued, api, visitor };
  };

  test('the JSON export holds the profile, goals, diary, apps and history, and no secret', async () => {
    const ann = await person();
    const response = await ann.visitor.get('/account/export.json');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="larder-export-\d{4}-\d{2}-\d{2}\.json"$/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const data = JSON.parse(response.body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(data.format, 'larder-personal-data');
    assert.equal(data.profile.email, ann.user.email);
    assert.equal(data.profile.time_zone, 'Europe/Paris');
    assert.deepEqual(data.goals, { energy: 1900 });
    assert.equal(data.diary.length, TRICKY_NOTES.length);
    assert.deepEqual(data.diary.map((e: { note: string }) => e.note), TRICKY_NOTES.map((n) => n.trim()));
    assert.equal(data.diary[0].food.name, 'Bananas, raw');
    assert.ok(data.diary[0].nutrition.some((n: { name: string }) => n.name === 'Energy'));
    assert.equal(data.diary[0].logged_by.name, 'Test client');
    assert.equal(data.connected_apps.length, 1);
    assert.equal(data.connected_apps[0].name, 'Test client');
    assert.deepEqual(data.connected_apps[0].scopes, ['foods:read', 'diary:read', 'diary:write', 'profile']);
    assert.ok(data.history.some((h: { what: string }) => h.what === "Searched 'banana'"));
    assert.ok(data.history.some((h: { what: string }) => h.what.startsWith('Logged Bananas, raw, 100 g at snack')));
    assert.ok(data.sessions.length >= 1);
    assert.ok(Array.isArray(data.requests_by_day) && data.requests_by_day[0].requests >= 7);
    // Nothing that opens anything: no token, no password hash, no session cookie.
    assert.ok(!response.body.includes(ann.accessToken));
    assert.ok(!response.body.includes('$argon2'));
    assert.ok(!response.body.includes(ann.visitor.cookies.get('larder_session')!));
    // Only the person's own.
    const bea = await person();
    assert.ok(!response.body.includes(bea.user.email));
    assert.equal((await new Visitor(t.baseUrl).get('/account/export.json')).status, 303, 'a visitor is sent to log in');
  });

  test('the diary CSV is RFC 4180 and safe in a spreadsheet: quoted fields, CRLF, no formulas', async () => {
    const cal = await person();
    const response = await cal.visitor.get('/account/diary.csv');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(response.headers.get('content-disposition') ?? '', /filename="larder-diary-\d{4}-\d{2}-\d{2}\.csv"/);
    // fetch's text() drops a byte order mark: read the bytes themselves.
    const raw = Buffer.from(await (await fetch(`${t.baseUrl}/account/diary.csv`, { headers: { cookie: [...cal.visitor.cookies].map(([n, v]) => `${n}=${v}`).join('; ') } })).arrayBuffer());
    assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a byte order mark, so spreadsheet programs read UTF-8');
    assert.equal(raw.subarray(3).toString('utf8'), response.body);
    const rows = parseCsv(response.body);
    const [header, ...entries] = rows;
    assert.deepEqual(header!.slice(0, 7), ['date', 'meal', 'food', 'food_id', 'amount', 'grams', 'Energy (kcal)']);
    assert.deepEqual(header!.slice(-3), ['note', 'logged_at', 'logged_by']);
    assert.equal(entries.length, TRICKY_NOTES.length);
    for (const row of entries) assert.equal(row.length, header!.length);
    const notes = entries.map((row) => row[header!.indexOf('note')]);
    assert.deepEqual(notes, ["'=HYPERLINK(\"http://evil.example\",\"click\")", "'+1 slice", "'-2 bites", "'@mention", 'comma, "quotes"\nand a line break', 'crème fraîche']);
    assert.equal(entries[0]![header!.indexOf('food')], 'Bananas, raw');
    assert.equal(entries[0]![header!.indexOf('grams')], '100');
    assert.equal(entries[0]![header!.indexOf('Energy (kcal)')], '89');
    assert.equal(entries[0]![header!.indexOf('logged_by')], 'Test client');
    // No cell a spreadsheet would evaluate.
    for (const row of entries) for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
  });

  test('deleting the account asks for the password and a CSRF token, then deletes everything and revokes every token', async () => {
    const dan = await person();
    const other = await person();
    const before = await rowsOf(t, dan.user.id);
    assert.ok(before.users === 1 && before.diary_entries === TRICKY_NOTES.length && before.oauth_models > 0 && before.api_requests > 0 && before.sessions > 0, JSON.stringify(before));

    const account = await dan.visitor.get('/account');
    assert.match(account.body, /href="\/account\/delete">Delete my account…/);
    const confirm = await dan.visitor.get('/account/delete');
    assert.equal(confirm.status, 200);
    assert.match(confirm.body, /This deletes the Larder account <strong>/);

    // No CSRF token, or a wrong password: nothing is deleted.
    assert.equal((await dan.visitor.post('/account/delete', { password: PASSWORD })).status, 403);
    const wrong = await dan.visitor.post('/account/delete', { _csrf: csrfIn(confirm.body), password: 'not the password at all' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /That is not your password\. Nothing was deleted\./);
    assert.deepEqual(await rowsOf(t, dan.user.id), before);
    assert.equal((await dan.api('GET', '/api/me')).status, 200);

    const deleted = await dan.visitor.post('/account/delete', { _csrf: csrfIn(confirm.body), password: PASSWORD });
    assert.equal(deleted.status, 303);
    assert.equal(deleted.location, '/login?deleted=1');
    assert.match((await dan.visitor.get('/login?deleted=1')).body, /Your Larder account and everything in it are deleted/);
    assert.equal(dan.visitor.cookies.has('larder_session'), false, 'logged out');
    assert.deepEqual(await rowsOf(t, dan.user.id), { users: 0, sessions: 0, diary_entries: 0, diary_goals: 0, api_requests: 0, api_usage_daily: 0, account_tokens: 0, oauth_models: 0 });
    assert.equal((await dan.api('GET', '/api/me')).status, 401, 'the access token stopped working');
    const again = await new Visitor(t.baseUrl).logIn(dan.user.email, PASSWORD);
    assert.equal(again.status, 400, 'the account is gone');

    // Someone else's data is untouched.
    const untouched = await rowsOf(t, other.user.id);
    assert.equal(untouched.diary_entries, TRICKY_NOTES.length);
    assert.equal((await other.api('GET', '/api/me')).status, 200);
  });

  test('larder users:delete does the same for operators: asks for the email again unless --yes; users:export prints the JSON', async () => {
    const env = { NODE_ENV: 'test', DATABASE_URL: t.database.url, LARDER_STORAGE: t.config.storageDir, APP_URL: t.baseUrl };
    const larder = async (args: string[], stdin = '') => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(args, { out: (line) => out.push(line), err: (line) => err.push(line), isTerminal: false }, Readable.from(stdin ? [stdin] : []), env);
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const eve = await person();

    const exported = await larder(['users:export', eve.user.email]);
    assert.equal(exported.code, 0, exported.err);
    assert.equal((JSON.parse(exported.out) as { diary: unknown[] }).diary.length, TRICKY_NOTES.length);

    assert.equal((await larder(['users:delete'])).code, 2, 'no email: a usage error');
    const unknown = await larder(['users:delete', 'nobody@example.com', '--yes']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /No account has the email nobody@example.com/);

    const noAnswer = await larder(['users:delete', eve.user.email]);
    assert.equal(noAnswer.code, 1);
    assert.match(noAnswer.err, /Type the email again to confirm/);
    assert.match(noAnswer.err, /nothing was deleted/);
    const mistyped = await larder(['users:delete', eve.user.email], 'someone@else.example\n');
    assert.equal(mistyped.code, 1);
    assert.equal((await rowsOf(t, eve.user.id)).users, 1);

    const confirmed = await larder(['users:delete', eve.user.email], `${eve.user.email.toUpperCase()}\n`);
    assert.equal(confirmed.code, 0, confirmed.err);
    assert.match(confirmed.out, new RegExp(`Deleted ${eve.user.email}: ${TRICKY_NOTES.length} diary entries, \\d+ history entries; 1 connected app revoked\\.`));
    assert.deepEqual(await rowsOf(t, eve.user.id), { users: 0, sessions: 0, diary_entries: 0, diary_goals: 0, api_requests: 0, api_usage_daily: 0, account_tokens: 0, oauth_models: 0 });
    assert.equal((await eve.api('GET', '/api/diary')).status, 401);

    const fay = await person();
    const scripted = await larder(['users:delete', fay.user.email, '--yes', '--json']);
    assert.equal(scripted.code, 0, scripted.err);
    assert.deepEqual(Object.keys(JSON.parse(scripted.out) as object).sort(), ['diary_entries', 'email', 'history_entries', 'revoked_grants', 'user_id']);
    assert.equal((await fay.api('GET', '/api/me')).status, 401);
  });
});
