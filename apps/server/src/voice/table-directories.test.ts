import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '@switchboard/ivr';
import type { TenantId } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import {
  ALWAYS_OPEN,
  CONFIGURATION_TTL_MS,
  fixedCalendar,
  rememberedFor,
  tableCalendars,
  tableEntryPoints,
} from './table-directories';

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

describe('configuration the call path remembers', () => {
  /** A source that counts its reads and answers what `answers` holds now. */
  const counting = <V>(answers: Map<string, V>) => {
    const reads: string[] = [];
    return {
      reads,
      load: async (key: string) => {
        reads.push(key);
        return answers.get(key);
      },
    };
  };

  it('reads once per key while the answer is fresh, and again after it ages', async () => {
    const clock = new VirtualClock(0);
    const answers = new Map([['a', 1]]);
    const source = counting(answers);
    const find = rememberedFor(source.load, { clock, ttlMs: 1_000 });
    expect(await find('a')).toBe(1);
    answers.set('a', 2);
    clock.advance(999);
    expect(await find('a')).toBe(1);
    clock.advance(1);
    expect(await find('a')).toBe(2);
    expect(source.reads).toEqual(['a', 'a']);
  });

  it('shares one read among the asks made while it is on its way', async () => {
    const clock = new VirtualClock(0);
    const source = counting(new Map([['hotline', 'ep-1']]));
    const find = rememberedFor(source.load, { clock, ttlMs: 1_000 });
    const burst = await Promise.all(Array.from({ length: 50 }, () => find('hotline')));
    expect(new Set(burst)).toEqual(new Set(['ep-1']));
    expect(source.reads).toHaveLength(1);
  });

  it('asks again after a failed read, and for answers it is told not to keep', async () => {
    const clock = new VirtualClock(0);
    let fail = true;
    let reads = 0;
    const find = rememberedFor(
      async (key: string) => {
        reads++;
        if (fail) throw new Error('database unavailable');
        return key === 'known' ? key : undefined;
      },
      { clock, ttlMs: 1_000, keep: (v) => v !== undefined },
    );
    await expect(find('known')).rejects.toThrow('database unavailable');
    fail = false;
    expect(await find('known')).toBe('known');
    expect(await find('known')).toBe('known');
    expect(await find('unknown')).toBeUndefined();
    expect(await find('unknown')).toBeUndefined();
    expect(reads).toBe(4);
  });

  it('reads every time with a zero lifetime', async () => {
    const source = counting(new Map([['a', 1]]));
    const find = rememberedFor(source.load, { clock: new VirtualClock(0), ttlMs: 0 });
    await find('a');
    await find('a');
    expect(source.reads).toHaveLength(2);
  });

  it('serves entry points and their calendars from memory for the configured time', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 2, 6, 14, 30)); // Friday 09:30 EST
    let entryReads = 0;
    const calendarReads: string[] = [];
    const calendarOf = new Map<string, BusinessCalendar | undefined>([['ep-1', newYork]]);
    const entries = tableEntryPoints({
      repository: {
        findEntryPointByNumber: async (number) => {
          entryReads++;
          return repository.findEntryPointByNumber(number);
        },
      },
      calendars: tableCalendars(
        {
          findForEntryPoint: async (id) => {
            calendarReads.push(id);
            return calendarOf.get(id);
          },
        },
        { clock, rememberMs: CONFIGURATION_TTL_MS },
      ),
      clock,
      defaultFlowId: 'x',
      rememberMs: CONFIGURATION_TTL_MS,
    });
    for (let call = 0; call < 20; call++)
      expect((await entries.find('8005550100'))?.calendar.open).toBe(true);
    expect(entryReads).toBe(1);
    expect(calendarReads).toEqual(['ep-1']);
    // The calendar is still evaluated at each call's time: 17:30 is closed, read or not.
    clock.advance(8 * 3_600_000);
    expect((await entries.find('8005550100'))?.calendar.open).toBe(false);
    // A number nobody owns is asked about again each time.
    await entries.find('4000000000');
    await entries.find('4000000000');
    expect(entryReads).toBe(4);
    // A calendar taken off the entry point reaches calls once the remembered one has aged.
    calendarOf.set('ep-1', undefined);
    clock.advance(CONFIGURATION_TTL_MS);
    clock.advanceTo(Date.UTC(2026, 2, 8, 5, 0)); // Sunday, 00:00 in New York
    expect((await entries.find('8005550100'))?.calendar.open).toBe(true);
    expect(calendarReads).toEqual(['ep-1', 'ep-1', 'ep-1']);
  });
});
