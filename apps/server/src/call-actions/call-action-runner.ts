/**
 * What every live-call action shares: finding the call the caller may act on, running the action,
 * auditing a supervisor acting on someone else's call (`call.controlled`), recording the action's
 * fact on the call's contact stream, and answering with the call as it is now.
 */
import { ok, reject, type Clock, type IdGenerator, type Rejection, type Result } from '@switchboard/kernel';
import type { CallTargetPayload } from '@switchboard/contracts';
import type { CallControl, CommandOutcome } from '../calls';
import type { ContactService } from '../contact-flow/contact-service';
import type { RoutingHost } from '../contact-flow/routing-host';
import type { AuditLog } from '../identity/audit-log';
import type { Principal } from '../identity/identity-model';
import {
  callFor,
  connected,
  liveCallView,
  type CallActionRequest,
  type ConnectedCall,
  type LiveCallView,
} from './call-access';
import { CallActionCode } from './call-action-codes';
import type { CallActionEvent, CallActionJournal } from './call-action-journal';
import type { ConferenceControl, RecordingSwitch } from './call-action-ports';
import type { CallTargets } from './call-targets';
import type { DirectCalls } from './direct-calls';
import type { LiveCall, LiveCalls } from './live-calls';
import type { QueueTransferDesk } from './queue-transfer-desk';
import type { SupervisorMonitors } from './supervisor-monitors';
import type { TransferTracker } from './transfer-tracker';

/** Collaborators of the call-action services. */
export interface CallActionDeps {
  readonly control: Pick<CallControl, 'execute' | 'leg'>;
  readonly calls: LiveCalls;
  readonly targets: CallTargets;
  readonly direct: DirectCalls;
  readonly tracker: TransferTracker;
  readonly desk: QueueTransferDesk;
  readonly monitors: SupervisorMonitors;
  readonly recording: RecordingSwitch;
  readonly conference: ConferenceControl;
  readonly journal: CallActionJournal;
  readonly host: () => RoutingHost;
  readonly contacts: () => Pick<ContactService, 'send'>;
  readonly audit: Pick<AuditLog, 'record'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: { warn(obj: object, msg: string): void };
}

/** The outcome of an action: the call as it is now, or why not. */
export type Outcome = Promise<Result<LiveCallView, Rejection>>;

/** Runs actions on live calls. */
export class CallActionRunner {
  constructor(private readonly d: CallActionDeps) {}

  /**
   * Runs an action on a call the caller may act on, with an agent on it; a supervisor acting on
   * someone else's call is audited as `call.controlled`.
   */
  async act(
    request: CallActionRequest,
    contactId: string,
    action: string,
    run: (call: ConnectedCall) => Promise<Result<unknown, Rejection>>,
  ): Outcome {
    const { principal } = request;
    const found = callFor(this.d.calls, principal, contactId);
    if (!found.ok) return found;
    const call = connected(found.value, (id) => this.d.control.leg(id));
    const result = call.ok ? await run(call.value) : call;
    if (found.value.agentId !== principal.userId) await this.audit(request, contactId, action, result);
    if (!result.ok) return result;
    const now = this.d.calls.ofContact(principal.tenantId, contactId) ?? found.value;
    return ok(this.view(now, principal));
  }

  /** The view of `call` for `viewer`. */
  view(call: LiveCall, viewer: Principal): LiveCallView {
    const consultation = this.d.tracker.consultationOf(call.contactId);
    const transfer = this.d.tracker.transferOf(call.contactId);
    return liveCallView(
      call,
      {
        held: this.held(call),
        recording: this.d.recording.state(call),
        consultation:
          consultation === undefined
            ? undefined
            : { target: consultation.target, connected: consultation.connected },
        transfer: transfer === undefined ? undefined : { target: transfer.target },
        supervisors: this.d.monitors.onCall(call.contactId),
      },
      viewer,
    );
  }

  /** The caller is on hold (our hold, the agent's button). */
  held(call: LiveCall): boolean {
    return this.d.control.leg(call.callerLegId)?.heldLocally === true;
  }

  /** Runs a call-control command; a refusal comes back in the call actions' vocabulary. */
  async command(command: Parameters<CallControl['execute']>[0]): Promise<Result<CommandOutcome, Rejection>> {
    const done = await this.d.control.execute(command);
    return done.ok ? done : refused(done.error);
  }

  /** Records a fact of the action on the call's contact stream and pushes it. */
  fact<T extends 'CallHeld' | 'CallResumed' | 'CallRecordingPaused' | 'CallRecordingResumed'>(
    request: CallActionRequest,
    call: ConnectedCall,
    type: T,
  ): Promise<Result<unknown, Rejection>>;
  fact<T extends 'CallConsultationStarted' | 'CallConferenceStarted'>(
    request: CallActionRequest,
    call: ConnectedCall,
    type: T,
    extra: { target: CallTargetPayload },
  ): Promise<Result<unknown, Rejection>>;
  fact<T extends 'CallTransferStarted'>(
    request: CallActionRequest,
    call: ConnectedCall,
    type: T,
    extra: { target: CallTargetPayload; routingContactId: string | null },
  ): Promise<Result<unknown, Rejection>>;
  async fact(
    request: CallActionRequest,
    call: ConnectedCall,
    type: CallActionEvent['type'],
    extra: object = {},
  ): Promise<Result<unknown, Rejection>> {
    const event = {
      type,
      data: {
        contactId: call.contactId,
        agentId: call.agentId,
        requestedBy: request.principal.userId,
        at: this.d.clock.now(),
        ...extra,
      },
    } as CallActionEvent;
    await this.d.journal.record(
      {
        tenantId: call.tenantId,
        contactId: call.contactId,
        correlationId: call.callId,
        causationId: request.requestId,
      },
      [event],
    );
    return ok(undefined);
  }

  private async audit(
    request: CallActionRequest,
    contactId: string,
    action: string,
    result: Result<unknown, Rejection>,
  ): Promise<void> {
    const { tenantId, userId, username } = request.principal;
    await this.d.audit.record({
      tenantId,
      actorUserId: userId,
      actor: username,
      action: 'call.controlled',
      target: { type: 'call', id: contactId },
      ip: request.ip,
      details: {
        action,
        outcome: result.ok ? 'done' : 'refused',
        ...(result.ok ? {} : { code: result.error.code }),
      },
    });
  }
}

/** Call control's refusal in the call actions' vocabulary, its own code kept as the cause. */
export function refused(rejection: Rejection): Result<never, Rejection> {
  if (rejection.code.startsWith('CALL.')) return { ok: false, error: rejection };
  const code =
    rejection.code === 'CALLS.NOT_HELD'
      ? CallActionCode.NOT_HELD
      : rejection.code === 'CALLS.CONSULTING'
        ? CallActionCode.CONSULTING
        : rejection.code === 'CALLS.NO_CONSULTATION'
          ? CallActionCode.NO_CONSULTATION
          : CallActionCode.CALL_CONTROL_REFUSED;
  return reject(code, rejection.message, { cause: rejection.code });
}

export function consulting(): Result<never, Rejection> {
  return reject(CallActionCode.CONSULTING, 'A consultation is running: complete or cancel it first');
}

export function noConsultation(): Result<never, Rejection> {
  return reject(CallActionCode.NO_CONSULTATION, 'The call has no consultation');
}
