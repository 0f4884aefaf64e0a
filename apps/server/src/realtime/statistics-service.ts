/**
 * Statistics lines as the API publishes them (`@switchboard/contracts` shapes): the projection's
 * figures with display names of queues and agents.
 */
import type { Clock, TenantId } from '@switchboard/kernel';
import type { AgentStatistics, QueueStatistics, StatisticsSnapshot } from '@switchboard/contracts';
import type { StatisticsProjection } from './statistics-projection';

/** Display names of a tenant's queues and agents (id → name). */
export interface DisplayNames {
  readonly queues: ReadonlyMap<string, string>;
  readonly agents: ReadonlyMap<string, string>;
}

export class StatisticsService {
  constructor(
    private readonly projection: StatisticsProjection,
    private readonly names: (tenantId: TenantId) => Promise<DisplayNames>,
    private readonly clock: Clock,
  ) {}

  /** Queue lines; `only` restricts to some queues (an agent's own). */
  async queues(tenantId: TenantId, only?: readonly string[]): Promise<QueueStatistics[]> {
    const names = await this.names(tenantId);
    return this.projection
      .queues(tenantId, this.clock.now())
      .filter((q) => only === undefined || only.includes(q.queueId))
      .map((q) => ({ ...q, name: names.queues.get(q.queueId) ?? q.queueId }));
  }

  /** Agent lines; `agentId` restricts to one agent (an agent sees only their own). */
  async agents(tenantId: TenantId, agentId?: string): Promise<AgentStatistics[]> {
    const names = await this.names(tenantId);
    return this.projection
      .agents(tenantId, this.clock.now(), agentId)
      .map((a) => ({ ...a, displayName: names.agents.get(a.agentId) ?? a.agentId }));
  }

  /** Everything of a tenant at one instant, for supervisors' wallboards. */
  async snapshot(tenantId: TenantId): Promise<StatisticsSnapshot> {
    const [queues, agents] = await Promise.all([this.queues(tenantId), this.agents(tenantId)]);
    return { at: this.clock.now(), queues, agents };
  }
}
