/**
 * Business calendars (营业时间): weekly opening hours in the tenant's IANA time zone, holidays
 * (dates closed, or open with their own hours) and special working days (调休: a weekend date that
 * is worked to make up for a holiday, the way Chinese public holidays are arranged).
 *
 * Evaluation is pure: the caller passes the instant, and local wall time comes from
 * `Intl.DateTimeFormat` with the calendar's time zone, so daylight-saving changes (a New York
 * tenant) are handled by the platform's time-zone database, not by a fixed offset.
 *
 * Precedence for one local date: a special working day, else a holiday, else the weekly hours of
 * that weekday. A special working day without its own hours works the hours of the first weekday
 * (Monday to Friday) that has hours — a 调休 Saturday is "a Monday".
 */
import type { CalendarState } from '../flow/predicate';

/** ISO weekday names, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One opening interval of a day, local wall time `HH:MM`; `closes` may be `24:00`. */
export interface OpeningHours {
  readonly opens: string;
  readonly closes: string;
}

/** A dated exception: a holiday or a special working day. */
export interface CalendarDate {
  /** Local date, `YYYY-MM-DD`. */
  readonly date: string;
  readonly name?: string;
  /** Hours on that date; a holiday without hours is closed all day. */
  readonly hours?: readonly OpeningHours[];
}

/** A tenant's business calendar. */
export interface BusinessCalendar {
  /** IANA time zone, e.g. `Asia/Shanghai`, `America/New_York`. */
  readonly timeZone: string;
  /** Opening hours per weekday; a weekday without entries is closed. */
  readonly weekly: Readonly<Partial<Record<Weekday, readonly OpeningHours[]>>>;
  readonly holidays?: readonly CalendarDate[];
  /** 调休: dates worked although the weekly hours say closed (usually a Saturday or Sunday). */
  readonly workingDays?: readonly CalendarDate[];
}

/** Local wall time of an instant in a time zone. */
export interface LocalTime {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly weekday: Weekday;
  /** Minutes since local midnight, 0–1439. */
  readonly minuteOfDay: number;
  /** Offset from UTC in minutes at that instant (Shanghai 480, New York −300 or −240). */
  readonly utcOffsetMinutes: number;
}

/** Why the calendar says what it says, for the call timeline. */
export type CalendarReason = 'weekly-hours' | 'holiday' | 'working-day';

/** The calendar at one instant: the IVR's {@link CalendarState} plus where it came from. */
export interface CalendarEvaluation extends CalendarState {
  readonly local: LocalTime;
  readonly reason: CalendarReason;
  /** The holiday or working day's name, when the date has one. */
  readonly dayName?: string;
}

/** Open around the clock in China Standard Time: the calendar of an entry point that names none. */
export const ALWAYS_OPEN_CALENDAR: BusinessCalendar = {
  timeZone: 'Asia/Shanghai',
  weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ opens: '00:00', closes: '24:00' }]])),
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building them is far slower than formatting with them. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the platform knows `timeZone` as an IANA zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const WEEKDAY_OF_SHORT: Readonly<Record<string, Weekday>> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

/** Local wall time of `at` (epoch ms) in `timeZone`; throws a `RangeError` for an unknown zone. */
export function localTimeAt(timeZone: string, at: number): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const [y, mo, d, h, mi, s] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((k) =>
    Number(parts[k]),
  ) as [number, number, number, number, number, number];
  // The wall clock read as if it were UTC, minus the instant, is the zone's offset then.
  const wallAsUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const utcOffsetMinutes = Math.round((wallAsUtc - Math.floor(at / 1000) * 1000) / 60_000);
  return {
    date: `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    weekday: WEEKDAY_OF_SHORT[parts.weekday ?? ''] ?? 'mon',
    minuteOfDay: h * 60 + mi,
    utcOffsetMinutes,
  };
}

/** `HH:MM` → minutes since midnight (`24:00` → 1440), or `undefined` when malformed. */
export function parseClockTime(text: string): number | undefined {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (m === null) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 1440 ? minutes : undefined;
}

function within(hours: readonly OpeningHours[], minuteOfDay: number): boolean {
  return hours.some((h) => {
    const opens = parseClockTime(h.opens);
    const closes = parseClockTime(h.closes);
    return opens !== undefined && closes !== undefined && minuteOfDay >= opens && minuteOfDay < closes;
  });
}

/** The hours a special working day without its own hours works: the first weekday's with hours. */
function workdayHours(calendar: BusinessCalendar): readonly OpeningHours[] {
  for (const day of WEEKDAYS.slice(0, 5)) {
    const hours = calendar.weekly[day];
    if (hours !== undefined && hours.length > 0) return hours;
  }
  return [];
}

/** Whether the centre is open at `at` (epoch ms) by `calendar`, and why. */
export function evaluateCalendar(calendar: BusinessCalendar, at: number): CalendarEvaluation {
  const local = localTimeAt(calendar.timeZone, at);
  const working = calendar.workingDays?.find((d) => d.date === local.date);
  if (working !== undefined) {
    const open = within(working.hours ?? workdayHours(calendar), local.minuteOfDay);
    return withName({ open, local, reason: 'working-day' }, working);
  }
  const holiday = calendar.holidays?.find((d) => d.date === local.date);
  if (holiday !== undefined) {
    const open = within(holiday.hours ?? [], local.minuteOfDay);
    return withName({ open, holiday: true, local, reason: 'holiday' }, holiday);
  }
  const open = within(calendar.weekly[local.weekday] ?? [], local.minuteOfDay);
  return { open, local, reason: 'weekly-hours' };
}

function withName(e: CalendarEvaluation, day: CalendarDate): CalendarEvaluation {
  return day.name === undefined ? e : { ...e, dayName: day.name };
}

/**
 * What is wrong with a calendar, one message per problem naming the field (`weekly.mon[0].closes`);
 * empty when it is usable.
 */
export function checkCalendar(calendar: BusinessCalendar): string[] {
  const issues: string[] = [];
  if (!isTimeZone(calendar.timeZone))
    issues.push(`timeZone: '${calendar.timeZone}' is not an IANA time zone`);
  const checkHours = (path: string, hours: readonly OpeningHours[]) =>
    hours.forEach((h, i) => {
      const opens = parseClockTime(h.opens);
      const closes = parseClockTime(h.closes);
      if (opens === undefined || opens >= 1440)
        issues.push(`${path}[${i}].opens: expected HH:MM, got '${h.opens}'`);
      if (closes === undefined) issues.push(`${path}[${i}].closes: expected HH:MM, got '${h.closes}'`);
      if (opens !== undefined && closes !== undefined && closes <= opens)
        issues.push(`${path}[${i}]: closes (${h.closes}) must be after opens (${h.opens})`);
    });
  for (const [day, hours] of Object.entries(calendar.weekly)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) issues.push(`weekly.${day}: not a weekday (mon–sun)`);
    else checkHours(`weekly.${day}`, hours ?? []);
  }
  const checkDates = (field: 'holidays' | 'workingDays') =>
    (calendar[field] ?? []).forEach((d, i) => {
      if (!isCalendarDate(d.date)) issues.push(`${field}[${i}].date: expected YYYY-MM-DD, got '${d.date}'`);
      if (d.hours !== undefined) checkHours(`${field}[${i}].hours`, d.hours);
    });
  checkDates('holidays');
  checkDates('workingDays');
  return issues;
}

/** A real `YYYY-MM-DD` date (no 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}
