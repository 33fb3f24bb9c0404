import { todayIn } from '../accounts/time-zone.js';
import { InvalidRequestError } from '../errors.js';

// "Today" and time zones are the person's (accounts/time-zone.ts); the diary reads them there.
export { isTimeZone, todayIn } from '../accounts/time-zone.js';

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day `days` after (or before) a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whether year-month-day names a day of the Gregorian calendar (no 2026-13-01, no 2026-02-30). */
function isCalendarDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= lengths[month - 1]!;
}

/**
 * A diary date as given (a real calendar day, YYYY-MM-DD), or today in the person's
 * time zone. Dates far in the past or more than a day ahead of today are refused:
 * they are typing mistakes, not meals. Every refusal names the `date` it is about.
 */
export function diaryDate(given: string | undefined, timeZone: string, now = new Date()): string {
  const today = todayIn(timeZone, now);
  if (given === undefined || given === '') return today;
  const match = DATE_PATTERN.exec(given);
  if (!match || !isCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]))) {
    throw new InvalidRequestError(`date must be a day of the calendar as YYYY-MM-DD, such as ${today}; "${given.slice(0, 40)}" is not one.`);
  }
  if (given < '2000-01-01') throw new InvalidRequestError('date must be on or after 2000-01-01.');
  if (given > addDays(today, 1)) throw new InvalidRequestError(`date ${given} is in the future: today is ${today} in ${timeZone}.`);
  return given;
}
