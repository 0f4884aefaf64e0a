/**
 * Transfers to a queue (转队列). The caller becomes a new routing contact in the target queue, so
 * the wait, the offers and RONA follow the queue's rules and are counted there; the transferring
 * agent's leg ends at once (`HangUp` with `keepPartner`) and the caller waits on music. Routing's
 * device requests for these contacts come here instead of the voice context ({@link
 * QueueTransferDesk.telephony} wraps the voice context's port): the offered agent's devices are
 * rung, the first to answer is bridged to the caller, and the caller's or agent's hang-up ends,
 * abandons or refuses the contact as for any queued call.
 *
 * ```
 *  transfer ─▶ EnqueueContact ─▶ HangUp(agent, keepPartner) ─▶ queued ─▶ RingAgent ─▶ ringing
 *  ringing ─▶ LegAnswered ─▶ AnswerContact + Bridge ─▶ bridged ─▶ LegEnded ─▶ EndContact
 *  queued/ringing ─▶ caller hangs up ─▶ AbandonContact
 * ```
 */
import {
  ok,
  reject,
  type Clock,
  type IdGenerator,
  type Rejection,
  type Result,
  type TenantId,
} from '@switchboard/kernel';
import type { CallEvent, CallControl, LegEnded, LegId } from '../calls';
import type { TelephonyPort } from '../contact-flow/telephony-port';
import type { ContactService } from '../contact-flow/contact-service';
import type { AgentDevices, CallRecordingPolicy } from '../voice/voice-ports';
import type { CallActionJournal } from './call-action-journal';
import type { LiveCall, LiveCalls } from './live-calls';

/** A routing contact created by a transfer to a queue. */
interface DeskContact {
  readonly routingContactId: string;
  readonly call: LiveCall;
  readonly queueId: string;
  /** Who handed the caller over (the agent whose leg ended). */
  readonly fromAgentId: string;
  stage: 'queued' | 'ringing' | 'bridged' | 'done';
  agentId: string | null;
  agentLegId: LegId | null;
  withdrawn: boolean;
}

/** Collaborators of {@link QueueTransferDesk}. */
export interface QueueTransferDeskOptions {
  readonly control: Pick<CallControl, 'execute'>;
  readonly contacts: () => Pick<ContactService, 'enqueue' | 'answer' | 'rejectOffer' | 'end' | 'abandon'>;
  readonly calls: LiveCalls;
  readonly devices: AgentDevices;
  readonly journal: CallActionJournal;
  readonly recording?: CallRecordingPolicy;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: { warn(obj: object, msg: string): void };
  /** Extra device ring time past routing's deadline, so routing's RONA decides first; default 2 s. */
  readonly ringGraceMs?: number;
}

/** Runs the calls that transfers put into queues. */
export class QueueTransferDesk {
  private readonly byContact = new Map<string, DeskContact>();
  private readonly byLeg = new Map<LegId, DeskContact>();

  constructor(private readonly o: QueueTransferDeskOptions) {}

  /** Contacts of transferred calls alive (zero once every call is over). */
  get size(): number {
    return this.byContact.size;
  }

  /** Routing's device requests: this desk's contacts here, every other one to `inner`. */
  telephony(inner: TelephonyPort): TelephonyPort {
    const mine = (contactId: string) => this.byContact.get(contactId);
    return {
      ringAgent: (r) => {
        const d = mine(r.contactId);
        return d === undefined ? inner.ringAgent(r) : this.ring(d, r.agentId, r.until);
      },
      stopRinging: (r) => {
        const d = mine(r.contactId);
        return d === undefined ? inner.stopRinging(r) : this.withdraw(d, r.agentId);
      },
      placeCallback: (r) => inner.placeCallback(r),
      sendToVoicemail: (r) => {
        const d = mine(r.contactId);
        // Voicemail belongs to the caller's first contact; a transferred caller is not sent there.
        return d === undefined ? inner.sendToVoicemail(r) : this.giveUp(d, 'voicemail');
      },
      hangUp: (r) => {
        const d = mine(r.contactId);
        return d === undefined ? inner.hangUp(r) : this.giveUp(d, r.prompt ?? 'routing');
      },
    };
  }

  /** A routing contact id for the next transfer of `call`: the call's own id, extended. */
  newContactId(call: LiveCall): string {
    return `${call.contactId}.${this.o.ids.next()}`;
  }

  /**
   * Puts the caller of `call` into `queueId` as a new contact. With `park`, the agent's leg is
   * ended first-hand and the caller left on music; without, the caller is already alone (a
   * failed transfer falling back to the queue).
   */
  async transfer(
    call: LiveCall,
    routingContactId: string,
    queueId: string,
    fromAgentId: string,
    park: boolean,
  ): Promise<Result<string, Rejection>> {
    const d: DeskContact = {
      routingContactId,
      call,
      queueId,
      fromAgentId,
      stage: 'queued',
      agentId: null,
      agentLegId: null,
      withdrawn: false,
    };
    // Known before routing is asked: an agent may be offered the contact while it is enqueued.
    this.byContact.set(routingContactId, d);
    const queued = await this.o
      .contacts()
      .enqueue(
        call.tenantId,
        { contactId: routingContactId, queueId, attributes: { transferredFrom: call.contactId } },
        call.callId,
      );
    if (!queued.ok) {
      this.byContact.delete(routingContactId);
      return queued;
    }
    if (park && call.agentLegId !== null) {
      const parked = await this.o.control.execute({
        type: 'HangUp',
        legId: call.agentLegId,
        cause: 'transferred',
        party: 'agent',
        keepPartner: true,
      });
      if (!parked.ok) {
        d.stage = 'done';
        this.forget(d);
        await this.o.contacts().abandon(call.tenantId, routingContactId, call.callId);
        return parked;
      }
    }
    this.byLeg.set(call.callerLegId, d);
    this.o.calls.assign(call.tenantId, call.contactId, { agentId: null, agentLegId: null, routingContactId });
    return ok(routingContactId);
  }

  onEvent(event: CallEvent): void {
    if (event.type !== 'LegAnswered' && event.type !== 'LegEnded') return;
    const d = this.byLeg.get(event.legId);
    if (d === undefined) return;
    if (event.type === 'LegAnswered') void this.answered(d, event.legId);
    else if (event.legId === d.call.callerLegId) void this.callerLeft(d);
    else void this.agentLegEnded(d, event);
  }

  private async ring(d: DeskContact, agentId: string, until: number): Promise<void> {
    if (d.stage !== 'queued') return;
    d.stage = 'ringing';
    d.agentId = agentId;
    d.withdrawn = false;
    const { tenantId, callerNumber, callId } = d.call;
    const targets = await this.o.devices.targetsFor(tenantId, agentId);
    if (d.withdrawn || d.stage !== 'ringing') return;
    const timeoutMs = Math.max(1000, until - this.o.clock.now() + (this.o.ringGraceMs ?? 2000));
    const out =
      targets.length === 0
        ? reject('CALL.NO_DEVICE', 'no device')
        : await this.o.control.execute({
            type: 'Originate',
            request: { targets, callerId: { number: callerNumber }, timeoutMs, role: 'agent' },
          });
    if (!out.ok || out.value.legId === undefined) {
      d.stage = 'queued';
      await this.o.contacts().rejectOffer(tenantId, d.routingContactId, agentId, callId);
      return;
    }
    d.agentLegId = out.value.legId;
    this.byLeg.set(out.value.legId, d);
    // Withdrawn while the INVITE was being built: cancel it now that there is a leg to cancel.
    if (d.withdrawn)
      void this.o.control.execute({ type: 'HangUp', legId: out.value.legId, cause: 'cancelled' });
  }

  private withdraw(d: DeskContact, agentId: string): void {
    if (d.stage !== 'ringing' || d.agentId !== agentId) return;
    d.withdrawn = true;
    d.stage = 'queued';
    if (d.agentLegId !== null)
      void this.o.control.execute({ type: 'HangUp', legId: d.agentLegId, cause: 'cancelled' });
  }

  private async answered(d: DeskContact, legId: LegId): Promise<void> {
    if (legId !== d.agentLegId || d.withdrawn || d.stage !== 'ringing' || d.agentId === null) {
      if (legId !== d.call.callerLegId)
        void this.o.control.execute({ type: 'HangUp', legId, cause: 'cancelled' });
      return;
    }
    const { call } = d;
    const agentId = d.agentId;
    d.stage = 'bridged';
    const answered = await this.o.contacts().answer(call.tenantId, d.routingContactId, agentId, call.callId);
    if (!answered.ok) {
      // Routing took the offer back at the same instant (ring timeout): the caller keeps waiting.
      d.stage = 'queued';
      d.withdrawn = true;
      void this.o.control.execute({ type: 'HangUp', legId, cause: 'cancelled' });
      return;
    }
    const recordingPath = await this.recordingPath(call);
    const bridged = await this.o.control.execute({
      type: 'Bridge',
      legIds: [call.callerLegId, legId],
      ...(recordingPath === undefined ? {} : { recordingPath }),
    });
    if (!bridged.ok) {
      this.o.logger.warn(
        { contactId: call.contactId, rejection: bridged.error },
        'transferred call not bridged',
      );
      void this.o.control.execute({ type: 'HangUp', legId, cause: 'failed' });
      return;
    }
    this.o.calls.assign(call.tenantId, call.contactId, {
      agentId,
      agentLegId: legId,
      routingContactId: d.routingContactId,
    });
    void this.o.journal.record(
      { tenantId: call.tenantId, contactId: call.contactId, correlationId: call.callId, causationId: legId },
      [
        {
          type: 'CallTransferCompleted',
          data: {
            contactId: call.contactId,
            agentId: d.fromAgentId,
            kind: 'blind',
            target: { kind: 'queue', queueId: d.queueId },
            toAgentId: agentId,
            at: this.o.clock.now(),
          },
        },
      ],
    );
  }

  private async agentLegEnded(d: DeskContact, event: LegEnded): Promise<void> {
    this.byLeg.delete(event.legId);
    if (event.legId !== d.agentLegId) return;
    const { tenantId, callId } = d.call;
    d.agentLegId = null;
    if (d.stage === 'bridged') {
      d.stage = 'done';
      this.forget(d);
      const ended = await this.o.contacts().end(tenantId, d.routingContactId, callId);
      if (!ended.ok) this.o.logger.warn({ rejection: ended.error }, 'transferred contact not ended');
      return;
    }
    if (d.withdrawn || d.stage !== 'ringing' || d.agentId === null) return;
    d.stage = 'queued';
    const refused = await this.o.contacts().rejectOffer(tenantId, d.routingContactId, d.agentId, callId);
    if (!refused.ok) this.o.logger.warn({ rejection: refused.error }, 'offer refusal not taken');
  }

  private async callerLeft(d: DeskContact): Promise<void> {
    this.byLeg.delete(d.call.callerLegId);
    const stage = d.stage;
    if (stage === 'bridged' || stage === 'done') return; // the agent's leg ends with the bridge
    d.stage = 'done';
    if (d.agentLegId !== null) {
      d.withdrawn = true;
      void this.o.control.execute({ type: 'HangUp', legId: d.agentLegId, cause: 'cancelled' });
    }
    this.forget(d);
    const { tenantId, callId } = d.call;
    const abandoned = await this.o.contacts().abandon(tenantId, d.routingContactId, callId);
    if (!abandoned.ok)
      this.o.logger.warn({ rejection: abandoned.error }, 'transferred contact not abandoned');
  }

  /** Routing ended the contact (overflow, closed): the caller is hung up. */
  private async giveUp(d: DeskContact, why: string): Promise<void> {
    if (d.stage === 'done') return;
    d.stage = 'done';
    this.o.logger.warn({ contactId: d.routingContactId, why }, 'routing ends a transferred call');
    if (d.agentLegId !== null) {
      d.withdrawn = true;
      void this.o.control.execute({ type: 'HangUp', legId: d.agentLegId, cause: 'cancelled' });
    }
    this.forget(d);
    await this.o.control.execute({ type: 'HangUp', legId: d.call.callerLegId, cause: 'normal' });
  }

  private forget(d: DeskContact): void {
    this.byContact.delete(d.routingContactId);
    if (d.stage === 'done' && d.agentLegId === null) this.byLeg.delete(d.call.callerLegId);
  }

  private async recordingPath(call: LiveCall): Promise<string | undefined> {
    try {
      return await this.o.recording?.recordingPathFor({
        tenantId: call.tenantId as TenantId,
        contactId: call.contactId,
        callId: call.callId,
      });
    } catch (e) {
      this.o.logger.warn({ contactId: call.contactId, err: e }, 'transferred call not recorded');
      return undefined;
    }
  }
}
