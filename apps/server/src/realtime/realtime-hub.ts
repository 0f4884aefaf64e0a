/**
 * The fan-out of stored events and statistics to WebSocket clients of this node, by tenant:
 * agents get the events naming them (their state, their offers, their contacts); supervisors and
 * admins get every event of the tenant and statistics snapshots — on change, at most one per
 * `minGapMs`, and at least every `intervalMs` (waits grow while nothing happens). Screen pops go to
 * the rung agent's connections alone: they carry a customer's record, which only that agent needs
 * to see unaudited. Publishing only queues messages on each connection, so the routing host never
 * waits for a client.
 * On several nodes the hub will also read the tenant's Redis stream instead of only local appends.
 */
import type { Clock, DomainEvent, TenantId, TimerHandle, Timers } from '@switchboard/kernel';
import type { RealtimeScope, ScreenPopMessage, ServerMessage } from '@switchboard/contracts';
import type { RoutingEventListener } from '../contact-flow/tenant-routing-host';
import type { ClientConnection } from './client-connection';
import { agentOfEvent, toEventMessage } from './outside-events';
import type { StatisticsService } from './statistics-service';

/** One connected client. */
export interface Subscriber {
  readonly scope: RealtimeScope;
  readonly userId: string;
  readonly connection: Pick<ClientConnection, 'send' | 'sendText'>;
}

/** Options of {@link RealtimeHub}. */
export interface RealtimeHubOptions {
  readonly statistics: Pick<StatisticsService, 'snapshot'>;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: { error(obj: object, msg: string): void };
  /** Longest pause between snapshots; default 5 s. */
  readonly intervalMs?: number;
  /** Shortest pause between snapshots however busy the tenant; default 1 s. */
  readonly minGapMs?: number;
}

interface TenantChannel {
  readonly subscribers: Set<Subscriber>;
  timer: TimerHandle | undefined;
  dueAt: number;
  lastSentAt: number;
}

export class RealtimeHub implements RoutingEventListener {
  private readonly tenants = new Map<TenantId, TenantChannel>();
  private readonly intervalMs: number;
  private readonly minGapMs: number;

  constructor(private readonly options: RealtimeHubOptions) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.minGapMs = options.minGapMs ?? 1_000;
  }

  /** Seconds between periodic snapshots, as announced in `hello`. */
  get intervalSeconds(): number {
    return this.intervalMs / 1000;
  }

  /** Adds a client; supervisors get a snapshot at once. Returns the unsubscribe function. */
  subscribe(tenantId: TenantId, subscriber: Subscriber): () => void {
    const channel = this.tenants.get(tenantId) ?? {
      subscribers: new Set(),
      timer: undefined,
      dueAt: Infinity,
      lastSentAt: -Infinity,
    };
    this.tenants.set(tenantId, channel);
    channel.subscribers.add(subscriber);
    if (subscriber.scope === 'tenant') void this.sendSnapshot(tenantId, [subscriber]);
    return () => {
      channel.subscribers.delete(subscriber);
      if (channel.subscribers.size > 0) return;
      if (channel.timer !== undefined) this.options.timers.clear(channel.timer);
      this.tenants.delete(tenantId);
    };
  }

  reset(): void {
    // Clients only ever saw stored events, and a rebuild replays exactly those: nothing to retract.
  }

  fold(tenantId: TenantId, events: readonly DomainEvent[], live: boolean): void {
    const channel = this.tenants.get(tenantId);
    if (!live || channel === undefined) return;
    for (const event of events) {
      const message = toEventMessage(event);
      if (message === undefined) continue;
      const text = JSON.stringify(message);
      const agentId = agentOfEvent(event);
      for (const s of channel.subscribers)
        if (s.scope === 'tenant' || s.userId === agentId) s.connection.sendText(text);
    }
    this.scheduleSnapshot(tenantId, Math.max(this.options.clock.now(), channel.lastSentAt + this.minGapMs));
  }

  /**
   * Pushes a stored event that does not come through routing (a call action's outcome) to the
   * tenant's supervisors and admins and to the connections of `agents`, nobody else: a supervisor
   * listening in is an event the monitored agent never receives.
   */
  publishEvent(tenantId: TenantId, event: DomainEvent, agents: readonly string[]): void {
    const channel = this.tenants.get(tenantId);
    const message = toEventMessage(event);
    if (channel === undefined || message === undefined) return;
    const text = JSON.stringify(message);
    for (const s of channel.subscribers)
      if (s.scope === 'tenant' || agents.includes(s.userId)) s.connection.sendText(text);
  }

  /** Sends a screen pop to the connections of `message.agentId` in the tenant, and nobody else. */
  publishScreenPop(tenantId: TenantId, message: ScreenPopMessage): void {
    const channel = this.tenants.get(tenantId);
    if (channel === undefined) return;
    const text = JSON.stringify(message);
    for (const s of channel.subscribers) if (s.userId === message.agentId) s.connection.sendText(text);
  }

  /** Clears every timer (shutdown). */
  stop(): void {
    for (const channel of this.tenants.values())
      if (channel.timer !== undefined) this.options.timers.clear(channel.timer);
    this.tenants.clear();
  }

  private supervisors(tenantId: TenantId): Subscriber[] {
    return [...(this.tenants.get(tenantId)?.subscribers ?? [])].filter((s) => s.scope === 'tenant');
  }

  private scheduleSnapshot(tenantId: TenantId, at: number): void {
    const channel = this.tenants.get(tenantId);
    if (channel === undefined || this.supervisors(tenantId).length === 0 || channel.dueAt <= at) return;
    if (channel.timer !== undefined) this.options.timers.clear(channel.timer);
    channel.dueAt = at;
    channel.timer = this.options.timers.set(Math.max(0, at - this.options.clock.now()), () => {
      channel.timer = undefined;
      channel.dueAt = Infinity;
      void this.sendSnapshot(tenantId, this.supervisors(tenantId));
    });
  }

  private async sendSnapshot(tenantId: TenantId, to: readonly Subscriber[]): Promise<void> {
    const channel = this.tenants.get(tenantId);
    if (channel === undefined || to.length === 0) return;
    channel.lastSentAt = this.options.clock.now();
    try {
      const message: ServerMessage = {
        type: 'statistics',
        snapshot: await this.options.statistics.snapshot(tenantId),
      };
      const text = JSON.stringify(message);
      for (const s of to) s.connection.sendText(text);
    } catch (error) {
      this.options.logger.error({ err: error, tenantId }, 'statistics snapshot failed');
    }
    this.scheduleSnapshot(tenantId, channel.lastSentAt + this.intervalMs);
  }
}
