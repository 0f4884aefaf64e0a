import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '@switchboard/ivr';
import type { TenantId } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { ALWAYS_OPEN, fixedCalendar, tableEntryPoints } from './table-directories';

const repository = {
  findEntryPointByNumber: async (number: string) =>
    number === '8005550100'
      ? { id: 'ep-1', number, name: 'US line', flowId: 'us', tenantId: 't-us' as TenantId }
      : undefined,
};

/** A New York tenant open 09:00–17:00 on weekdays. */
const newYork: BusinessCalendar = {
  timeZone: 'America/New_York',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ opens: '09:00', closes: '17:00' }]]),
  ),
};

describe('entry points with their calendar', () => {
  it('evaluates the calendar at the clock, in the tenant zone, across daylight saving', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 2, 6, 14, 30)); // Friday 09:30 EST
    const entries = tableEntryPoints({
      repository,
      calendars: fixedCalendar(newYork),
      clock,
      defaultFlowId: 'x',
    });
    expect(await entries.find('8005550100')).toMatchObject({
      tenantId: 't-us',
      flowId: 'us',
      calendar: { open: true, holiday: false },
      utcOffsetMinutes: -300,
    });
    clock.advanceTo(Date.UTC(2026, 2, 9, 13, 30)); // Monday 09:30 EDT
    expect(await entries.find('8005550100')).toMatchObject({
      calendar: { open: true },
      utcOffsetMinutes: -240,
    });
    clock.advanceTo(Date.UTC(2026, 2, 9, 21, 30)); // Monday 17:30 EDT
    expect((await entries.find('8005550100'))?.calendar.open).toBe(false);
  });

  it('is open around the clock in China time when the entry point names no calendar', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 23, 19, 0));
    const entries = tableEntryPoints({ repository, calendars: ALWAYS_OPEN, clock, defaultFlowId: 'x' });
    expect(await entries.find('8005550100')).toMatchObject({
      calendar: { open: true },
      utcOffsetMinutes: 480,
    });
    expect(await entries.find('4000000000')).toBeUndefined();
  });
});
