import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addDays, todayIn } from '../../src/diary/dates.js';
import { setGoals } from '../../src/diary/goals.js';
import { Visitor, csrfIn } from '../accounts/visitor.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { issueApiToken, PASSWORD } from '../oauth/oauth-helpers.js';

/** The words of a page's main part. */
function text(html: string): string {
  return (/<main[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? html).replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
}

/** The add form of the search result for `foodName`, as fields to post. */
function pickForm(html: string, foodName: string): Record<string, string> {
  const form = [...html.matchAll(/<form class="pick"[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => f.includes(`<strong>${foodName}</strong>`));
  if (!form) throw new Error(`no result for ${foodName}`);
  const fields: Record<string, string> = {};
  for (const input of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[input[1]!] = input[2]!;
  return fields;
}

function entryIds(html: string): string[] {
  return [...html.matchAll(/<tr id="entry-(de_[^"]+)"/g)].map((m) => m[1]!);
}

describe('the diary on the web: any day, add, change and delete, totals against goals', () => {
  let t: TestServer;
  let visitor: Visitor;
  let token: string;
  let userId: string;
  let today: string;

  before(async () => {
    t = await startTestServer();
    const issued = await issueApiToken(t, { plan: 'free' });
    token = issued.accessToken;
    userId = issued.user.id;
    visitor = new Visitor(t.baseUrl);
    await visitor.logIn(issued.user.email, PASSWORD);
    today = todayIn('UTC');
  });
  after(async () => t?.close());

  test('a visitor who is not logged in is sent to log in, and back to the same day', async () => {
    const response = await new Visitor(t.baseUrl).get('/diary?date=2026-01-05');
    assert.equal(response.status, 303);
    assert.equal(response.location, `/login?return_to=${encodeURIComponent('/diary?date=2026-01-05')}`);
  });

  test('a day has links to the days before and after; today has no link past tomorrow', async () => {
    const day = await visitor.get('/diary?date=2026-01-05');
    assert.equal(day.status, 200);
    assert.match(text(day.body), /Diary for Monday, 5 January 2026/);
    assert.match(day.body, /href="\/diary\?date=2026-01-04" rel="prev"/);
    assert.match(day.body, /href="\/diary\?date=2026-01-06" rel="next"/);
    const current = await visitor.get('/diary');
    assert.match(text(current.body), /\(today\)/);
    assert.match(current.body, new RegExp(`href="/diary\\?date=${addDays(today, 1)}" rel="next"`));
    const tomorrow = await visitor.get(`/diary?date=${addDays(today, 1)}`);
    assert.doesNotMatch(tomorrow.body, /rel="next"/);
    assert.doesNotMatch((await visitor.get('/diary?date=2000-01-01')).body, /rel="prev"/);
  });

  test('bad dates get a 400 page that says why, never a 500', async () => {
    for (const [date, words] of [
      ['2026-02-30', /date must be a day of the calendar as YYYY-MM-DD.*"2026-02-30" is not one/],
      ['banana', /"banana" is not one/],
      ['2026-1-5', /"2026-1-5" is not one/],
      ['1999-12-31', /date must be on or after 2000-01-01/],
      [addDays(today, 5), /is in the future/],
    ] as const) {
      const page = await visitor.get(`/diary?date=${encodeURIComponent(date)}`);
      assert.equal(page.status, 400, date);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.match(text(page.body), words, date);
    }
  });

  test('search, pick a portion and a meal, with a note: the entry shows, the totals count it', async () => {
    const results = await visitor.get('/diary?date=2026-01-05&q=banana');
    assert.match(results.body, /<strong>Bananas, raw<\/strong>/);
    assert.match(results.body, /<option value="1 medium \(7&quot; to 7-7\/8&quot; long\)"[^>]*>1 medium \(7&quot; to 7-7\/8&quot; long\) \(118 g\)<\/option>/);
    const fields = pickForm(results.body, 'Bananas, raw');
    const added = await visitor.post('/diary/entries', { ...fields, quantity: '1', unit: '1 medium (7" to 7-7/8" long)', meal: 'breakfast', note: 'before the run' });
    assert.equal(added.status, 303, text(added.body));
    assert.match(added.location ?? '', /^\/diary\?date=2026-01-05&added=de_[^#]+#entry-de_/);
    const day = await visitor.get(added.location!.replace(/#.*/, ''));
    assert.match(text(day.body), /Added to your diary/);
    assert.match(text(day.body), /Breakfast · 105 kcal Food Amount Energy Actions Bananas, raw Note: before the run 1 medium \(118 g\) 105 kcal/);

    // The same entry through the API, note included.
    const api = (await (await fetch(`${t.baseUrl}/api/diary?date=2026-01-05`, { headers: { authorization: `Bearer ${token}` } })).json()) as { entries: Array<Record<string, unknown>> };
    assert.equal(api.entries.length, 1);
    assert.equal(api.entries[0]!.note, 'before the run');
    assert.equal(api.entries[0]!.grams, 118);
  });

  test('grams, and the totals against the goals set on /account', async () => {
    await setGoals(t.server.database.db, userId, { energy: 2000, protein: 50 });
    const results = await visitor.get('/diary?date=2026-01-06&q=banana');
    const added = await visitor.post('/diary/entries', { ...pickForm(results.body, 'Bananas, raw'), quantity: '200', unit: 'g', meal: 'snack', note: '' });
    assert.equal(added.status, 303);
    const day = await visitor.get('/diary?date=2026-01-06');
    const words = text(day.body);
    assert.match(words, /Snack · 178 kcal/);
    assert.match(words, /Energy 178 kcal 2000 kcal 1822 kcal/);
    assert.match(words, /Protein 2\.18 g 50 g 47\.8 g/);
    assert.match(day.body, /<meter min="0" max="2000" value="178" aria-label="Energy: 178 of 2000 kcal"><\/meter>/);
  });

  test('a bad amount, an unknown portion, a note too long or no CSRF token: a clear error, nothing added', async () => {
    const results = await visitor.get('/diary?date=2026-01-07&q=banana');
    const fields = pickForm(results.body, 'Bananas, raw');
    for (const [change, words] of [
      [{ quantity: 'lots', unit: 'g' }, /Enter how much you ate as a number/],
      [{ quantity: '0', unit: 'g' }, /Enter how much you ate as a number/],
      [{ quantity: '9000', unit: 'g' }, /more than one entry may hold/],
      [{ quantity: '1', unit: '1 bucket' }, /This food has no portion "1 bucket"/],
      [{ quantity: '1', unit: 'g', note: 'x'.repeat(281) }, /A note has at most 280 characters/],
      [{ quantity: '1', unit: 'g', meal: 'elevenses' }, /Choose a meal/],
    ] as const) {
      const page = await visitor.post('/diary/entries', { ...fields, meal: 'lunch', note: '', ...change });
      assert.equal(page.status, 400, JSON.stringify(change));
      assert.match(text(page.body), words);
      assert.match(text(page.body), /Nothing was added/);
      assert.match(page.body, /<strong>Bananas, raw<\/strong>/, 'the search results stay');
    }
    const forged = await visitor.post('/diary/entries', { ...fields, _csrf: '', quantity: '1', unit: 'g', meal: 'lunch' });
    assert.equal(forged.status, 403);
    assert.deepEqual(entryIds((await visitor.get('/diary?date=2026-01-07')).body), []);
  });

  test('change the amount, meal and note of an entry; then delete it', async () => {
    const results = await visitor.get('/diary?date=2026-01-08&q=banana');
    const added = await visitor.post('/diary/entries', { ...pickForm(results.body, 'Bananas, raw'), quantity: '100', unit: 'g', meal: 'breakfast', note: '' });
    const id = /added=(de_[^&#]+)/.exec(added.location!)![1]!;
    const edit = await visitor.get(`/diary/entries/${id}/edit`);
    assert.equal(edit.status, 200);
    assert.match(text(edit.body), /Change Bananas, raw/);
    const saved = await visitor.post(`/diary/entries/${id}`, { _csrf: csrfIn(edit.body), quantity: '2', unit: '1 medium (7" to 7-7/8" long)', meal: 'lunch', note: 'two, not one' });
    assert.equal(saved.status, 303);
    const day = await visitor.get('/diary?date=2026-01-08');
    assert.match(text(day.body), /Lunch · 210 kcal .* Bananas, raw Note: two, not one 2 medium \(236 g\) 210 kcal/);
    assert.doesNotMatch(text(day.body), /Breakfast/);

    // A change with a bad amount keeps what was typed and changes nothing.
    const bad = await visitor.post(`/diary/entries/${id}`, { _csrf: csrfIn(edit.body), quantity: '-1', unit: 'g', meal: 'dinner', note: 'typo' });
    assert.equal(bad.status, 400);
    assert.match(text(bad.body), /Nothing was changed/);
    assert.match(bad.body, /<textarea[^>]*>typo<\/textarea>/);
    assert.match(text((await visitor.get('/diary?date=2026-01-08')).body), /Lunch · 210 kcal/);

    // Note emptied, meal changed, amount untouched: the label stays as logged.
    const edit2 = await visitor.get(`/diary/entries/${id}/edit`);
    assert.equal((await visitor.post(`/diary/entries/${id}`, { _csrf: csrfIn(edit2.body), quantity: '236', unit: 'g', meal: 'dinner', note: '' })).status, 303);
    const after = text((await visitor.get('/diary?date=2026-01-08')).body);
    assert.match(after, /Dinner · 210 kcal .* Bananas, raw 2 medium/);
    assert.doesNotMatch(after, /Note:/);

    const deleted = await visitor.post(`/diary/entries/${id}/delete`, { _csrf: csrfIn(edit2.body) });
    assert.equal(deleted.status, 303);
    const gone = await visitor.get(deleted.location!);
    assert.match(text(gone.body), /The entry is deleted/);
    assert.deepEqual(entryIds(gone.body), []);
    assert.equal((await visitor.get(`/diary/entries/${id}/edit`)).status, 404);
  });

  test("another person's entry cannot be seen, changed or deleted", async () => {
    const mine = await visitor.get('/diary?date=2026-01-09&q=banana');
    const added = await visitor.post('/diary/entries', { ...pickForm(mine.body, 'Bananas, raw'), quantity: '50', unit: 'g', meal: 'snack', note: 'mine' });
    const id = /added=(de_[^&#]+)/.exec(added.location!)![1]!;
    const other = await issueApiToken(t, { plan: 'free' });
    const intruder = new Visitor(t.baseUrl);
    await intruder.logIn(other.user.email, PASSWORD);
    const page = await intruder.get('/diary');
    assert.equal((await intruder.get(`/diary/entries/${id}/edit`)).status, 404);
    assert.equal((await intruder.post(`/diary/entries/${id}`, { _csrf: csrfIn(page.body), quantity: '1', unit: 'g', meal: 'lunch', note: 'theirs' })).status, 404);
    assert.equal((await intruder.post(`/diary/entries/${id}/delete`, { _csrf: csrfIn(page.body) })).status, 404);
    assert.deepEqual(entryIds((await visitor.get('/diary?date=2026-01-09')).body), [id]);
  });
});
