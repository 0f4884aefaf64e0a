/**
 * Supervisors listening to, whispering to or barging into calls (监听, 密语, 强插). The
 * supervisor's own phone or softphone is rung; once it answers, call control's monitor puts its
 * leg on the caller↔agent bridge in the chosen mode. The agent is told only once the supervisor
 * can be heard by them (whisper, barge): a listen-only join, and every change while the agent has
 * never heard the supervisor, is recorded unannounced. The supervisor's leg is hung up when the
 * monitored call ends or moves away from the agent it was joined to.
 *
 * ```
 *  ringing ─▶ LegAnswered ─▶ Monitor(mode) ─▶ joined ⇄ ChangeMonitorMode
 *     │                           └─ refused ─▶ HangUp          │
 *     └─ LegEnded ─▶ join failed                     LegEnded ─▶ left
 * ```
 */
import type { Clock, TenantId } from '@switchboard/kernel';
import type { MonitorMode } from '@switchboard/contracts';
import type { CallControl, CallEvent, LegId } from '../calls';
import type { CallActionEvent, CallActionJournal } from './call-action-journal';
import type { MonitorControl } from './call-action-ports';

/** One supervisor's part in one call. */
export interface Monitor {
  readonly tenantId: TenantId;
  readonly contactId: string;
  readonly callId: string;
  readonly callerLegId: LegId;
  readonly supervisorId: string;
  /** The supervisor's leg. */
  readonly legId: LegId;
  /** The agent and leg monitored. */
  readonly agentId: string;
  readonly agentLegId: LegId;
  mode: MonitorMode;
  joined: boolean;
  /** The agent has been able to hear the supervisor at some point. */
  announced: boolean;
}

/** Collaborators of {@link SupervisorMonitors}. */
export interface SupervisorMonitorsOptions {
  readonly control: Pick<CallControl, 'execute'>;
  readonly monitoring: MonitorControl;
  readonly journal: CallActionJournal;
  readonly clock: Clock;
  readonly logger: { warn(obj: object, msg: string): void };
}

/** Supervisors' legs on calls, by leg. */
export class SupervisorMonitors {
  private readonly byLeg = new Map<LegId, Monitor>();

  constructor(private readonly o: SupervisorMonitorsOptions) {}

  /** Supervisor legs alive (zero once every call is over). */
  get size(): number {
    return this.byLeg.size;
  }

  add(monitor: Monitor): void {
    this.byLeg.set(monitor.legId, monitor);
  }

  /** The supervisor's part in the call, if any. */
  of(contactId: string, supervisorId: string): Monitor | undefined {
    for (const m of this.byLeg.values())
      if (m.contactId === contactId && m.supervisorId === supervisorId) return m;
    return undefined;
  }

  /** Supervisors on a call, for the live view. */
  onCall(contactId: string): Monitor[] {
    return [...this.byLeg.values()].filter((m) => m.contactId === contactId);
  }

  /** Switches a joined supervisor to another mode. */
  async change(m: Monitor, mode: MonitorMode): ReturnType<MonitorControl['change']> {
    const changed = await this.o.monitoring.change(m.legId, mode);
    if (!changed.ok) return changed;
    m.mode = mode;
    m.announced ||= mode !== 'listen';
    this.record(m, {
      type: 'SupervisorMonitorModeChanged',
      data: { ...this.part(m), mode },
    });
    return changed;
  }

  /** The supervisor leaves: the monitor stops and their leg is hung up. */
  async stop(m: Monitor): Promise<void> {
    if (m.joined) await this.o.monitoring.stop(m.legId);
    await this.o.control.execute({ type: 'HangUp', legId: m.legId, cause: 'normal', party: 'agent' });
  }

  onEvent(event: CallEvent): void {
    if (event.type === 'LegAnswered') {
      const m = this.byLeg.get(event.legId);
      if (m !== undefined) void this.join(m);
    } else if (event.type === 'LegEnded') {
      const m = this.byLeg.get(event.legId);
      if (m !== undefined) this.ended(m, event.cause);
      else this.callGone(event.legId);
    } else if (event.type === 'LegTransferred') this.callGone(event.fromLegId);
    else if (event.type === 'MonitorEnded' && event.reason === 'call-held') {
      // A hold takes the call's media apart and leaves the supervisor in silence: they leave.
      const m = this.byLeg.get(event.legId);
      if (m !== undefined) void this.o.control.execute({ type: 'HangUp', legId: m.legId, cause: 'normal' });
    }
  }

  private async join(m: Monitor): Promise<void> {
    const started = await this.o.monitoring.start(m.legId, m.agentLegId, m.mode);
    if (!started.ok) {
      this.o.logger.warn({ contactId: m.contactId, rejection: started.error }, 'supervisor not joined');
      void this.o.control.execute({ type: 'HangUp', legId: m.legId, cause: 'failed' });
      return;
    }
    m.joined = true;
    m.announced = m.mode !== 'listen';
    this.record(m, { type: 'SupervisorJoinedCall', data: { ...this.part(m), mode: m.mode } });
  }

  private ended(m: Monitor, cause: string): void {
    this.byLeg.delete(m.legId);
    this.record(
      m,
      m.joined
        ? { type: 'SupervisorLeftCall', data: this.part(m) }
        : { type: 'SupervisorJoinFailed', data: { ...this.part(m), cause } },
    );
  }

  /** The caller's or the monitored agent's leg is gone: the supervisor has nothing left to hear. */
  private callGone(legId: LegId): void {
    for (const m of this.byLeg.values())
      if (m.agentLegId === legId || m.callerLegId === legId)
        void this.o.control.execute({ type: 'HangUp', legId: m.legId, cause: 'normal' });
  }

  private part(m: Monitor) {
    return {
      contactId: m.contactId,
      agentId: m.agentId,
      supervisorId: m.supervisorId,
      announced: m.announced,
      at: this.o.clock.now(),
    };
  }

  private record(m: Monitor, event: CallActionEvent): void {
    const { tenantId, contactId, callId, legId } = m;
    void this.o.journal.record({ tenantId, contactId, correlationId: callId, causationId: legId }, [event]);
  }
}
