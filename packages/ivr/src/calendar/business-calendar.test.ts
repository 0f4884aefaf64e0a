import { describe, expect, it } from 'vitest';
import {
  ALWAYS_OPEN_CALENDAR,
  checkCalendar,
  evaluateCalendar,
  isCalendarDate,
  localTimeAt,
  type BusinessCalendar,
} from './business-calendar';

const nineToFive = [{ opens: '09:00', closes: '17:00' }];

/** New York: weekdays 9–17, closed weekends, Independence Day off. */
const newYork: BusinessCalendar = {
  timeZone: 'America/New_York',
  weekly: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive },
  holidays: [{ date: '2026-07-03', name: 'Independence Day (observed)' }],
};

/** Shanghai office hours on weekdays, with a National Day arrangement of holidays and 调休 days. */
const shanghai: BusinessCalendar = {
  timeZone: 'Asia/Shanghai',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ opens: '09:00', closes: '18:00' }]]),
  ),
  holidays: [
    { date: '2026-10-01', name: '国庆节' },
    { date: '2026-10-02', name: '国庆节', hours: [{ opens: '10:00', closes: '16:00' }] },
  ],
  workingDays: [
    { date: '2026-09-27', name: '国庆调休' },
    { date: '2026-10-10', name: '国庆调休', hours: [{ opens: '10:00', closes: '15:00' }] },
  ],
};

describe('local wall time of an instant', () => {
  it('reads Shanghai as UTC+8 all year', () => {
    expect(localTimeAt('Asia/Shanghai', Date.UTC(2026, 10, 23, 14, 30))).toEqual({
      date: '2026-11-23',
      weekday: 'mon',
      minuteOfDay: 22 * 60 + 30,
      utcOffsetMinutes: 480,
    });
  });

  it('follows New York across both daylight-saving changes of 2026', () => {
    // EST (−5) until 2026-03-08 07:00 UTC, EDT (−4) until 2026-11-01 06:00 UTC.
    expect(localTimeAt('America/New_York', Date.UTC(2026, 2, 8, 6, 59)).utcOffsetMinutes).toBe(-300);
    expect(localTimeAt('America/New_York', Date.UTC(2026, 2, 8, 7, 0))).toMatchObject({
      date: '2026-03-08',
      minuteOfDay: 3 * 60,
      utcOffsetMinutes: -240,
    });
    expect(localTimeAt('America/New_York', Date.UTC(2026, 10, 1, 5, 59)).utcOffsetMinutes).toBe(-240);
    expect(localTimeAt('America/New_York', Date.UTC(2026, 10, 1, 6, 0))).toMatchObject({
      minuteOfDay: 60,
      utcOffsetMinutes: -300,
    });
  });
});

describe('business hours', () => {
  it('opens at 09:00 local in New York in winter and in summer alike', () => {
    // Monday 2026-01-05: 09:00 EST is 14:00 UTC.
    expect(evaluateCalendar(newYork, Date.UTC(2026, 0, 5, 13, 59)).open).toBe(false);
    expect(evaluateCalendar(newYork, Date.UTC(2026, 0, 5, 14, 0)).open).toBe(true);
    // Monday 2026-07-06: 09:00 EDT is 13:00 UTC.
    expect(evaluateCalendar(newYork, Date.UTC(2026, 6, 6, 12, 59)).open).toBe(false);
    expect(evaluateCalendar(newYork, Date.UTC(2026, 6, 6, 13, 0)).open).toBe(true);
    // 17:00 is closed: intervals are half-open.
    expect(evaluateCalendar(newYork, Date.UTC(2026, 6, 6, 21, 0)).open).toBe(false);
  });

  it('keeps hours right on the Monday after each change', () => {
    // 2026-03-09 (EDT): 16:59 local = 20:59 UTC open; 2026-11-02 (EST): 08:59 local = 13:59 UTC closed.
    expect(evaluateCalendar(newYork, Date.UTC(2026, 2, 9, 20, 59)).open).toBe(true);
    expect(evaluateCalendar(newYork, Date.UTC(2026, 10, 2, 13, 59)).open).toBe(false);
    expect(evaluateCalendar(newYork, Date.UTC(2026, 10, 2, 14, 0)).open).toBe(true);
  });

  it('is closed at the weekend and on a holiday, and says which', () => {
    const saturday = evaluateCalendar(newYork, Date.UTC(2026, 6, 4, 15, 0));
    expect(saturday).toMatchObject({ open: false, reason: 'weekly-hours' });
    const observed = evaluateCalendar(newYork, Date.UTC(2026, 6, 3, 15, 0));
    expect(observed).toMatchObject({
      open: false,
      holiday: true,
      reason: 'holiday',
      dayName: 'Independence Day (observed)',
    });
  });

  it('uses the local date, not the UTC date, to find a holiday', () => {
    // 2026-10-01 00:30 in Shanghai is still 2026-09-30 in UTC.
    const e = evaluateCalendar(shanghai, Date.UTC(2026, 8, 30, 16, 30));
    expect(e.local.date).toBe('2026-10-01');
    expect(e.holiday).toBe(true);
  });

  it('opens a holiday that has its own hours, flagged as a holiday', () => {
    expect(evaluateCalendar(shanghai, Date.UTC(2026, 9, 2, 3, 0))).toMatchObject({
      open: true,
      holiday: true,
    });
    expect(evaluateCalendar(shanghai, Date.UTC(2026, 9, 2, 9, 0))).toMatchObject({
      open: false,
      holiday: true,
    });
  });

  it('works a 调休 Sunday with the weekday hours, or with its own', () => {
    // Sunday 2026-09-27 10:00 Shanghai = 02:00 UTC: open on Monday's hours until 18:00.
    expect(evaluateCalendar(shanghai, Date.UTC(2026, 8, 27, 2, 0))).toMatchObject({
      open: true,
      reason: 'working-day',
      dayName: '国庆调休',
    });
    expect(evaluateCalendar(shanghai, Date.UTC(2026, 8, 27, 10, 0)).open).toBe(false);
    // The Sunday before is closed.
    expect(evaluateCalendar(shanghai, Date.UTC(2026, 8, 20, 2, 0)).open).toBe(false);
    // Saturday 2026-10-10 works 10:00–15:00 only.
    expect(evaluateCalendar(shanghai, Date.UTC(2026, 9, 10, 6, 59)).open).toBe(true);
    expect(evaluateCalendar(shanghai, Date.UTC(2026, 9, 10, 7, 0)).open).toBe(false);
  });

  it('is open around the clock without a calendar', () => {
    for (const hour of [0, 7, 15, 23])
      expect(evaluateCalendar(ALWAYS_OPEN_CALENDAR, Date.UTC(2026, 0, 1, hour, 59)).open).toBe(true);
  });
});

describe('calendar checks', () => {
  it('accepts a well-formed calendar', () => {
    expect(checkCalendar(shanghai)).toEqual([]);
    expect(checkCalendar(newYork)).toEqual([]);
  });

  it('names each bad field', () => {
    const issues = checkCalendar({
      timeZone: 'Mars/Olympus',
      weekly: { mon: [{ opens: '9:00', closes: '17:00' }], tue: [{ opens: '18:00', closes: '09:00' }] },
      holidays: [{ date: '2026-02-30' }],
    });
    expect(issues).toEqual([
      "timeZone: 'Mars/Olympus' is not an IANA time zone",
      "weekly.mon[0].opens: expected HH:MM, got '9:00'",
      'weekly.tue[0]: closes (09:00) must be after opens (18:00)',
      "holidays[0].date: expected YYYY-MM-DD, got '2026-02-30'",
    ]);
  });

  it('knows real dates', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-1-01')).toBe(false);
  });
});
