/**
 * Real-time queue and agent statistics of every tenant, folded from the same stored routing
 * events the engine replays (principle 2: the wallboard is a projection of the log, so it can
 * always be recomputed and agrees with reports). Figures follow ARCHITECTURE.md's metric
 * definitions, implemented once in `@switchboard/routing`'s `RoutingStatistics`. A voicemail
 * contact (a message queued for an agent to hear and call back) is not a new inbound call: it is
 * counted like a callback, apart from the callers' figures ({@link asQueueFigure}).
 */
import type { DomainEvent, TenantId } from '@switchboard/kernel';
import {
  RoutingStatistics,
  type AgentFigures,
  type QueueFigures,
  type RoutingEvent,
} from '@switchboard/routing';
import type { RoutingEventListener } from '../contact-flow/tenant-routing-host';
import { isRoutingEvent } from '../contact-flow/routing-journal';

interface TenantFigures {
  readonly statistics: RoutingStatistics;
  /** Agents seen today and their channels; statistics keep logged-out agents' day figures. */
  readonly agents: Map<string, Set<string>>;
}

/** Called after live events changed a tenant's figures. */
export type FiguresChanged = (tenantId: TenantId) => void;

export class StatisticsProjection implements RoutingEventListener {
  private readonly tenants = new Map<TenantId, TenantFigures>();
  private readonly watchers = new Set<FiguresChanged>();

  /** `utcOffsetMinutes` sets where "today" starts (Asia/Shanghai: 480). */
  constructor(private readonly utcOffsetMinutes = 0) {}

  reset(tenantId: TenantId): void {
    this.tenants.set(tenantId, {
      statistics: new RoutingStatistics(this.utcOffsetMinutes * 60_000),
      agents: new Map(),
    });
  }

  fold(tenantId: TenantId, events: readonly DomainEvent[], live: boolean): void {
    const tenant = this.tenants.get(tenantId) ?? (this.reset(tenantId), this.tenants.get(tenantId)!);
    let changed = false;
    for (const event of events) {
      if (!isRoutingEvent(event)) continue;
      tenant.statistics.apply(asQueueFigure(event as RoutingEvent));
      if (event.type === 'AgentLoggedIn') {
        const channels = tenant.agents.get(event.data.agentId) ?? new Set<string>();
        for (const c of event.data.channels) channels.add(c.channel);
        tenant.agents.set(event.data.agentId, channels);
      }
      changed = true;
    }
    if (live && changed) for (const watcher of this.watchers) watcher(tenantId);
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChanged(watcher: FiguresChanged): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Every queue's line at `now`. */
  queues(tenantId: TenantId, now: number): QueueFigures[] {
    const tenant = this.tenants.get(tenantId);
    if (tenant === undefined) return [];
    return tenant.statistics.queueIds().flatMap((id) => tenant.statistics.queue(id, now) ?? []);
  }

  /** Each agent's line per channel at `now`; `agentId` restricts to one agent. */
  agents(tenantId: TenantId, now: number, agentId?: string): AgentFigures[] {
    const tenant = this.tenants.get(tenantId);
    if (tenant === undefined) return [];
    const lines: AgentFigures[] = [];
    for (const [id, channels] of tenant.agents) {
      if (agentId !== undefined && id !== agentId) continue;
      for (const channel of channels) {
        const figures = tenant.statistics.agent(id, channel, now);
        if (figures !== undefined) lines.push(figures);
      }
    }
    return lines;
  }
}

/**
 * The caller who left a voicemail was counted once already: offered where the queue overflowed
 * to voicemail, or in no queue when the flow took the message (after hours). The message's own
 * contact (`attributes.voicemailFor` names the call) waits for the center, not a caller on the
 * line, as a callback does; counting it as inbound would offer the call twice and answer it
 * within seconds. So it is seen as a callback: among the callbacks waiting, never offered.
 */
function asQueueFigure(event: RoutingEvent): RoutingEvent {
  if (event.type !== 'ContactQueued' || event.data.kind !== 'inbound') return event;
  if (typeof event.data.attributes['voicemailFor'] !== 'string') return event;
  return { ...event, data: { ...event.data, kind: 'callback' } };
}
