import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csrfField, verifyCsrf } from '../accounts/csrf.js';
import { currentUser, loginUrl } from '../accounts/session.js';
import { setUserTimeZone, type User } from '../accounts/users.js';
import { roundAmount } from '../catalog/nutrients.js';
import type { Db } from '../db/index.js';
import { InvalidRequestError } from '../errors.js';
import type { Views } from '../views/render.js';
import { knownTimeZones } from '../accounts/time-zone.js';
import { isTimeZone, todayIn } from './dates.js';
import { listDiaryEntries, totalNutrients } from './entries.js';
import { GOAL_FIELDS, getGoals, parseGoals, setGoals } from './goals.js';

const kcal = (value: number | undefined) => (value === undefined ? '–' : `${roundAmount(value)} kcal`);

/** The diary on /account: today's entries, goals and the time zone that decides "today". */
export function diaryAccountSection(options: { db: Db; views: Views }) {
  const { db, views } = options;
  return async (user: User, request: FastifyRequest, reply: FastifyReply, error?: string): Promise<string> => {
    const date = todayIn(user.timeZone);
    const entries = await listDiaryEntries(db, user.id, date);
    const totals = totalNutrients(entries);
    const goals = await getGoals(db, user.id);
    return views.render('account-diary', {
      date,
      timeZone: user.timeZone,
      entries: entries.map((e) => ({ meal: e.meal, foodName: e.foodName, amount: e.amount, energy: kcal(e.nutrients.energy) })),
      totalEnergy: kcal(totals.energy),
      goals: GOAL_FIELDS.filter((f) => goals[f.key] !== undefined).map((f) => ({ label: f.label, unit: f.unit, goal: goals[f.key], eaten: roundAmount(totals[f.key] ?? 0) })),
      goalFields: GOAL_FIELDS.map((f) => ({ key: f.key, label: f.label, unit: f.unit, value: goals[f.key] === undefined ? '' : String(goals[f.key]) })),
      timeZones: knownTimeZones(),
      csrf: csrfField(request, reply),
      error,
    });
  };
}

/** POST /account/diary-settings: saves daily goals and the time zone. */
export async function diarySettingsRoutes(app: FastifyInstance, options: { db: Db; views: Views }): Promise<void> {
  const { db } = options;
  app.post<{ Body: Record<string, unknown> }>('/account/diary-settings', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const user = await currentUser(request);
    if (!user) return reply.redirect(loginUrl('/account'), 303);
    const body = request.body ?? {};
    const goals = parseGoals(body);
    const timeZone = typeof body.time_zone === 'string' ? body.time_zone.trim() : '';
    if (!isTimeZone(timeZone)) throw new InvalidRequestError(`"${timeZone.slice(0, 64)}" is not a time zone; use a name such as Europe/Paris or America/New_York.`);
    await setGoals(db, user.id, goals);
    await setUserTimeZone(db, user.id, timeZone);
    return reply.redirect('/account', 303);
  });
}
