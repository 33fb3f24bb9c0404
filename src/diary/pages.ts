import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csrfField, verifyCsrf } from '../accounts/csrf.js';
import { field, sendPage } from '../accounts/pages.js';
import { currentUser, loginUrl } from '../accounts/session.js';
import type { User } from '../accounts/users.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Food } from '../catalog/model.js';
import { NUTRIENTS, roundAmount } from '../catalog/nutrients.js';
import { MAX_QUERY_LENGTH } from '../catalog/operations.js';
import type { Db } from '../db/index.js';
import { InvalidRequestError, LarderError, NotFoundError } from '../errors.js';
import type { Views } from '../views/render.js';
import type { AmountInput } from './amount.js';
import { addDays, diaryDate, todayIn } from './dates.js';
import { addDiaryEntry, deleteDiaryEntry, findDiaryEntry, listDiaryEntries, MEALS, NOTE_MAX_LENGTH, totalNutrients, updateDiaryEntry, type DiaryEntry, type Meal } from './entries.js';
import { GOAL_FIELDS, getGoals } from './goals.js';

export interface DiaryPagesOptions {
  db: Db;
  catalog: Catalog;
  views: Views;
}

/** Foods a search on the diary page offers to log. */
const SEARCH_RESULTS = 8;
const FIRST_DAY = '2000-01-01';
/** The unit value that means "grams" in the amount's unit list (any other is a portion label). */
const GRAMS = 'g';

const MEAL_NAMES: Record<Meal, string> = { breakfast: 'Breakfast', lunch: 'Lunch', dinner: 'Dinner', snack: 'Snack' };

/** The totals the page shows for a day, with the goals when the person set them. */
const TOTAL_KEYS = ['energy', 'protein', 'fat', 'carbohydrate', 'fiber', 'sugars', 'sodium'] as const;

const NOTICES: Record<string, string> = {
  added: 'Added to your diary.',
  saved: 'The entry is changed.',
  deleted: 'The entry is deleted.',
};

function longDate(date: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(`${date}T00:00:00Z`));
}

function kcal(value: number | undefined): string {
  return value === undefined ? '–' : `${roundAmount(value)} kcal`;
}

/** `/diary?date=…`, the way back to a day after a form. */
function dayUrl(date: string, extra: Record<string, string> = {}, anchor = ''): string {
  return `/diary?${new URLSearchParams({ date, ...extra }).toString()}${anchor}`;
}

/** A number as a person types it in a form: "1", "1.5", "1,5". */
function typedNumber(text: string): number | undefined {
  const normalized = text.trim().replace(',', '.');
  if (!/^\d{0,5}(\.\d{0,3})?$/.test(normalized) || normalized === '' || normalized === '.') return undefined;
  return Number(normalized);
}

/** The amount fields of a diary form (how much, and in which unit: grams or one of the food's portions). */
function typedAmount(body: unknown): AmountInput {
  const quantity = typedNumber(field(body, 'quantity'));
  if (quantity === undefined || !(quantity > 0)) throw new InvalidRequestError('Enter how much you ate as a number, such as 1, 1.5 or 150.');
  const unit = field(body, 'unit');
  if (unit === '' || unit === GRAMS) return { grams: quantity };
  return { portion: unit, quantity };
}

function typedMeal(body: unknown): Meal {
  const meal = field(body, 'meal');
  if (!(MEALS as readonly string[]).includes(meal)) throw new InvalidRequestError(`Choose a meal: ${MEALS.join(', ')}.`);
  return meal as Meal;
}

/** The unit list of an amount: the food's portions, then grams; `selected` (or the first) chosen. */
function unitOptions(food: Food | undefined, selected: string): Array<{ value: string; label: string; selected: boolean }> {
  const options = [...(food?.portions ?? []).map((portion) => ({ value: portion.label, label: `${portion.label} (${roundAmount(portion.grams)} g)` })), { value: GRAMS, label: 'grams' }];
  const chosen = options.some((option) => option.value === selected) ? selected : options[0]!.value;
  return options.map((option) => ({ ...option, selected: option.value === chosen }));
}

function mealOptions(selected: Meal | undefined) {
  return MEALS.map((meal) => ({ value: meal, label: MEAL_NAMES[meal], selected: meal === selected }));
}

/** A meal a new entry most likely belongs to, from the time of day where the person lives. */
function likelyMeal(timeZone: string): Meal {
  let hour = 12;
  try {
    hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
  } catch {
    // keep noon
  }
  if (hour < 11) return 'breakfast';
  if (hour < 15) return 'lunch';
  if (hour >= 18 && hour < 22) return 'dinner';
  return 'snack';
}

/**
 * The food diary on the web: any day (`/diary?date=YYYY-MM-DD`, with the days before and
 * after), the day's entries by meal with totals against the goals set on /account, and
 * forms to add (search the catalog, pick a portion or grams and a meal), change (amount,
 * meal, note) and delete entries. Every form is a plain HTML form with a CSRF token: the
 * pages need no script.
 */
export async function diaryPages(app: FastifyInstance, options: DiaryPagesOptions): Promise<void> {
  const { db, catalog, views } = options;

  const signedIn = async (request: FastifyRequest, reply: FastifyReply): Promise<User | undefined> => {
    const user = await currentUser(request);
    if (!user) void reply.redirect(loginUrl(request.url), 303);
    return user;
  };

  const dayPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    user: User,
    date: string,
    state: { query?: string; error?: string; notice?: string; highlight?: string; status?: number } = {},
  ) => {
    const today = todayIn(user.timeZone);
    const entries = await listDiaryEntries(db, user.id, date);
    const totals = totalNutrients(entries);
    const goals = await getGoals(db, user.id);
    const query = (state.query ?? '').trim();
    let searchError: string | undefined;
    let searchNote: string | undefined;
    let results: Array<{ id: string; name: string; foodGroup: string; energy: string; units: ReturnType<typeof unitOptions>; quantity: string }> = [];
    if (query.length > MAX_QUERY_LENGTH) searchError = `That search is too long: at most ${MAX_QUERY_LENGTH} characters.`;
    else if (query !== '') {
      const found = await catalog.searchFoods(query, SEARCH_RESULTS);
      // The catalog says when the first result is not the food asked for ("no close match for …").
      searchNote = found.note;
      results = found.results.map(({ food }) => ({
        id: food.id,
        name: food.name,
        foodGroup: food.foodGroup,
        energy: food.nutrients.energy === undefined ? 'energy not reported' : `${roundAmount(food.nutrients.energy)} kcal per 100 g`,
        units: unitOptions(food, food.portions[0]?.label ?? GRAMS),
        quantity: food.portions.length > 0 ? '1' : '100',
      }));
    }
    const previous = addDays(date, -1);
    const next = addDays(date, 1);
    const presented = (entry: DiaryEntry) => ({
      id: entry.id,
      foodName: entry.foodName,
      amount: entry.amount,
      energy: kcal(entry.nutrients.energy),
      note: entry.note,
      portionNote: entry.portionNote,
      highlight: entry.id === state.highlight,
    });
    return sendPage(
      views,
      reply,
      'diary',
      {
        title: `Diary for ${longDate(date)}`,
        date,
        longDate: longDate(date),
        isToday: date === today,
        today,
        timeZone: user.timeZone,
        previousUrl: previous >= FIRST_DAY ? dayUrl(previous) : undefined,
        nextUrl: next <= addDays(today, 1) ? dayUrl(next) : undefined,
        todayUrl: date === today ? undefined : dayUrl(today),
        meals: MEALS.map((meal) => {
          const ofMeal = entries.filter((entry) => entry.meal === meal);
          return { meal, name: MEAL_NAMES[meal], entries: ofMeal.map(presented), energy: kcal(totalNutrients(ofMeal).energy ?? 0) };
        }),
        entryCount: entries.length,
        totals: TOTAL_KEYS.map((key) => {
          const nutrient = NUTRIENTS.find((n) => n.key === key)!;
          const goalField = GOAL_FIELDS.find((g) => g.key === key);
          const goal = goalField ? goals[goalField.key] : undefined;
          const eaten = roundAmount(totals[key] ?? 0);
          return {
            key,
            name: nutrient.name,
            unit: nutrient.unit,
            eaten,
            goal,
            left: goal === undefined ? undefined : roundAmount(goal - eaten),
            over: goal !== undefined && eaten > goal,
          };
        }),
        hasGoals: Object.keys(goals).length > 0,
        query: query.slice(0, MAX_QUERY_LENGTH),
        searchError,
        searchNote,
        results,
        mealOptions: mealOptions(likelyMeal(user.timeZone)),
        noteMax: NOTE_MAX_LENGTH,
        error: state.error,
        notice: state.notice,
        csrf: csrfField(request, reply),
      },
      state.status ?? 200,
    );
  };

  app.get<{ Querystring: Record<string, unknown> }>('/diary', { schema: { hide: true } }, async (request, reply) => {
    const user = await signedIn(request, reply);
    if (!user) return reply;
    const query = request.query;
    const date = diaryDate(typeof query.date === 'string' ? query.date : undefined, user.timeZone);
    const noticeCode = ['added', 'saved', 'deleted'].find((code) => query[code] !== undefined);
    return dayPage(request, reply, user, date, {
      query: typeof query.q === 'string' ? query.q : '',
      notice: noticeCode ? NOTICES[noticeCode] : undefined,
      highlight: typeof query.added === 'string' ? query.added : typeof query.saved === 'string' ? query.saved : undefined,
    });
  });

  app.post<{ Body: Record<string, unknown> | undefined }>('/diary/entries', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const user = await signedIn(request, reply);
    if (!user) return reply;
    const body = request.body;
    const date = diaryDate(field(body, 'date') || undefined, user.timeZone);
    try {
      const { entry } = await addDiaryEntry(db, catalog, user.id, {
        foodId: field(body, 'food_id'),
        date,
        meal: typedMeal(body),
        note: field(body, 'note'),
        ...typedAmount(body),
      });
      return reply.redirect(dayUrl(date, { added: entry.id }, `#entry-${entry.id}`), 303);
    } catch (error) {
      // Nothing was logged: the day again, with the search and what went wrong.
      if (!(error instanceof LarderError) || error.status >= 500) throw error;
      return dayPage(request, reply, user, date, { query: field(body, 'q'), error: error.message, status: error.status });
    }
  });

  const editPage = async (request: FastifyRequest, reply: FastifyReply, user: User, entry: DiaryEntry, state: { error?: string; status?: number; typed?: Record<string, string> } = {}) => {
    const food = await catalog.findById(entry.foodId);
    const typed = state.typed;
    return sendPage(
      views,
      reply,
      'diary-entry',
      {
        title: `Change ${entry.foodName}`,
        entry: { id: entry.id, foodName: entry.foodName, amount: entry.amount, date: entry.date, longDate: longDate(entry.date), note: typed?.note ?? entry.note ?? '' },
        quantity: typed?.quantity ?? String(entry.grams),
        units: unitOptions(food, typed?.unit ?? GRAMS),
        mealOptions: mealOptions((typed?.meal as Meal | undefined) ?? entry.meal),
        foodInCatalog: food !== undefined,
        noteMax: NOTE_MAX_LENGTH,
        backUrl: dayUrl(entry.date, {}, `#entry-${entry.id}`),
        csrf: csrfField(request, reply),
        error: state.error,
      },
      state.status ?? 200,
    );
  };

  const ownEntry = async (user: User, id: string): Promise<DiaryEntry> => {
    const entry = /^de_[A-Za-z0-9_-]{1,60}$/.test(id) ? await findDiaryEntry(db, user.id, id) : undefined;
    if (!entry) throw new NotFoundError('This diary entry does not exist, or is not yours. It may have been deleted already.');
    return entry;
  };

  app.get<{ Params: { id: string } }>('/diary/entries/:id/edit', { schema: { hide: true } }, async (request, reply) => {
    const user = await signedIn(request, reply);
    if (!user) return reply;
    return editPage(request, reply, user, await ownEntry(user, request.params.id));
  });

  app.post<{ Params: { id: string }; Body: Record<string, unknown> | undefined }>('/diary/entries/:id', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const user = await signedIn(request, reply);
    if (!user) return reply;
    const entry = await ownEntry(user, request.params.id);
    const body = request.body;
    try {
      const amount = typedAmount(body);
      const unchanged = amount.grams !== undefined && Math.abs(amount.grams - entry.grams) < 0.005;
      await updateDiaryEntry(db, catalog, user.id, entry.id, { meal: typedMeal(body), note: field(body, 'note'), ...(unchanged ? {} : { amount }) });
      return reply.redirect(dayUrl(entry.date, { saved: entry.id }, `#entry-${entry.id}`), 303);
    } catch (error) {
      if (!(error instanceof LarderError) || error.status >= 500) throw error;
      const typed = { quantity: field(body, 'quantity'), unit: field(body, 'unit'), meal: field(body, 'meal'), note: field(body, 'note') };
      return editPage(request, reply, user, entry, { error: error.message, status: error.status, typed });
    }
  });

  app.post<{ Params: { id: string } }>('/diary/entries/:id/delete', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const user = await signedIn(request, reply);
    if (!user) return reply;
    const entry = await ownEntry(user, request.params.id);
    await deleteDiaryEntry(db, user.id, entry.id);
    return reply.redirect(dayUrl(entry.date, { deleted: '1' }), 303);
  });
}
