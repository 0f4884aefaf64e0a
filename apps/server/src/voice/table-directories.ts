/**
 * Entry points and queues read from the routing-configuration tables. Entry points carry no
 * calendar yet (business hours arrive with the calendar editor), so the calendar comes through a
 * {@link BusinessCalendar}; an entry point without a flow is answered by `defaultFlowId`.
 */
import type { Clock, TenantId } from '@switchboard/kernel';
import type { CalendarState } from '@switchboard/ivr';
import type { RoutingConfigRepository } from '../routing-config/routing-config-repository';
import type { EntryPointDirectory, QueueDirectory } from './voice-ports';

/** Business hours of a tenant at an instant. */
export interface BusinessCalendar {
  stateAt(tenantId: TenantId, at: number): CalendarState;
  /** Tenant time-zone offset from UTC in minutes. */
  utcOffsetMinutes(tenantId: TenantId): number;
}

/** Open around the clock in China Standard Time: the behaviour until calendars are configured. */
export const ALWAYS_OPEN: BusinessCalendar = {
  stateAt: () => ({ open: true }),
  utcOffsetMinutes: () => 480,
};

/** Options of {@link tableEntryPoints}. */
export interface TableEntryPointsOptions {
  readonly repository: Pick<RoutingConfigRepository, 'findEntryPointByNumber'>;
  readonly calendar: BusinessCalendar;
  readonly clock: Clock;
  /** Flow answering entry points that name none (the demo hotline: `demo-shop`). */
  readonly defaultFlowId: string;
}

/** Entry points by number from the `entry_points` table. */
export function tableEntryPoints(o: TableEntryPointsOptions): EntryPointDirectory {
  return {
    async find(dialed) {
      const row = await o.repository.findEntryPointByNumber(dialed);
      if (row === undefined) return undefined;
      return {
        tenantId: row.tenantId,
        entryPointId: row.id,
        number: row.number,
        flowId: row.flowId ?? o.defaultFlowId,
        calendar: o.calendar.stateAt(row.tenantId, o.clock.now()),
        utcOffsetMinutes: o.calendar.utcOffsetMinutes(row.tenantId),
      };
    },
  };
}

/** Flow queue names are queue codes of the `queues` table. */
export function tableQueues(repository: Pick<RoutingConfigRepository, 'findQueueByCode'>): QueueDirectory {
  return {
    async queueIdOf(tenantId, queue) {
      return (await repository.findQueueByCode(tenantId, queue))?.id;
    },
  };
}
