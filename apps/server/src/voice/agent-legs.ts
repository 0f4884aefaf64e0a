/**
 * The agent side of a queued call (ARCHITECTURE.md steps 3–4). Routing's `RingAgent` originates a
 * leg to every registered device of the agent, ringing until routing's deadline; the first device
 * to answer is bridged to the caller and routing hears `AnswerContact`. A device that refuses
 * (busy, declined, unreachable, nothing registered) is reported with `RejectOffer`, so routing
 * offers the contact to the next agent; a device nobody picks up is left to routing's own ring
 * timer (RONA), which withdraws the offer through {@link AgentLegs.withdraw}.
 *
 * ```
 *  ring ─▶ originate ─▶ LegAnswered ─▶ Bridge + AnswerContact ─▶ bridged
 *                   └─▶ LegEnded (unanswered) ─▶ RejectOffer (unless withdrawn) ─▶ queued
 * ```
 */
import type { Clock, TenantId } from '@switchboard/kernel';
import type { CallEvent, LegEnded, LegId } from '../calls';
import type { CallJournal } from './call-journal';
import type { CallerProfile } from './caller-profiles';
import { callTarget, type CallCommands, type Contacts, type VoiceLogger } from './voice-deps';
import type { InboundCall, VoiceCalls } from './voice-calls';
import type { AgentDevices, CallRecordingPolicy, HoldMusic, ScreenPopPublisher } from './voice-ports';

/** One offer ringing one agent's devices. */
interface Attempt {
  readonly call: InboundCall;
  readonly agentId: string;
  legId: LegId | undefined;
  answered: boolean;
  /** Routing withdrew the offer (ring timeout, abandon): the leg's end is no refusal. */
  withdrawn: boolean;
}

/** Collaborators of {@link AgentLegs}. */
export interface AgentLegsOptions {
  readonly calls: VoiceCalls;
  readonly devices: AgentDevices;
  readonly control: CallCommands;
  readonly contacts: Contacts;
  readonly music: HoldMusic;
  readonly journal: CallJournal;
  readonly clock: Clock;
  readonly logger: VoiceLogger;
  /** Extra ring time on the device beyond routing's deadline, so routing's RONA decides first. */
  readonly ringGraceMs?: number;
  /** Where bridged calls are recorded; none are without it. */
  readonly recording?: CallRecordingPolicy;
  /** Where the rung agent's screen pop goes; none is shown without it. */
  readonly screenPops?: ScreenPopPublisher;
}

/** Rings agents' devices and bridges the one that answers. */
export class AgentLegs {
  private readonly byLeg = new Map<LegId, Attempt>();
  private readonly current = new Map<string, Attempt>();

  constructor(private readonly o: AgentLegsOptions) {}

  /** Agent legs alive (zero when no call rings or talks). */
  get size(): number {
    return this.byLeg.size;
  }

  /** The call and agent a live agent leg serves. */
  ofLeg(legId: LegId): { readonly call: InboundCall; readonly agentId: string } | undefined {
    const attempt = this.byLeg.get(legId);
    return attempt === undefined ? undefined : { call: attempt.call, agentId: attempt.agentId };
  }

  /** Routing's `RingAgent` for a call of this node. */
  async ring(call: InboundCall, agentId: string, until: number): Promise<void> {
    const { o } = this;
    const attempt: Attempt = { call, agentId, legId: undefined, answered: false, withdrawn: false };
    this.current.set(call.contactId, attempt);
    call.stage = 'ringing';
    const targets = await o.devices.targetsFor(call.tenantId, agentId);
    const profile = await call.profile;
    if (attempt.withdrawn) return;
    if (targets.length === 0) return this.refused(attempt, 'no-device', null);
    const timeoutMs = Math.max(1000, until - o.clock.now() + (o.ringGraceMs ?? 2000));
    const out = await o.control.execute({
      type: 'Originate',
      // `near`: the agent's media opens beside the caller's (one media worker per call).
      request: { targets, callerId: { number: profile.number }, timeoutMs, role: 'agent', near: call.legId },
    });
    if (!out.ok || out.value.legId === undefined) return this.refused(attempt, 'failed', null);
    const legId = out.value.legId;
    attempt.legId = legId;
    this.byLeg.set(legId, attempt);
    void o.journal.append(callTarget(call, legId), [
      {
        type: 'AgentDeviceRung',
        data: { contactId: call.contactId, agentId, legId, targets: targets.length, at: o.clock.now() },
      },
    ]);
    // Withdrawn while the INVITE was being built: cancel it now that there is a leg to cancel.
    if (attempt.withdrawn) void o.control.execute({ type: 'HangUp', legId, cause: 'cancelled' });
    // Only once the device really rings: a refused offer would pop a caller nobody can answer.
    else this.popScreen(call, agentId, profile);
  }

  /** Shows the rung agent who is calling; a failing publisher never touches the call. */
  private popScreen(call: InboundCall, agentId: string, profile: CallerProfile): void {
    const { screenPops, logger } = this.o;
    if (screenPops === undefined || profile.screenPop === undefined) return;
    try {
      screenPops.publish({
        tenantId: call.tenantId,
        contactId: call.contactId,
        agentId,
        screenPop: profile.screenPop,
      });
    } catch (e) {
      logger.error({ contactId: call.contactId, err: e }, 'screen pop not published');
    }
  }

  /** Routing withdrew the offer (`StopRinging`) or the caller left: stop the device ringing. */
  withdraw(contactId: string, agentId?: string): void {
    const attempt = this.current.get(contactId);
    if (attempt === undefined || attempt.answered || (agentId !== undefined && attempt.agentId !== agentId))
      return;
    attempt.withdrawn = true;
    this.current.delete(contactId);
    if (attempt.call.stage === 'ringing') attempt.call.stage = 'queued';
    if (attempt.legId !== undefined)
      void this.o.control.execute({ type: 'HangUp', legId: attempt.legId, cause: 'cancelled' });
  }

  onEvent(event: CallEvent): void {
    if (event.type === 'LegAnswered') {
      const attempt = this.byLeg.get(event.legId);
      if (attempt !== undefined) void this.answered(attempt);
    } else if (event.type === 'LegEnded') {
      const attempt = this.byLeg.get(event.legId);
      if (attempt !== undefined) void this.ended(attempt, event);
    }
  }

  private async answered(attempt: Attempt): Promise<void> {
    const { o } = this;
    const { call } = attempt;
    if (attempt.withdrawn || call.stage !== 'ringing') {
      void o.control.execute({ type: 'HangUp', legId: attempt.legId!, cause: 'cancelled' });
      return;
    }
    attempt.answered = true;
    call.stage = 'bridged';
    call.agent = { agentId: attempt.agentId, legId: attempt.legId! };
    const answered = await o.contacts.answer(call.tenantId, call.contactId, attempt.agentId, call.callId);
    if (!answered.ok) {
      // Routing took the offer back at the same instant (ring timeout): the caller keeps waiting.
      o.logger.warn({ contactId: call.contactId, rejection: answered.error }, 'answer refused by routing');
      attempt.withdrawn = true;
      if (call.stage === 'bridged') call.stage = 'queued';
      void o.control.execute({ type: 'HangUp', legId: attempt.legId!, cause: 'cancelled' });
      return;
    }
    // The queue's music and announcements end, whether or not the caller is still there.
    o.music.stop(call.legId);
    // One side hung up while routing answered (the caller's BYE crossed the agent's 200 OK, or
    // the agent hung up at once): the contact was answered and has ended, and the other side's
    // leg is all that is left of the call.
    if (this.endedMeanwhile(attempt)) return;
    const recordingPath = call.recorded === false ? undefined : await this.recordingPathFor(call);
    if (this.endedMeanwhile(attempt)) return;
    const bridged = await o.control.execute({
      type: 'Bridge',
      // The caller first: recordings put the caller on the left channel, the agent on the right.
      legIds: [call.legId, attempt.legId!],
      ...(recordingPath === undefined ? {} : { recordingPath }),
    });
    if (!bridged.ok) {
      o.logger.error({ contactId: call.contactId, rejection: bridged.error }, 'bridge failed');
      // Nobody stays on a line without the other party: both legs end, and the contact with them.
      this.hangUpBoth(attempt, 'failed');
    } else
      void o.journal.append(callTarget(call, attempt.legId!), [
        {
          type: 'CallBridged',
          data: {
            contactId: call.contactId,
            agentId: attempt.agentId,
            callerLegId: call.legId,
            agentLegId: attempt.legId!,
            at: o.clock.now(),
          },
        },
      ]);
  }

  /**
   * True once either leg ended before the bridge (the call is done), having hung up the other:
   * nobody is left on a line that leads nowhere.
   */
  private endedMeanwhile(attempt: Attempt): boolean {
    if (attempt.call.stage === 'bridged') return false;
    this.hangUpBoth(attempt, 'normal');
    return true;
  }

  /** Hangs up the agent's leg and the caller's; one already gone refuses, harmlessly. */
  private hangUpBoth(attempt: Attempt, cause: 'normal' | 'failed'): void {
    for (const legId of [attempt.legId!, attempt.call.legId])
      void this.o.control.execute({ type: 'HangUp', legId, cause });
  }

  /** The recording file of `call`; a failing index never keeps the caller from their agent. */
  private async recordingPathFor(call: InboundCall): Promise<string | undefined> {
    const { recording, logger } = this.o;
    if (recording === undefined) return undefined;
    try {
      return await recording.recordingPathFor(call);
    } catch (e) {
      logger.error({ contactId: call.contactId, err: e }, 'recording not started');
      return undefined;
    }
  }

  private async ended(attempt: Attempt, event: LegEnded): Promise<void> {
    this.byLeg.delete(event.legId);
    if (this.current.get(attempt.call.contactId) === attempt) this.current.delete(attempt.call.contactId);
    const { call } = attempt;
    if (attempt.answered) {
      // The bridge hangs up the caller too; the contact ends once, whichever leg reports first.
      return this.endTalk(call, event);
    }
    if (attempt.withdrawn) return;
    await this.refused(attempt, event.cause, event.sipStatus ?? null);
  }

  private async endTalk(call: InboundCall, event: LegEnded): Promise<void> {
    if (call.stage !== 'bridged') return;
    call.stage = 'done';
    const ended = await this.o.contacts.end(call.tenantId, call.contactId, call.callId);
    if (!ended.ok)
      this.o.logger.warn(
        { contactId: call.contactId, rejection: ended.error, party: event.party },
        'end refused',
      );
  }

  private async refused(
    attempt: Attempt,
    cause: LegEnded['cause'] | 'no-device',
    sipStatus: number | null,
  ): Promise<void> {
    const { o } = this;
    const { call, agentId } = attempt;
    if (this.current.get(call.contactId) === attempt) this.current.delete(call.contactId);
    if (call.stage === 'ringing') call.stage = 'queued';
    void o.journal.append(callTarget(call, attempt.legId ?? call.legId), [
      {
        type: 'AgentDeviceFailed',
        data: { contactId: call.contactId, agentId, cause, sipStatus, at: o.clock.now() },
      },
    ]);
    if (call.stage !== 'queued') return;
    const rejected = await o.contacts.rejectOffer(
      call.tenantId as TenantId,
      call.contactId,
      agentId,
      call.callId,
    );
    if (!rejected.ok)
      o.logger.warn({ contactId: call.contactId, rejection: rejected.error }, 'offer refusal not taken');
  }
}
