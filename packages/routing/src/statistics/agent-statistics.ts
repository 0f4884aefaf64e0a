import { evolveAgent } from '../agent/agent-evolve';
import {
  AGENT_STATUSES,
  LOGGED_OUT_AGENT,
  channelStatus,
  type AgentState,
  type AgentStatus,
} from '../agent/agent-state';
import type { RoutingEvent } from '../events';

/** Per agent and channel figures for today. */
export interface AgentFigures {
  readonly agentId: string;
  readonly channel: string;
  readonly status: AgentStatus;
  /** Since when the agent is in `status`. */
  readonly statusSince: number;
  /** Seconds spent in each status today, the current one up to `now`. */
  readonly secondsByStatus: Readonly<Record<AgentStatus, number>>;
  /** Seconds not ready per reason code today (closed spells only). */
  readonly notReadySecondsByReason: Readonly<Record<string, number>>;
  /** Contacts ended today (their talk is over). */
  readonly handled: number;
  /** Average handle time: (talk + hold + wrap-up) / handled, seconds. */
  readonly ahtSeconds: number | null;
  /** Handle time / (handle time + available time), handle = busy (talk + hold) + wrap-up. */
  readonly occupancy: number | null;
}

interface ChannelTally {
  status: AgentStatus;
  since: number;
  reason: string | null;
  readonly ms: Record<AgentStatus, number>;
  readonly notReadyMs: Record<string, number>;
  handled: number;
  handleMs: number;
}

const zeroByStatus = (): Record<AgentStatus, number> =>
  Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as Record<AgentStatus, number>;

/** The agent whose state an event changes, if any. */
export function agentOf(event: RoutingEvent): string | undefined {
  const data = event.data as { agentId?: unknown };
  return typeof data.agentId === 'string' ? data.agentId : undefined;
}

/**
 * Folds events into per-agent status durations, contacts handled, AHT and occupancy. It keeps its
 * own copy of each agent's state (through the same `evolveAgent` the engine uses), so it needs the
 * event log only, never the engine.
 */
export class AgentStatistics {
  private readonly agents = new Map<string, { state: AgentState; channels: Map<string, ChannelTally> }>();
  private readonly answeredAt = new Map<string, number>();
  private readonly wrapUpStart = new Map<string, number>();

  /** Folds one event; returns the status changes it caused, for queue agent counts. */
  apply(
    event: RoutingEvent,
  ): Array<{ agentId: string; channel: string; from: AgentStatus; to: AgentStatus }> {
    const agentId = agentOf(event);
    if (agentId === undefined) return [];
    const at = event.data.at;
    this.trackHandleTime(event, agentId, at);
    const record = this.agents.get(agentId) ?? {
      state: LOGGED_OUT_AGENT,
      channels: new Map<string, ChannelTally>(),
    };
    this.agents.set(agentId, record);
    const before = record.state;
    record.state = evolveAgent(before, event);
    if (record.state === before) return [];
    const changes = [];
    const names = new Set([...before.channels, ...record.state.channels].map((c) => c.channel));
    for (const channel of names) {
      const next = record.state.channels.find((c) => c.channel === channel);
      const to = channelStatus(next);
      const tally = record.channels.get(channel) ?? newTally(at);
      record.channels.set(channel, tally);
      if (to === tally.status && (next?.reason ?? null) === tally.reason) continue;
      close(tally, at);
      changes.push({ agentId, channel, from: tally.status, to });
      tally.status = to;
      tally.reason = next?.reason ?? null;
      tally.since = at;
    }
    return changes;
  }

  figures(agentId: string, channel: string, now: number): AgentFigures | undefined {
    const tally = this.agents.get(agentId)?.channels.get(channel);
    if (tally === undefined) return undefined;
    const ms = { ...tally.ms };
    ms[tally.status] += now - tally.since;
    const handle = ms.busy + ms['wrap-up'];
    const toSeconds = (r: Record<string, number>): Record<string, number> =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v / 1000]));
    return {
      agentId,
      channel,
      status: tally.status,
      statusSince: tally.since,
      secondsByStatus: toSeconds(ms) as Record<AgentStatus, number>,
      notReadySecondsByReason: toSeconds(tally.notReadyMs),
      handled: tally.handled,
      ahtSeconds: tally.handled === 0 ? null : tally.handleMs / 1000 / tally.handled,
      occupancy: handle + ms.ready === 0 ? null : handle / (handle + ms.ready),
    };
  }

  /** Starts a new day: durations and counts restart, current statuses carry over. */
  resetDay(at: number): void {
    for (const record of this.agents.values())
      for (const tally of record.channels.values()) {
        close(tally, at);
        for (const s of AGENT_STATUSES) tally.ms[s] = 0;
        for (const r of Object.keys(tally.notReadyMs)) delete tally.notReadyMs[r];
        tally.handled = 0;
        tally.handleMs = 0;
      }
  }

  agentIds(): string[] {
    return [...this.agents.keys()];
  }

  channelsOf(agentId: string): string[] {
    return [...(this.agents.get(agentId)?.channels.keys() ?? [])];
  }

  queuesOf(agentId: string): readonly string[] {
    return this.agents.get(agentId)?.state.profile.queues ?? [];
  }

  /** Talk + hold runs from answer to end; wrap-up from end to its end. Both count into AHT. */
  private trackHandleTime(event: RoutingEvent, agentId: string, at: number): void {
    const tally = (contactId: string): ChannelTally | undefined => {
      const record = this.agents.get(agentId);
      const channel = record?.state.channels.find((c) => c.items.some((i) => i.contactId === contactId));
      return channel && record?.channels.get(channel.channel);
    };
    if (event.type === 'ContactAnswered') this.answeredAt.set(event.data.contactId, at);
    if (event.type === 'ContactEnded') {
      const t = tally(event.data.contactId);
      const start = this.answeredAt.get(event.data.contactId);
      this.answeredAt.delete(event.data.contactId);
      if (t && start !== undefined) {
        t.handled++;
        t.handleMs += at - start;
      }
      if (event.data.wrapUpUntil === null || event.data.wrapUpUntil > at)
        this.wrapUpStart.set(event.data.contactId, at);
    }
    if (event.type === 'AgentWrapUpEnded') {
      const t = tally(event.data.contactId);
      const start = this.wrapUpStart.get(event.data.contactId);
      this.wrapUpStart.delete(event.data.contactId);
      if (t && start !== undefined) t.handleMs += at - start;
    }
  }
}

function newTally(at: number): ChannelTally {
  return {
    status: 'logged-out',
    since: at,
    reason: null,
    ms: zeroByStatus(),
    notReadyMs: {},
    handled: 0,
    handleMs: 0,
  };
}

function close(tally: ChannelTally, at: number): void {
  const spent = Math.max(0, at - tally.since);
  tally.ms[tally.status] += spent;
  if (tally.status === 'not-ready' && tally.reason !== null)
    tally.notReadyMs[tally.reason] = (tally.notReadyMs[tally.reason] ?? 0) + spent;
  tally.since = at;
}
