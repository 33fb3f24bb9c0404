import { InvalidRequestError } from '../errors.js';

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today's date (YYYY-MM-DD) where the person lives: "today" for a diary is local. */
export function todayIn(timeZone: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** Whether `timeZone` is an IANA zone name this runtime knows ("Europe/Paris"). */
export function isTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(timeZone) || timeZone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * A diary date as given (a real calendar day, YYYY-MM-DD), or today in the person's
 * time zone. Dates far in the past or more than a day ahead of today are refused:
 * they are typing mistakes, not meals.
 */
export function diaryDate(given: string | undefined, timeZone: string, now = new Date()): string {
  const today = todayIn(timeZone, now);
  if (given === undefined || given === '') return today;
  const match = DATE_PATTERN.exec(given);
  const valid = match !== null && new Date(`${given}T00:00:00Z`).toISOString().slice(0, 10) === given;
  if (!valid) throw new InvalidRequestError(`"${given.slice(0, 40)}" is not a date: use YYYY-MM-DD, such as ${today}.`);
  if (given < '2000-01-01') throw new InvalidRequestError('Diary dates start on 2000-01-01.');
  if (given > addDays(today, 1)) throw new InvalidRequestError(`${given} is in the future: today is ${today} in ${timeZone}.`);
  return given;
}
