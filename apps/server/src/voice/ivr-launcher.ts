/**
 * Starts and feeds the IVR sessions of answered inbound calls from call-control events: the
 * caller's `LegAnswered` starts the flow, `DtmfReceived` (SIP INFO) becomes a key press, and the
 * caller's `LegEnded` ends the flow as `caller-hung-up`. RFC 4733 key presses seen by the media
 * layer come in through {@link IvrLauncher.digit}.
 *
 * Type-ahead: keys pressed on a caller's leg before its session exists (the media is open while our
 * 200 OK is on its way) are kept, at most `MAX_TYPE_AHEAD`, and fed to the session when it is
 * created; keys pressed before the flow has started (the caller's profile is still being read)
 * are kept by the interpreter. Either way the flow gets them, in order, once it listens.
 *
 * After-call (post-call survey): a flow that routed its caller with an after-call node is kept
 * parked while the caller waits and talks. When the agent ends the conversation first, call
 * control asks {@link IvrLauncher.keepsCaller} whether to keep the caller's leg; once routing has
 * heard of the end (the agent goes to wrap-up) the parked flow resumes on the kept leg.
 *
 * ```
 *  route (afterCall) ─▶ parked ─▶ bridged ─▶ agent hangs up ─▶ keepsCaller ─▶ kept
 *  kept ─▶ LegEnded (agent) ─▶ CallConversationEnded ─▶ stage after-call ─▶ AgentHungUp ─▶ survey…
 *  parked ─▶ LegEnded (caller) ─▶ forgotten: a caller who hangs up first is asked nothing
 * ```
 */
import { MAX_TYPE_AHEAD } from '@switchboard/ivr';
import type { CallEvent, LegEnded, LegId } from '../calls';
import { IvrSession, type IvrSessionDeps, type ParkedIvr } from './ivr-session';
import { callTarget } from './voice-deps';
import type { InboundCall, VoiceCalls } from './voice-calls';

/** Owns the running IVR sessions, one per call in the IVR, and the parked flows. */
export class IvrLauncher {
  private readonly sessions = new Map<LegId, IvrSession>();
  /** Flows waiting for their caller's conversation to end, by caller leg. */
  private readonly parked = new Map<LegId, ParkedIvr>();
  /** Callers kept on the line after their agent hung up, by the agent's leg, until it is reported. */
  private readonly kept = new Map<LegId, InboundCall>();
  /** Keys pressed before the caller's session existed, by caller leg. */
  private readonly early = new Map<LegId, string>();

  constructor(
    private readonly calls: VoiceCalls,
    private readonly deps: IvrSessionDeps,
  ) {}

  /** Sessions running, and calls whose keys wait for their session (zero once every call left the IVR). */
  get size(): number {
    return this.sessions.size + this.early.size;
  }

  /** Parked flows and kept callers (zero once every call is over). */
  get parkedSize(): number {
    return this.parked.size + this.kept.size;
  }

  /** Timers and prompts outstanding over every session. */
  get outstanding(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.outstanding;
    return n;
  }

  /**
   * Reacts to call events. Must run after the agent legs saw the event: a kept caller's flow
   * resumes only once the agent's contact has ended.
   */
  onEvent(event: CallEvent): void {
    if (event.type === 'LegAnswered') void this.answered(event.legId);
    else if (event.type === 'DtmfReceived') this.digit(event.legId, event.digit);
    else if (event.type === 'LegEnded') this.ended(event);
  }

  /** A key the caller pressed on `legId`; kept when the caller's IVR is not running yet. */
  digit(legId: LegId, digit: string): void {
    const session = this.sessions.get(legId);
    if (session !== undefined) return session.send({ type: 'DigitReceived', digit });
    const call = this.calls.ofLeg(legId);
    if (call?.legId !== legId || call.stage !== 'ivr') return;
    const keys = this.early.get(legId) ?? '';
    if (keys.length < MAX_TYPE_AHEAD) this.early.set(legId, keys + digit);
  }

  /** The session's run has ended: forget it, keeping its flow if it parked for the after-call. */
  release(legId: LegId): void {
    const parked = this.sessions.get(legId)?.parked();
    this.sessions.delete(legId);
    if (parked !== undefined && this.calls.ofLeg(legId) !== undefined) this.parked.set(legId, parked);
  }

  /**
   * Call control's question when the leg bridged to the caller's leg `legId` ended: the caller is
   * kept when it was their agent who ended the conversation (a hang-up on the phone or from the
   * desktop, not a transfer, which unlinks first, nor a failure) and the flow has an after-call
   * node. Synchronous: the answer decides whether the caller is hung up at once.
   */
  keepsCaller(legId: LegId, partnerEnded: LegEnded): boolean {
    const call = this.calls.ofLeg(legId);
    if (call === undefined || call.stage !== 'bridged' || !this.parked.has(legId)) return false;
    const byAgent =
      partnerEnded.answered && partnerEnded.party === 'agent' && partnerEnded.cause === 'normal';
    if (!byAgent || call.agent?.legId !== partnerEnded.legId) return false;
    this.kept.set(partnerEnded.legId, call);
    return true;
  }

  private ended(event: LegEnded): void {
    this.early.delete(event.legId);
    this.sessions.get(event.legId)?.send({ type: 'CallerHungUp' });
    this.parked.delete(event.legId);
    const call = this.kept.get(event.legId);
    if (call === undefined) return;
    this.kept.delete(event.legId);
    this.resume(call, event);
  }

  /** The agent's leg of a kept caller ended: the flow goes on at its after-call node. */
  private resume(call: InboundCall, agentEnded: LegEnded): void {
    const parked = this.parked.get(call.legId);
    if (this.calls.ofLeg(call.legId) !== call) return;
    if (parked === undefined || parked.state.resumeAt === null) {
      // Kept for a flow that is gone: the caller must not be left in silence.
      return this.deps.outcomes.hangUp(call, 'normal');
    }
    this.parked.delete(call.legId);
    call.stage = 'after-call';
    void this.deps.journal.append(callTarget(call, agentEnded.legId), [
      {
        type: 'CallConversationEnded',
        data: {
          contactId: call.contactId,
          agentId: call.agent?.agentId ?? '',
          agentLegId: agentEnded.legId,
          party: agentEnded.party,
          cause: agentEnded.cause,
          resumeAt: parked.state.resumeAt,
          at: agentEnded.at,
        },
      },
    ]);
    const session = new IvrSession(call, this.deps, parked);
    this.sessions.set(call.legId, session);
    session.send({ type: 'AgentHungUp' });
  }

  private async answered(legId: LegId): Promise<void> {
    const call = this.calls.ofLeg(legId);
    if (call === undefined || call.legId !== legId || call.stage !== 'ivr' || this.sessions.has(legId))
      return;
    const session = new IvrSession(call, this.deps);
    this.sessions.set(legId, session);
    // Keys pressed before the answer was reported: the interpreter keeps them until the start.
    for (const digit of this.early.get(legId) ?? '') session.send({ type: 'DigitReceived', digit });
    this.early.delete(legId);
    // A caller who hangs up while the CRM answers has already ended the session (CallerHungUp on an
    // idle session ends it), so this start is then ignored by the interpreter.
    session.start(await call.profile);
  }
}
