/**
 * Queue standings from the live state: the place in line from routing's engine (the order it will
 * serve contacts in) and the expected wait from the real-time statistics projection, the same
 * figures the wallboard shows (principle 2), through {@link expectedWaitSeconds}:
 * AHT × position ÷ agents staffed, where
 * - AHT is today's average handle time over the tenant's agents on the queue's channel, weighted by
 *   the contacts each handled (the projection keeps AHT per agent, not per queue), and
 * - agents staffed are the queue's member agents who take calls: ready, reserved, busy or in wrap-up.
 */
import type { Clock, Rejection, Result, TenantId } from '@switchboard/kernel';
import type { AgentFigures, QueueFigures, RoutingEngine } from '@switchboard/routing';
import { expectedWaitSeconds } from './queue-announcement';
import type { QueueStandings } from './voice-ports';

/** A tenant's routing engine, read in its command lane. */
export interface EngineReader {
  tenant(tenantId: TenantId): Promise<{
    query<T>(read: (engine: RoutingEngine) => T): Promise<Result<T, Rejection>>;
  }>;
}

/** The statistics projection's read side. */
export interface FigureReader {
  queues(tenantId: TenantId, now: number): readonly QueueFigures[];
  agents(tenantId: TenantId, now: number): readonly AgentFigures[];
}

/** Standings from the engine and the projection. */
export function routingQueueStandings(
  host: EngineReader,
  figures: FigureReader,
  clock: Clock,
): QueueStandings {
  return {
    async standingOf(tenantId, contactId) {
      const read = await (
        await host.tenant(tenantId)
      ).query((e) => {
        const queueId = e.contact(contactId)?.queueId;
        return {
          position: e.queuePosition(contactId),
          queueId,
          channel: queueId === undefined ? undefined : e.queueConfig(queueId)?.channel,
        };
      });
      if (!read.ok || read.value.position === undefined || read.value.queueId === undefined) return undefined;
      const { position, queueId, channel = 'voice' } = read.value;
      const now = clock.now();
      const queue = figures.queues(tenantId, now).find((q) => q.queueId === queueId);
      const staffed =
        queue === undefined
          ? 0
          : queue.agents.ready + queue.agents.reserved + queue.agents.busy + queue.agents['wrap-up'];
      let handled = 0;
      let handleSeconds = 0;
      for (const a of figures.agents(tenantId, now))
        if (a.channel === channel && a.handled > 0 && a.ahtSeconds !== null) {
          handled += a.handled;
          handleSeconds += a.ahtSeconds * a.handled;
        }
      const wait = expectedWaitSeconds({
        position,
        ahtSeconds: handled === 0 ? null : handleSeconds / handled,
        staffedAgents: staffed,
      });
      return wait === undefined ? { position } : { position, expectedWaitSeconds: wait };
    },
  };
}
