/**
 * Runs one tenant's routing engine (ARCHITECTURE.md, "The life of an inbound call", step 3):
 *
 * ```
 *   command ──▶ lane ──▶ engine.execute ──▶ append events ──ok──▶ listeners ──▶ effects ──▶ re-arm timer
 *                                               │
 *                                               └─fail──▶ discard engine, rebuild from the log
 *   timer ───▶ lane ──▶ engine.tick ────────▶ (same path)
 * ```
 *
 * Consistency of events and engine state: the engine decides and applies in one synchronous step
 * (`execute`), so there is no copy to roll back to. Events are the facts: nothing outside the
 * engine (listeners, WebSocket clients, statistics, devices) sees a decision before its events are
 * stored. When the append fails, the engine holds facts the log does not, so it is thrown away and
 * rebuilt by replaying the tenant's log — the same code path as recovery after a restart, which
 * makes it exercised on every start rather than only on rare failures. While the log cannot be
 * read, the host is suspended: commands are refused with `ROUTING.UNAVAILABLE` and a retry timer
 * keeps trying. The lane guarantees no other command runs between a decision and its append.
 *
 * Several nodes (principle 3): a node runs this host for a tenant only while it holds the tenant's
 * Redis lease (`routing:lease:<tenantId>`, renewed well before expiry); `start` will acquire it and
 * `stop` release it, and a lost lease stops the host before another node replays. Nodes without
 * the lease forward commands to the owner.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  ok,
  reject,
  type Clock,
  type DomainEvent,
  type IdGenerator,
  type Rejection,
  type Result,
  type TenantId,
  type Timers,
} from '@switchboard/kernel';
import {
  normalizeQueueConfig,
  RoutingEngine,
  type RoutingCommand,
  type RoutingEffect,
  type RoutingEvent,
  type RoutingOutput,
} from '@switchboard/routing';
import type { EventStore } from '../store';
import { CommandLane } from './command-lane';
import { ContactFlowCode } from './contact-flow-codes';
import { ContactCorrelations } from './contact-correlations';
import { DeadlineTimer } from './deadline-timer';
import { RoutingJournal, type Causation, type ContactFlowEvent } from './routing-journal';
import type { RoutingSetupSource } from './routing-setup';
import { dispatchEffects, type EffectLogger, type TelephonyPort } from './telephony-port';

/** Told about every stored routing event: statistics and the real-time fan-out. */
export interface RoutingEventListener {
  /** The engine is rebuilt from the log: forget this tenant; replayed events follow. */
  reset(tenantId: TenantId): void;
  /** Events in log order; `live` is false while replaying history. */
  fold(tenantId: TenantId, events: readonly DomainEvent[], live: boolean): void;
}

/** Logger slice the host uses. */
export interface HostLogger extends EffectLogger {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** Options of {@link TenantRoutingHost}. */
export interface TenantRoutingHostOptions {
  readonly tenantId: TenantId;
  readonly store: EventStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly telephony: TelephonyPort;
  readonly logger: HostLogger;
  readonly setup: RoutingSetupSource;
  readonly listener: RoutingEventListener;
  /** Pause between attempts to restore state while the log cannot be read; default 5 s. */
  readonly retryMs?: number;
}

/** Adds facts of the contact flow to a command's batch, given what the engine decided. */
export type ExtraEvents = (output: RoutingOutput) => readonly ContactFlowEvent[];

type Status = 'running' | 'suspended' | 'stopped';

/** One tenant's engine, fed serially, persisted before acting. */
export class TenantRoutingHost {
  readonly tenantId: TenantId;
  private engine: RoutingEngine;
  private status: Status = 'suspended';
  private correlations = new ContactCorrelations();
  private readonly lane = new CommandLane();
  private readonly timer: DeadlineTimer;
  private readonly journal: RoutingJournal;
  private readonly log: HostLogger;

  constructor(private readonly options: TenantRoutingHostOptions) {
    this.tenantId = options.tenantId;
    this.engine = new RoutingEngine({ clock: options.clock });
    this.timer = new DeadlineTimer(options.clock, options.timers, () => this.onDue());
    this.journal = new RoutingJournal({ store: options.store, tenantId: options.tenantId, ids: options.ids });
    this.log = options.logger;
  }

  /** Restores state from the log, then brings queues in line with the configuration tables. */
  async start(): Promise<void> {
    await this.lane.run(async () => {
      if (!(await this.rebuild())) return;
      await this.configureQueues();
    });
  }

  /** Decides a command, stores its events (plus `extra`), then dispatches its effects. */
  execute(
    command: RoutingCommand,
    cause: Causation,
    extra?: ExtraEvents,
  ): Promise<Result<RoutingOutput, Rejection>> {
    return this.lane.run(() => this.executeNow(command, cause, extra));
  }

  /** Reads the engine after every command queued so far has been stored. */
  query<T>(read: (engine: RoutingEngine) => T): Promise<Result<T, Rejection>> {
    return this.lane.run(async () => {
      const running = await this.ensureRunning();
      return running.ok ? ok(read(this.engine)) : running;
    });
  }

  /** The self-check: repairs as events (logged) when the engine finds a broken invariant. */
  checkInvariants(): Promise<number> {
    return this.lane.run(async () => {
      if (this.status !== 'running') return 0;
      const violations = this.engine.checkInvariants();
      if (violations.length === 0) return 0;
      this.log.error({ tenantId: this.tenantId, violations }, 'routing invariants broken; repairing');
      const repaired = this.engine.repair();
      await this.commit(repaired.events, repaired.effects, this.systemCause('repair'));
      return violations.length;
    });
  }

  /** Resolves when every queued command and tick has finished. */
  settle(): Promise<void> {
    return this.lane.idle();
  }

  /** When the next engine timer is due, for tests that step a virtual clock. */
  nextDueAt(): number | undefined {
    return this.status === 'running' ? this.engine.nextDueAt() : undefined;
  }

  /** Stops timers and waits for queued work; later commands are refused. */
  async stop(): Promise<void> {
    this.status = 'stopped';
    this.timer.disarm();
    await this.lane.idle();
  }

  private async executeNow(
    command: RoutingCommand,
    cause: Causation,
    extra?: ExtraEvents,
  ): Promise<Result<RoutingOutput, Rejection>> {
    const running = await this.ensureRunning();
    if (!running.ok) return running;
    const decided = this.engine.execute(command);
    if (!decided.ok) return decided;
    if (command.type === 'EnqueueContact') this.correlations.begin(command.contactId, cause.correlationId);
    const drafts = [...(extra?.(decided.value) ?? []), ...decided.value.events];
    const committed = await this.commit(drafts, decided.value.effects, cause);
    return committed.ok ? decided : committed;
  }

  private async commit(
    drafts: readonly (RoutingEvent | ContactFlowEvent)[],
    effects: readonly RoutingEffect[],
    cause: Causation,
  ): Promise<Result<void, Rejection>> {
    if (drafts.length > 0) {
      const events = this.journal.envelope(drafts, cause, (id) => this.correlations.of(id));
      const appended = await this.journal.append(events);
      if (!appended.ok) {
        this.log.error(
          { tenantId: this.tenantId, rejection: appended.error },
          'routing events not stored; rebuilding from the log',
        );
        await this.rebuild();
        return appended;
      }
      this.correlations.fold(events);
      this.options.listener.fold(this.tenantId, events, true);
    }
    dispatchEffects(this.options.telephony, this.tenantId, effects, this.log);
    this.timer.arm(this.engine.nextDueAt());
    return ok(undefined);
  }

  private onDue(): void {
    this.lane
      .run(() => this.tickNow())
      .catch((error: unknown) =>
        this.log.error({ err: error, tenantId: this.tenantId }, 'routing tick failed'),
      );
  }

  private async tickNow(): Promise<void> {
    if (this.status === 'stopped' || !(await this.ensureRunning()).ok) return;
    const out = this.engine.tick();
    await this.commit(out.events, out.effects, this.systemCause('tick'));
  }

  private async ensureRunning(): Promise<Result<void, Rejection>> {
    if (this.status === 'running') return ok(undefined);
    if (this.status === 'suspended' && (await this.rebuild())) return ok(undefined);
    return reject(ContactFlowCode.Unavailable, 'routing is not available for this tenant right now', {
      status: this.status,
    });
  }

  /** Replaces the engine by one replayed from the log; false (and a retry timer) when unreadable. */
  private async rebuild(): Promise<boolean> {
    this.timer.disarm();
    const engine = new RoutingEngine({ clock: this.options.clock });
    const correlations = new ContactCorrelations();
    this.options.listener.reset(this.tenantId);
    let count = 0;
    try {
      for await (const page of this.journal.readAll()) {
        engine.replay(page as unknown as RoutingEvent[]);
        correlations.fold(page);
        this.options.listener.fold(this.tenantId, page, false);
        count += page.length;
      }
    } catch (error) {
      if (this.status !== 'stopped') this.status = 'suspended';
      this.log.error({ err: error, tenantId: this.tenantId }, 'routing state not restored; will retry');
      this.timer.arm(this.options.clock.now() + (this.options.retryMs ?? 5_000));
      return false;
    }
    this.engine = engine;
    this.correlations = correlations;
    if (this.status !== 'stopped') this.status = 'running';
    this.log.info({ tenantId: this.tenantId, events: count }, 'routing state restored from the log');
    this.timer.arm(engine.nextDueAt());
    return true;
  }

  /** Configures queues whose stored configuration differs from the tables (or that are new). */
  private async configureQueues(): Promise<void> {
    const setup = await this.options.setup(this.tenantId);
    for (const { config } of setup.queues) {
      if (isDeepStrictEqual(this.engine.queueConfig(config.queueId), normalizeQueueConfig(config))) continue;
      const result = await this.executeNow(
        { type: 'ConfigureQueue', queue: config },
        this.systemCause('configure'),
      );
      if (!result.ok)
        this.log.warn(
          { tenantId: this.tenantId, queueId: config.queueId, rejection: result.error },
          'queue not configured',
        );
    }
  }

  private systemCause(kind: string): Causation {
    const id = `${kind}-${this.options.ids.next()}`;
    return { correlationId: id, causationId: id };
  }
}
