/**
 * What a supervisor (班长席) or admin does to the calls of their tenant: listen, whisper, barge
 * (their own phone or softphone is rung and joined in that mode), switch modes, leave, force
 * release (强拆: the call is hung up) and take over (强转/代接: the caller is transferred to the
 * supervisor's device, the agent leaves). Every request is audited, done or refused, as the admin
 * actions are; forcing an agent's state or logout lives with the agent API (`agent-service.ts`).
 */
import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { MonitorMode } from '@switchboard/contracts';
import type { CallControl } from '../calls';
import type { AuditLog } from '../identity/audit-log';
import { callFor, connected, type CallActionRequest, type LiveCallView } from './call-access';
import { CallActionCode } from './call-action-codes';
import type { CallActionJournal } from './call-action-journal';
import type { MonitorControl } from './call-action-ports';
import type { CallActionRunner } from './call-action-runner';
import type { CallTargets } from './call-targets';
import type { LiveCalls } from './live-calls';
import type { SupervisorMonitors } from './supervisor-monitors';
import type { TransferActions } from './transfer-actions';

/** Collaborators of {@link SupervisorCallService}. */
export interface SupervisorCallDeps {
  readonly control: Pick<CallControl, 'execute' | 'leg'>;
  readonly calls: LiveCalls;
  readonly targets: CallTargets;
  readonly monitors: SupervisorMonitors;
  readonly monitoring: MonitorControl;
  readonly journal: CallActionJournal;
  readonly runner: CallActionRunner;
  readonly transfers: TransferActions;
  readonly audit: Pick<AuditLog, 'record'>;
  readonly clock: { now(): number };
}

type Outcome = Promise<Result<LiveCallView, Rejection>>;

/** Supervisors' actions on live calls. */
export class SupervisorCallService {
  constructor(private readonly d: SupervisorCallDeps) {}

  /** Rings the supervisor's device; once answered it joins the call in `mode`. */
  monitor(request: CallActionRequest, contactId: string, mode: MonitorMode): Outcome {
    return this.audited(request, contactId, 'call.monitor_started', { mode }, async () => {
      const call = this.connectedCall(request, contactId);
      if (!call.ok) return call;
      if (!this.d.monitoring.available)
        return reject(
          CallActionCode.MONITORING_UNAVAILABLE,
          'Listening, whispering and barging are not available',
        );
      const { userId } = request.principal;
      if (this.d.monitors.of(contactId, userId) !== undefined)
        return reject(CallActionCode.ALREADY_MONITORING, 'You are already on this call');
      const { tenantId, callId, callerLegId, agentId, agentLegId, callerNumber } = call.value;
      const ring = await this.d.targets.devicesOf(tenantId, userId, callerNumber);
      if (!ring.ok) return ring;
      const out = await this.d.control.execute({ type: 'Originate', request: ring.value });
      if (!out.ok || out.value.legId === undefined)
        return reject(CallActionCode.CALL_CONTROL_REFUSED, 'Your device could not be called', {
          ...(out.ok ? {} : { cause: out.error.code }),
        });
      this.d.monitors.add({
        tenantId,
        contactId,
        callId,
        callerLegId,
        supervisorId: userId,
        legId: out.value.legId,
        agentId,
        agentLegId,
        mode,
        joined: false,
        announced: false,
      });
      return ok(undefined);
    });
  }

  /** Switches the supervisor's mode on a call they joined. */
  changeMode(request: CallActionRequest, contactId: string, mode: MonitorMode): Outcome {
    return this.audited(request, contactId, 'call.monitor_mode_changed', { mode }, async () => {
      const found = callFor(this.d.calls, request.principal, contactId);
      if (!found.ok) return found;
      const m = this.d.monitors.of(contactId, request.principal.userId);
      if (m === undefined) return reject(CallActionCode.NOT_MONITORING, 'You are not on this call');
      if (!m.joined) return reject(CallActionCode.MONITOR_NOT_CONNECTED, 'Your device has not answered yet');
      if (m.mode === mode) return ok(undefined);
      return this.d.monitors.change(m, mode);
    });
  }

  /** The supervisor leaves the call (or stops their device ringing). */
  stopMonitor(request: CallActionRequest, contactId: string): Outcome {
    return this.audited(request, contactId, 'call.monitor_stopped', {}, async () => {
      const found = callFor(this.d.calls, request.principal, contactId);
      if (!found.ok) return found;
      const m = this.d.monitors.of(contactId, request.principal.userId);
      if (m === undefined) return reject(CallActionCode.NOT_MONITORING, 'You are not on this call');
      await this.d.monitors.stop(m);
      return ok(undefined);
    });
  }

  /** 强拆: hangs the call up, wherever it is (IVR, queue, talking). */
  forceRelease(request: CallActionRequest, contactId: string): Outcome {
    return this.audited(request, contactId, 'call.force_released', {}, async () => {
      const found = callFor(this.d.calls, request.principal, contactId);
      if (!found.ok) return found;
      const call = found.value;
      // Recorded before the hang-up, so the timeline shows who released before how it ended.
      await this.d.journal.record(
        { tenantId: call.tenantId, contactId, correlationId: call.callId, causationId: request.requestId },
        [
          {
            type: 'CallForceReleased',
            data: {
              contactId,
              agentId: call.agentId ?? '',
              supervisorId: request.principal.userId,
              at: this.d.clock.now(),
            },
          },
        ],
      );
      const done = await this.d.control.execute({
        type: 'HangUp',
        legId: call.callerLegId,
        cause: 'normal',
        party: 'system',
      });
      return done.ok ? ok(undefined) : done;
    });
  }

  /** 强转/代接: the caller is transferred to the supervisor's own device; the agent leaves. */
  takeOver(request: CallActionRequest, contactId: string): Outcome {
    return this.audited(request, contactId, 'call.taken_over', {}, async () => {
      const call = this.connectedCall(request, contactId);
      if (!call.ok) return call;
      const { userId } = request.principal;
      if (call.value.agentId === userId)
        return reject(CallActionCode.SAME_AGENT, 'You are already on this call');
      const ring = await this.d.targets.devicesOf(call.value.tenantId, userId, call.value.callerNumber);
      if (!ring.ok) return ring;
      const target = { kind: 'agent' as const, agentId: userId };
      const moved = await this.d.transfers.blind(
        request,
        call.value,
        target,
        { request: ring.value, agentId: userId },
        false,
      );
      if (!moved.ok) return moved;
      await this.d.journal.record(
        {
          tenantId: call.value.tenantId,
          contactId,
          correlationId: call.value.callId,
          causationId: request.requestId,
        },
        [
          {
            type: 'CallTakenOver',
            data: { contactId, agentId: call.value.agentId, supervisorId: userId, at: this.d.clock.now() },
          },
        ],
      );
      return ok(undefined);
    });
  }

  private connectedCall(request: CallActionRequest, contactId: string) {
    const found = callFor(this.d.calls, request.principal, contactId);
    return found.ok ? connected(found.value, (id) => this.d.control.leg(id)) : found;
  }

  /** Runs a supervisor action and audits it, whether it was done or refused. */
  private async audited(
    request: CallActionRequest,
    contactId: string,
    action: string,
    details: Record<string, unknown>,
    run: () => Promise<Result<unknown, Rejection>>,
  ): Outcome {
    const before = this.d.calls.ofContact(request.principal.tenantId, contactId);
    const result = await run();
    const { tenantId, userId, username } = request.principal;
    await this.d.audit.record({
      tenantId,
      actorUserId: userId,
      actor: username,
      action,
      target: { type: 'call', id: contactId },
      ip: request.ip,
      details: {
        ...details,
        outcome: result.ok ? 'done' : 'refused',
        ...(result.ok ? {} : { code: result.error.code }),
      },
    });
    if (!result.ok) return result;
    // A released call is gone from the live calls: answer with what it was.
    const call = this.d.calls.ofContact(request.principal.tenantId, contactId) ?? before;
    return call === undefined
      ? reject(CallActionCode.NOT_FOUND, 'The call has ended')
      : ok(this.d.runner.view(call, request.principal));
  }
}
