/** A person's time zone decides what "today" is in their diary and how times read on their pages. */

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

/** The zone to use for a value a browser sent (registration detects it): itself when valid, else UTC. */
export function timeZoneOrUtc(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  return text !== '' && isTimeZone(text) ? text : 'UTC';
}

/** The date (YYYY-MM-DD) of `at` where the person lives: "today" for a diary is local. */
export function todayIn(timeZone: string, at = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  } catch {
    return at.toISOString().slice(0, 10);
  }
}

/** A moment as the person reads it, in their zone: "1 Dec 2026, 14:03 CET". */
export function formatDateTime(at: Date | string, timeZone: string): string {
  const moment = typeof at === 'string' ? new Date(at) : at;
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' };
  try {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone }).format(moment);
  } catch {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(moment);
  }
}

/** Every zone this runtime knows, for the time zone picker on /account. */
export function knownTimeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}
