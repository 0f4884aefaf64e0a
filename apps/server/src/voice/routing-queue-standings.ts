/**
 * Queue standings from the live state: the place in line from routing's engine (the order it will
 * serve contacts in) and the expected wait from the real-time statistics projection, the same
 * figures the wallboard shows (principle 2), through {@link expectedWaitSeconds}:
 * AHT × position ÷ agents staffed, where
 * - AHT is today's average handle time over the tenant's agents on the queue's channel, weighted by
 *   the contacts each handled (the projection keeps AHT per agent, not per queue), and
 * - agents staffed are the queue's member agents who take calls: ready, reserved, busy or in wrap-up.
 *
 * A contact that requires skills of its own (`requiredSkills`) is served only by the agents who
 * have them, so its figures are its own: the place counts only the contacts ahead that wait for
 * the same agents (routing's `competingQueuePosition`), and the wait is shared among the staffed
 * agents who qualify (`staffedAgentsFor`). When none does, no estimate is given: the caller hears
 * the place in line without a made-up wait.
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
        const contact = e.contact(contactId);
        const queueId = contact?.queueId;
        const gated = contact?.requiredSkills != null;
        return {
          position: e.competingQueuePosition(contactId),
          queueId,
          channel: queueId === undefined ? undefined : e.queueConfig(queueId)?.channel,
          // Only a contact with requirements needs its own count; the others share the queue's.
          qualifiedStaff: gated ? e.staffedAgentsFor(contactId) : undefined,
        };
      });
      if (!read.ok || read.value.position === undefined || read.value.queueId === undefined) return undefined;
      const { position, queueId, channel = 'voice', qualifiedStaff } = read.value;
      const now = clock.now();
      const staffed = qualifiedStaff ?? staffedInQueue(figures.queues(tenantId, now), queueId);
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

/** The queue's agents taking calls, as the wallboard counts them. */
function staffedInQueue(queues: readonly QueueFigures[], queueId: string): number {
  const queue = queues.find((q) => q.queueId === queueId);
  return queue === undefined
    ? 0
    : queue.agents.ready + queue.agents.reserved + queue.agents.busy + queue.agents['wrap-up'];
}
