import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { BridgeLinks } from './bridge-links';
import type { CallContext } from './call-context';
import type { CallEvent, LegId } from './call-events';
import type { Leg } from './leg';
import { isConnected } from './leg-state';
import type { MemberOptions } from './media-port';
import type { MonitorMode } from './mix-commands';
import type { MonitorEndReason } from './mix-events';

interface Monitoring {
  readonly supervisor: LegId;
  readonly target: LegId;
  readonly partner: LegId;
  mode: MonitorMode;
}

/**
 * Supervisors on agents' calls (班长席: 监听 listen, 密语 whisper, 强插 barge). The supervisor's
 * answered leg joins the media of a bridged agent leg through the {@link MediaPort}: the two-party
 * call becomes a conference in which the supervisor hears both, and is heard by nobody (listen),
 * by the agent only (whisper) or by both (barge). Modes switch live; leaving turns the call back
 * into a plain bridge, with one recording throughout.
 *
 * Monitoring ends by itself when the supervisor hangs up, when the call ends, or when either party
 * is put on hold (hold takes the call's media apart; the supervisor stays up, unconnected).
 */
export class MonitorControl {
  private readonly bySupervisor = new Map<LegId, Monitoring>();

  constructor(
    private readonly ctx: CallContext,
    private readonly links: BridgeLinks,
  ) {}

  /** Supervisors monitoring now. */
  get size(): number {
    return this.bySupervisor.size;
  }

  /** The Monitor command. */
  async start(supervisorId: LegId, targetId: LegId, mode: MonitorMode): Promise<Result<void, Rejection>> {
    const supervisor = this.ctx.legs.get(supervisorId);
    const target = this.ctx.legs.get(targetId);
    if (supervisor === undefined || target === undefined)
      return reject('CALLS.UNKNOWN_LEG', 'No such leg', { supervisorId, targetId });
    if (this.bySupervisor.has(supervisorId))
      return reject('CALLS.ALREADY_MONITORING', 'The supervisor already monitors a call', { supervisorId });
    if (!talking(supervisor) || this.links.partnerOf(supervisor) !== undefined)
      return reject('CALLS.SUPERVISOR_NOT_FREE', 'The supervisor leg must be answered and in no call', {
        supervisorId,
      });
    const partner = this.links.partnerOf(target);
    if (partner === undefined || partner.id === supervisorId || !talking(target) || !talking(partner))
      return reject('CALLS.NOT_BRIDGED', 'Only an answered call that is not on hold can be monitored', {
        targetId,
      });
    const joined = await this.ctx.media.join(supervisor.endpoint!, target.endpoint!, memberOf(mode, target));
    if (!joined.ok) return joined;
    if (supervisor.terminated || target.terminated || partner.terminated) {
      if (!supervisor.terminated) this.ctx.media.leave(supervisor.endpoint!);
      return reject('CALLS.LEG_ENDED', 'A leg ended while the supervisor joined', { supervisorId, targetId });
    }
    this.bySupervisor.set(supervisorId, {
      supervisor: supervisorId,
      target: targetId,
      partner: partner.id,
      mode,
    });
    this.ctx.emit({
      type: 'MonitorStarted',
      legId: supervisorId,
      targetLegId: targetId,
      partnerLegId: partner.id,
      mode,
      at: this.ctx.clock.now(),
    });
    return ok(undefined);
  }

  /** The ChangeMonitorMode command. */
  async change(supervisorId: LegId, mode: MonitorMode): Promise<Result<void, Rejection>> {
    const m = this.bySupervisor.get(supervisorId);
    const supervisor = this.ctx.legs.get(supervisorId);
    const target = m === undefined ? undefined : this.ctx.legs.get(m.target);
    if (m === undefined || supervisor === undefined || target === undefined)
      return reject('CALLS.NOT_MONITORING', 'The supervisor monitors no call', { supervisorId });
    if (m.mode === mode) return ok(undefined);
    const updated = await this.ctx.media.updateMember(supervisor.endpoint!, memberOf(mode, target));
    if (!updated.ok) return updated;
    if (this.bySupervisor.get(supervisorId) !== m) return ok(undefined);
    const previous = m.mode;
    m.mode = mode;
    this.ctx.emit({
      type: 'MonitorModeChanged',
      legId: supervisorId,
      mode,
      previous,
      at: this.ctx.clock.now(),
    });
    return ok(undefined);
  }

  /** The StopMonitor command. */
  stop(supervisorId: LegId): Result<void, Rejection> {
    if (!this.bySupervisor.has(supervisorId))
      return reject('CALLS.NOT_MONITORING', 'The supervisor monitors no call', { supervisorId });
    this.end(this.bySupervisor.get(supervisorId)!, 'stopped');
    return ok(undefined);
  }

  /** Ends monitoring whose supervisor or call went away, or whose call was put on hold. */
  onEvent(event: CallEvent): void {
    if (event.type !== 'LegEnded' && event.type !== 'LegHeld') return;
    for (const m of [...this.bySupervisor.values()]) {
      if (event.type === 'LegEnded' && event.legId === m.supervisor) this.end(m, 'supervisor-left');
      else if (event.legId === m.target || event.legId === m.partner)
        this.end(m, event.type === 'LegEnded' ? 'call-ended' : 'call-held');
    }
  }

  private end(m: Monitoring, reason: MonitorEndReason): void {
    this.bySupervisor.delete(m.supervisor);
    const supervisor = this.ctx.legs.get(m.supervisor);
    if (supervisor?.endpoint !== undefined) this.ctx.media.leave(supervisor.endpoint);
    this.ctx.emit({
      type: 'MonitorEnded',
      legId: m.supervisor,
      targetLegId: m.target,
      reason,
      at: this.ctx.clock.now(),
    });
  }
}

/** Answered, off hold, with media. */
function talking(leg: Leg): boolean {
  return isConnected(leg.state) && !leg.heldLocally && !leg.heldRemotely && leg.endpoint !== undefined;
}

/** The media role of a supervisor mode; a whisper goes to the agent's endpoint. */
function memberOf(mode: MonitorMode, target: Leg): MemberOptions {
  return mode === 'whisper' ? { role: 'whisper', whisperTo: target.endpoint! } : { role: mode };
}
