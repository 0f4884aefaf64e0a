/**
 * Entry points, their business calendars and queues read from the routing-configuration tables.
 * Each call evaluates the entry point's calendar at the clock's now, in the calendar's time zone
 * (`evaluateCalendar` of `@switchboard/ivr`); an entry point without a calendar is open around
 * the clock, and one without a flow is answered by `defaultFlowId`. The live server reuses the rows
 * it read for {@link CONFIGURATION_TTL_MS}, so a burst of calls does not read them again each time.
 */
import { ALWAYS_OPEN_CALENDAR, evaluateCalendar, type BusinessCalendar } from '@switchboard/ivr';
import type { Clock, TenantId } from '@switchboard/kernel';
import type { BusinessCalendarRepository } from '../routing-config/business-calendar-repository';
import type { QueuePolicy } from '../routing-config/queue-policy';
import type { QueuePolicyRepository } from '../routing-config/queue-policy-repository';
import type { RoutingConfigRepository } from '../routing-config/routing-config-repository';
import type { CalendarSource, EntryPointDirectory, QueueDirectory, QueueSettings } from './voice-ports';

/** Every entry point open around the clock (tests and installations without calendars). */
export const ALWAYS_OPEN: CalendarSource = { calendarOf: async () => undefined };

/** One calendar for every entry point (tests). */
export function fixedCalendar(calendar: BusinessCalendar): CalendarSource {
  return { calendarOf: async () => calendar };
}

/**
 * How long the call path trusts configuration it has read (entry points, calendars): a change
 * reaches new calls within this. Reading them for every call cost five queries of the main
 * thread's time per call; configuration changes are rare and planned (a holiday is entered days
 * ahead), so ten seconds of delay buys them back.
 */
export const CONFIGURATION_TTL_MS = 10_000;

/** Calendars from the `business_calendars` tables, by the calendar each entry point names. */
export function tableCalendars(
  repository: Pick<BusinessCalendarRepository, 'findForEntryPoint'>,
  /** How long an entry point's calendar is reused, on `clock`'s time; none reads it for every call. */
  remember?: { readonly clock: Clock; readonly rememberMs: number },
): CalendarSource {
  // Wrapped, so that "this entry point follows no calendar" is remembered too.
  const read = async (entryPointId: string) => ({
    calendar: await repository.findForEntryPoint(entryPointId),
  });
  const find =
    remember === undefined
      ? read
      : rememberedFor(read, { clock: remember.clock, ttlMs: remember.rememberMs });
  return { calendarOf: async (_tenantId, entryPointId) => (await find(entryPointId)).calendar };
}

/** Options of {@link rememberedFor}. */
export interface RememberOptions<V> {
  readonly clock: Clock;
  /** How long an answer is reused; 0 asks the source every time. */
  readonly ttlMs: number;
  /** Which answers are kept; the others are asked again next time. Default: all. */
  readonly keep?: (value: V) => boolean;
}

/** Keys remembered at most: far more than a node's entry points; started over when full. */
const MAX_REMEMBERED = 4_096;

/**
 * A look-up whose answers are reused for `ttlMs`: asks made while a load is on its way share it
 * (a burst of calls to one hotline costs one read), and a failed load is forgotten, so the next
 * ask tries again.
 */
export function rememberedFor<V>(
  load: (key: string) => Promise<V>,
  o: RememberOptions<V>,
): (key: string) => Promise<V> {
  if (o.ttlMs <= 0) return load;
  const answers = new Map<string, { readonly until: number; readonly value: Promise<V> }>();
  const forget = (key: string, value: Promise<V>) => {
    if (answers.get(key)?.value === value) answers.delete(key);
  };
  return (key) => {
    const now = o.clock.now();
    const known = answers.get(key);
    if (known !== undefined && now < known.until) return known.value;
    const value = load(key);
    if (answers.size >= MAX_REMEMBERED) answers.clear();
    answers.set(key, { until: now + o.ttlMs, value });
    value.then(
      (v) => {
        if (o.keep !== undefined && !o.keep(v)) forget(key, value);
      },
      () => forget(key, value),
    );
    return value;
  };
}

/** Options of {@link tableEntryPoints}. */
export interface TableEntryPointsOptions {
  readonly repository: Pick<RoutingConfigRepository, 'findEntryPointByNumber'>;
  readonly calendars: CalendarSource;
  readonly clock: Clock;
  /** Flow answering entry points that name none (the demo hotline: `demo-shop`). */
  readonly defaultFlowId: string;
  /**
   * How long an entry point read is reused for later calls to its number; 0 (the default) reads
   * it for every call. Numbers no tenant owns are always read again, so a scan of random
   * numbers fills nothing.
   */
  readonly rememberMs?: number;
}

/** Entry points by number from the `entry_points` table, with their calendar's state now. */
export function tableEntryPoints(o: TableEntryPointsOptions): EntryPointDirectory {
  const entryPoint = rememberedFor((number) => o.repository.findEntryPointByNumber(number), {
    clock: o.clock,
    ttlMs: o.rememberMs ?? 0,
    keep: (row) => row !== undefined,
  });
  return {
    async find(dialed) {
      const row = await entryPoint(dialed);
      if (row === undefined) return undefined;
      const calendar = (await o.calendars.calendarOf(row.tenantId, row.id)) ?? ALWAYS_OPEN_CALENDAR;
      const state = evaluateCalendar(calendar, o.clock.now());
      return {
        tenantId: row.tenantId,
        entryPointId: row.id,
        number: row.number,
        flowId: row.flowId ?? o.defaultFlowId,
        calendar: { open: state.open, holiday: state.holiday === true },
        utcOffsetMinutes: state.local.utcOffsetMinutes,
      };
    },
  };
}

/** What a waiting caller hears, from a queue's stored policy. */
export function queueSettingsOf(policy: QueuePolicy): QueueSettings {
  return {
    announceEverySeconds: policy.announcements.everySeconds,
    comfortDelaySeconds: policy.announcements.comfortDelaySeconds,
    offerCallback: policy.announcements.offerCallback,
    voicemailMaxSeconds: policy.voicemailMaxSeconds,
    recordCalls: policy.recordCalls,
  };
}

/** Flow queue names are queue codes of the `queues` table; settings come from `queue_policies`. */
export function tableQueues(
  repository: Pick<RoutingConfigRepository, 'findQueueByCode'>,
  policies: Pick<QueuePolicyRepository, 'find'>,
): QueueDirectory {
  return {
    async queueIdOf(tenantId: TenantId, queue: string) {
      return (await repository.findQueueByCode(tenantId, queue))?.id;
    },
    async settingsOf(tenantId: TenantId, queueId: string) {
      return queueSettingsOf(await policies.find(tenantId, queueId));
    },
  };
}
