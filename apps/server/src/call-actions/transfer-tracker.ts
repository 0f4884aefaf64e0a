/**
 * Follows the transfers and consultations the call actions started until call control reports how
 * they ended, and records the outcome on the call's contact stream: `LegTransferred` completes a
 * transfer (the index learns who now talks to the caller), `TransferFailed` fails one (the caller,
 * alone on music, goes back to the queue the call came from, or is hung up when there is none),
 * `ConsultationStarted` connects a consultation and the consulted leg's end closes it. Agents
 * reserved for a direct call are made ready again when their leg ends.
 */
import type { Clock, TenantId } from '@switchboard/kernel';
import type { CallTargetPayload } from '@switchboard/contracts';
import type { CallControl, CallEvent, LegId, LegTransferred, TransferFailed } from '../calls';
import type { CallActionJournal, CallActionEvent } from './call-action-journal';
import type { DirectCalls } from './direct-calls';
import type { LiveCall, LiveCalls } from './live-calls';
import type { QueueTransferDesk } from './queue-transfer-desk';

/** A transfer or consultation call control is carrying out. */
export interface TrackedTransfer {
  readonly kind: 'transfer' | 'consultation';
  readonly call: LiveCall;
  readonly fromAgentId: string;
  readonly target: CallTargetPayload;
  /** The agent (or supervisor, for a take-over) the new leg reaches; null for an outside number. */
  readonly toAgentId: string | null;
  /** `toAgentId` was taken out of routing's rotation for the call. */
  readonly reserved: boolean;
  /** Where the caller goes when a transfer fails: the queue the call was answered from. */
  readonly fallbackQueueId: string | null;
  /** The leg call control rings for the target. */
  readonly legId: LegId;
  connected: boolean;
  cancelled: boolean;
  /** The consulted party joined the caller and the agent in a three-way call. */
  conferenced: boolean;
}

/** Collaborators of {@link TransferTracker}. */
export interface TransferTrackerOptions {
  readonly control: Pick<CallControl, 'execute'>;
  readonly calls: LiveCalls;
  readonly journal: CallActionJournal;
  readonly direct: DirectCalls;
  readonly desk: QueueTransferDesk;
  readonly clock: Clock;
  readonly logger: { warn(obj: object, msg: string): void };
}

/** Transfers and consultations in flight, by the leg that rings their target. */
export class TransferTracker {
  private readonly byLeg = new Map<LegId, TrackedTransfer>();
  private readonly consultations = new Map<string, TrackedTransfer>();
  /** Legs of reserved agents whose transfer completed: their end makes the agent ready again. */
  private readonly direct = new Map<LegId, { tenantId: TenantId; agentId: string; correlationId: string }>();

  constructor(private readonly o: TransferTrackerOptions) {}

  /** Transfers, consultations and direct calls followed (zero once every call is over). */
  get size(): number {
    return this.byLeg.size + this.direct.size;
  }

  track(t: TrackedTransfer): void {
    this.byLeg.set(t.legId, t);
    if (t.kind === 'consultation') this.consultations.set(t.call.contactId, t);
  }

  /** The consultation of a call, while one runs. */
  consultationOf(contactId: string): TrackedTransfer | undefined {
    return this.consultations.get(contactId);
  }

  /** A blind transfer of the call still ringing its target. */
  transferOf(contactId: string): TrackedTransfer | undefined {
    for (const t of this.byLeg.values())
      if (t.kind === 'transfer' && t.call.contactId === contactId) return t;
    return undefined;
  }

  /** Marks a consultation as ended by the agent, so its end is recorded as cancelled. */
  cancel(contactId: string): TrackedTransfer | undefined {
    const c = this.consultations.get(contactId);
    if (c !== undefined) c.cancelled = true;
    return c;
  }

  /** Makes a reserved agent ready again once their direct leg ends; e.g. a failed start. */
  async release(t: Pick<TrackedTransfer, 'reserved' | 'toAgentId' | 'call'>): Promise<void> {
    if (t.reserved && t.toAgentId !== null)
      await this.o.direct.release(t.call.tenantId, t.toAgentId, t.call.callId);
  }

  onEvent(event: CallEvent): void {
    if (event.type === 'LegTransferred') this.completed(event);
    else if (event.type === 'TransferFailed') void this.failed(event);
    else if (event.type === 'ConsultationStarted') this.connected(event.consultLegId);
    else if (event.type === 'LegEnded') void this.legEnded(event.legId, event.answered, event.cause);
  }

  private completed(event: LegTransferred): void {
    const t = this.byLeg.get(event.toLegId);
    if (t === undefined) return;
    this.forget(t);
    const { tenantId, contactId, callId } = t.call;
    this.o.calls.assign(tenantId, contactId, {
      agentId: t.toAgentId,
      agentLegId: event.toLegId,
      routingContactId: null,
    });
    if (t.reserved && t.toAgentId !== null)
      this.direct.set(event.toLegId, { tenantId, agentId: t.toAgentId, correlationId: callId });
    this.record(t, event.toLegId, {
      type: 'CallTransferCompleted',
      data: {
        contactId,
        agentId: t.fromAgentId,
        kind: event.kind,
        target: t.target,
        toAgentId: t.toAgentId,
        at: event.at,
      },
    });
  }

  private async failed(event: TransferFailed): Promise<void> {
    const t = this.byLeg.get(event.targetLegId);
    if (t === undefined) return;
    this.forget(t);
    this.record(t, event.targetLegId, {
      type: 'CallTransferFailed',
      data: {
        contactId: t.call.contactId,
        agentId: t.fromAgentId,
        target: t.target,
        cause: event.cause,
        sipStatus: event.sipStatus ?? null,
        at: event.at,
      },
    });
    await this.release(t);
    await this.rescue(t.call, t.fromAgentId, t.fallbackQueueId);
  }

  /**
   * The caller of a failed transfer waits on music with nobody: back to the queue the call came
   * from, or hung up when there is none (or the queue refuses), rather than left in silence.
   */
  async rescue(call: LiveCall, fromAgentId: string, queueId: string | null): Promise<void> {
    const current = this.o.calls.ofContact(call.tenantId, call.contactId) ?? call;
    if (queueId !== null) {
      const routingContactId = this.o.desk.newContactId(current);
      const queued = await this.o.desk.transfer(current, routingContactId, queueId, fromAgentId, false);
      if (queued.ok) {
        this.record({ call }, routingContactId, {
          type: 'CallTransferStarted',
          data: {
            contactId: call.contactId,
            agentId: fromAgentId,
            requestedBy: 'system',
            target: { kind: 'queue', queueId },
            routingContactId,
            at: this.o.clock.now(),
          },
        });
        return;
      }
      this.o.logger.warn({ contactId: call.contactId, rejection: queued.error }, 'caller not requeued');
    }
    await this.o.control.execute({ type: 'HangUp', legId: call.callerLegId, cause: 'failed' });
  }

  private connected(consultLegId: LegId): void {
    const t = this.byLeg.get(consultLegId);
    if (t === undefined || t.kind !== 'consultation') return;
    t.connected = true;
    this.record(t, consultLegId, {
      type: 'CallConsultationConnected',
      data: { contactId: t.call.contactId, agentId: t.fromAgentId, target: t.target, at: this.o.clock.now() },
    });
  }

  private async legEnded(legId: LegId, answered: boolean, cause: string): Promise<void> {
    const reserved = this.direct.get(legId);
    if (reserved !== undefined) {
      this.direct.delete(legId);
      await this.o.direct.release(reserved.tenantId, reserved.agentId, reserved.correlationId);
    }
    const t = this.byLeg.get(legId);
    // A blind transfer's end is reported by `TransferFailed`; here only consultations close.
    if (t === undefined || t.kind !== 'consultation') return;
    this.forget(t);
    const reason = t.cancelled ? 'cancelled' : answered ? 'target-hung-up' : 'failed';
    this.record(t, legId, {
      type: 'CallConsultationEnded',
      data: {
        contactId: t.call.contactId,
        agentId: t.fromAgentId,
        target: t.target,
        reason,
        cause: reason === 'cancelled' ? null : cause,
        at: this.o.clock.now(),
      },
    });
    await this.release(t);
  }

  private forget(t: TrackedTransfer): void {
    this.byLeg.delete(t.legId);
    if (this.consultations.get(t.call.contactId) === t) this.consultations.delete(t.call.contactId);
  }

  private record(t: Pick<TrackedTransfer, 'call'>, causationId: string, event: CallActionEvent): void {
    const { tenantId, contactId, callId } = t.call;
    void this.o.journal.record({ tenantId, contactId, correlationId: callId, causationId }, [event]);
  }
}
