/**
 * Entry points, their business calendars and queues read from the routing-configuration tables.
 * Each call evaluates the entry point's calendar at the clock's now, in the calendar's time zone
 * (`evaluateCalendar` of `@switchboard/ivr`); an entry point without a calendar is open around
 * the clock, and one without a flow is answered by `defaultFlowId`.
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

/** Calendars from the `business_calendars` tables, by the calendar each entry point names. */
export function tableCalendars(
  repository: Pick<BusinessCalendarRepository, 'findForEntryPoint'>,
): CalendarSource {
  return { calendarOf: (_tenantId, entryPointId) => repository.findForEntryPoint(entryPointId) };
}

/** Options of {@link tableEntryPoints}. */
export interface TableEntryPointsOptions {
  readonly repository: Pick<RoutingConfigRepository, 'findEntryPointByNumber'>;
  readonly calendars: CalendarSource;
  readonly clock: Clock;
  /** Flow answering entry points that name none (the demo hotline: `demo-shop`). */
  readonly defaultFlowId: string;
}

/** Entry points by number from the `entry_points` table, with their calendar's state now. */
export function tableEntryPoints(o: TableEntryPointsOptions): EntryPointDirectory {
  return {
    async find(dialed) {
      const row = await o.repository.findEntryPointByNumber(dialed);
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
