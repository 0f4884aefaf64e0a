/**
 * Transfers an agent makes (a supervisor may make them for any call of the tenant, audited):
 * blind (盲转) to a colleague, a queue or an outside number; consultation (咨询) with the caller on
 * hold, completed as an attended transfer (咨询转) or cancelled; and the three-way call (三方通话)
 * with the consulted party. Outcomes that come later — the target answering or failing — are
 * followed by the transfer tracker; transfers to queues by the queue transfer desk.
 */
import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { CallTargetPayload } from '@switchboard/contracts';
import type { CallActionRequest, ConnectedCall } from './call-access';
import { CallActionCode } from './call-action-codes';
import {
  consulting,
  noConsultation,
  refused,
  type CallActionDeps,
  type CallActionRunner,
  type Outcome,
} from './call-action-runner';
import type { ResolvedTarget, RingTarget } from './call-targets';
import type { LiveCall } from './live-calls';

/** Blind and attended transfers, consultations and three-way calls. */
export class TransferActions {
  constructor(
    private readonly d: CallActionDeps,
    private readonly run: CallActionRunner,
  ) {}

  /** Blind transfer (盲转): the agent leaves at once; the caller goes to the target. */
  transfer(request: CallActionRequest, contactId: string, target: CallTargetPayload): Outcome {
    return this.run.act(request, contactId, 'transfer', async (call) => {
      const busy = this.busy(call);
      if (!busy.ok) return busy;
      if (target.kind === 'queue') return this.toQueue(request, call, target.queueId);
      const resolved = await this.d.targets.resolve(call, target, call.agentId);
      if (!resolved.ok) return resolved;
      return this.blind(request, call, target, resolved.value, true);
    });
  }

  /** Consultation (咨询): the caller waits on hold while the agent talks to the target. */
  consult(request: CallActionRequest, contactId: string, target: RingTarget): Outcome {
    return this.run.act(request, contactId, 'consult', async (call) => {
      const busy = this.busy(call);
      if (!busy.ok) return busy;
      const resolved = await this.d.targets.resolve(call, target, call.agentId);
      if (!resolved.ok) return resolved;
      const reserved = await this.reserve(call, resolved.value.agentId, request.requestId);
      if (!reserved.ok) return reserved;
      const release = () =>
        this.d.tracker.release({ reserved: true, toAgentId: resolved.value.agentId, call });
      const out = await this.d.control.execute({
        type: 'Consult',
        legId: call.agentLegId,
        target: resolved.value.request,
      });
      if (!out.ok || out.value.legId === undefined) {
        await release();
        // Call control may have held the caller before the consulted leg failed to start.
        if (this.run.held(call)) await this.d.control.execute({ type: 'Resume', legId: call.callerLegId });
        return out.ok
          ? reject(CallActionCode.CALL_CONTROL_REFUSED, 'No consultation leg')
          : refused(out.error);
      }
      this.d.tracker.track({
        kind: 'consultation',
        call,
        fromAgentId: call.agentId,
        target,
        toAgentId: resolved.value.agentId,
        reserved: resolved.value.agentId !== null,
        fallbackQueueId: null,
        legId: out.value.legId,
        connected: false,
        cancelled: false,
        conferenced: false,
      });
      return this.run.fact(request, call, 'CallConsultationStarted', { target });
    });
  }

  /** Attended transfer (咨询转): the agent leaves; the caller talks to the consulted party. */
  completeConsultation(request: CallActionRequest, contactId: string): Outcome {
    return this.run.act(request, contactId, 'consult.complete', async (call) => {
      const c = this.d.tracker.consultationOf(call.contactId);
      if (c === undefined) return noConsultation();
      if (!c.connected)
        return reject(CallActionCode.CONSULTATION_NOT_CONNECTED, 'The consulted party has not answered yet');
      return this.run.command({ type: 'AttendedTransfer', legId: call.agentLegId });
    });
  }

  /** Ends the consultation and takes the caller off hold. */
  cancelConsultation(request: CallActionRequest, contactId: string): Outcome {
    return this.run.act(request, contactId, 'consult.cancel', async (call) => {
      const c = this.d.tracker.cancel(call.contactId);
      if (c === undefined) return noConsultation();
      await this.d.control.execute({ type: 'HangUp', legId: c.legId, cause: 'normal', party: 'agent' });
      if (!this.run.held(call)) return ok({});
      return this.run.command({ type: 'Resume', legId: call.callerLegId });
    });
  }

  /** Three-way call (三方通话): the caller, the agent and the consulted party hear each other. */
  conference(request: CallActionRequest, contactId: string): Outcome {
    return this.run.act(request, contactId, 'conference', async (call) => {
      if (!this.d.conference.available)
        return reject(
          CallActionCode.CONFERENCE_UNAVAILABLE,
          'Three-way calls are not available on this server',
        );
      const c = this.d.tracker.consultationOf(call.contactId);
      if (c === undefined) return noConsultation();
      if (c.conferenced) return reject(CallActionCode.CONFERENCING, 'The call is already a three-way call');
      if (!c.connected)
        return reject(CallActionCode.CONSULTATION_NOT_CONNECTED, 'The consulted party has not answered yet');
      // The caller waits on hold during the consultation: back into the call, then the third joins.
      if (this.run.held(call)) {
        const resumed = await this.run.command({ type: 'Resume', legId: call.callerLegId });
        if (!resumed.ok) return resumed;
      }
      const joined = await this.d.conference.join([call.callerLegId, c.legId]);
      if (!joined.ok) return refused(joined.error);
      c.conferenced = true;
      return this.run.fact(request, call, 'CallConferenceStarted', { target: c.target });
    });
  }

  private async toQueue(
    request: CallActionRequest,
    call: ConnectedCall,
    queueId: string,
  ): Promise<Result<unknown, Rejection>> {
    const exists = await (await this.d.host().tenant(call.tenantId)).query((e) => e.queueConfig(queueId));
    if (!exists.ok) return exists;
    if (exists.value === undefined) return reject('ROUTING.UNKNOWN_QUEUE', `No queue ${queueId}`);
    const target: CallTargetPayload = { kind: 'queue', queueId };
    const routingContactId = this.d.desk.newContactId(call);
    // Recorded first: the new contact's queue wait follows at once.
    await this.run.fact(request, call, 'CallTransferStarted', { target, routingContactId });
    const moved = await this.d.desk.transfer(call, routingContactId, queueId, call.agentId, true);
    if (moved.ok) return moved;
    await this.d.journal.record(
      {
        tenantId: call.tenantId,
        contactId: call.contactId,
        correlationId: call.callId,
        causationId: request.requestId,
      },
      [
        {
          type: 'CallTransferFailed',
          data: {
            contactId: call.contactId,
            agentId: call.agentId,
            target,
            cause: moved.error.code,
            sipStatus: null,
            at: this.d.clock.now(),
          },
        },
      ],
    );
    return moved;
  }

  /**
   * A blind transfer to a resolved target, also a supervisor's take-over. With `reserve`, the
   * target agent is taken out of routing's rotation until their leg ends.
   */
  async blind(
    request: CallActionRequest,
    call: ConnectedCall,
    target: RingTarget,
    resolved: ResolvedTarget,
    reserve: boolean,
  ): Promise<Result<unknown, Rejection>> {
    const { request: ring, agentId } = resolved;
    const reserved = reserve ? await this.reserve(call, agentId, request.requestId) : ok(undefined);
    if (!reserved.ok) return reserved;
    const fromAgentId = call.agentId;
    const fallbackQueueId = await this.queueOf(call);
    const out = await this.d.control.execute({ type: 'BlindTransfer', legId: call.agentLegId, target: ring });
    if (!out.ok || out.value.legId === undefined) {
      await this.d.tracker.release({ reserved: reserve, toAgentId: agentId, call });
      // The agent's leg is gone once call control started the transfer: look after the caller.
      if (this.d.control.leg(call.agentLegId) === undefined)
        await this.d.tracker.rescue(call, fromAgentId, fallbackQueueId);
      return out.ok ? reject(CallActionCode.CALL_CONTROL_REFUSED, 'No transfer leg') : refused(out.error);
    }
    this.d.tracker.track({
      kind: 'transfer',
      call,
      fromAgentId,
      target,
      toAgentId: agentId,
      reserved: reserve && agentId !== null,
      fallbackQueueId,
      legId: out.value.legId,
      connected: false,
      cancelled: false,
      conferenced: false,
    });
    return this.run.fact(request, call, 'CallTransferStarted', { target, routingContactId: null });
  }

  /** Takes the target agent out of rotation for the direct call. */
  private reserve(
    call: LiveCall,
    agentId: string | null,
    correlationId: string,
  ): Promise<Result<void, Rejection>> {
    if (agentId === null) return Promise.resolve(ok(undefined));
    return this.d.direct.reserve(call.tenantId, agentId, correlationId || call.callId);
  }

  private busy(call: ConnectedCall): Result<void, Rejection> {
    if (this.d.tracker.consultationOf(call.contactId) !== undefined) return consulting();
    if (this.d.tracker.transferOf(call.contactId) !== undefined)
      return reject(CallActionCode.TRANSFER_PENDING, 'A transfer of this call is already under way');
    return ok(undefined);
  }

  /** The queue routing answered the call from, while routing still holds the contact. */
  private async queueOf(call: LiveCall): Promise<string | null> {
    if (call.routingContactId === null) return null;
    const contactId = call.routingContactId;
    const found = await (
      await this.d.host().tenant(call.tenantId)
    ).query((e) => e.contact(contactId)?.queueId);
    return found.ok ? (found.value ?? null) : null;
  }
}
