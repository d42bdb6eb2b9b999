import { Strings } from '../strings';

/** Points as organisers write them: whole numbers plain, averaged ties with up to two decimals. */
export function points(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}

/** "3 minutes ago" for the time since `at`. */
export function ago(t: Strings, at: Date, now = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - at.getTime()) / 60_000));
  if (minutes < 1) return t.ago.now;
  if (minutes < 60) return t.ago.minutes(minutes);
  if (minutes < 24 * 60) return t.ago.hours(Math.floor(minutes / 60));
  return t.ago.days(Math.floor(minutes / (24 * 60)));
}

/** The absolute time in the series' zone, e.g. "1 Dec 2026, 14:32 GMT". */
export function absolute(t: Strings, at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(t.lang, {
    timeZone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
  }).format(at);
}

/** A race day (YYYY-MM-DD, no zone) as "14 Mar 2026". */
export function day(t: Strings, date: string): string {
  return new Intl.DateTimeFormat(t.lang, { timeZone: 'UTC', dateStyle: 'medium' }).format(new Date(`${date}T00:00:00Z`));
}
