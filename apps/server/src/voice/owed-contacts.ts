/**
 * Contacts the center owes a caller who is no longer on the line: voicemails to listen to and
 * callbacks to place (issue 6 item 8). Routing reserves an agent for them like for any contact;
 * here the agent's device is rung first, and only once the agent answers does the work start:
 * - a **voicemail** is played to the agent (`AnswerContact`, {@link OwedVoicemails}): the
 *   agent may replay it with a key, and the agent's hang-up, or a short tail of silence after it,
 *   releases the leg and ends the contact, which puts the agent in wrap-up to call back;
 * - a **callback** ({@link OwedCallbacks}) dials the customer through the {@link OutboundDialer}
 *   while the agent hears music; when the customer answers the contact is answered and the two
 *   are bridged (recorded like any call). A customer who is busy or does not answer is
 *   `ReportCallbackFailed`, which routing retries per the queue's policy; an agent who does not
 *   answer is `RejectOffer`, which offers the contact to the next agent.
 *
 * ```
 *  ring agent ─▶ answered ─▶ voicemail: AnswerContact ─▶ play (⟲ replay) ─▶ tail or hang-up ─▶ EndContact
 *       │                └▶ callback: dial customer ─▶ answered ─▶ AnswerContact + Bridge ─▶ … ─▶ EndContact
 *       │                                           └▶ busy / no answer ─▶ ReportCallbackFailed
 *       └▶ refused / gave up ─▶ RejectOffer            StopRinging (timeout) ─▶ every leg hung up
 * ```
 */
import type { Clock, Timers } from '@switchboard/kernel';
import type { CallEvent, LegEnded, LegId } from '../calls';
import { anonymousProfile, type CallerProfiles } from './caller-profiles';
import type { CallJournal } from './call-journal';
import type { LegAnnouncements } from './leg-announcements';
import { journalTarget, type OwedAttempt, type OwedLegs, type OwedRequest } from './owed-attempt';
import { OwedCallbacks } from './owed-callbacks';
import { OwedVoicemails } from './owed-voicemails';
import type { CallCommands, Contacts, VoiceLogger } from './voice-deps';
import type {
  AgentDevices,
  CallRecordingPolicy,
  HoldMusic,
  OutboundDialer,
  ScreenPopPublisher,
  SignalAudio,
  StoredVoicemail,
  VoicemailStore,
} from './voice-ports';
import type { VoicemailContacts } from './voicemail-desk';

export type { OwedRequest } from './owed-attempt';

/** Collaborators of {@link OwedContacts}. */
export interface OwedContactsOptions {
  readonly devices: AgentDevices;
  readonly profiles: CallerProfiles;
  readonly store: VoicemailStore;
  readonly announcements: LegAnnouncements;
  readonly control: CallCommands;
  readonly contacts: Contacts;
  readonly music: HoldMusic;
  readonly journal: CallJournal;
  readonly clock: Clock;
  /** The tail after a voicemail played to an agent: its length, and the silence it plays. */
  readonly timers: Timers;
  readonly signals: Pick<SignalAudio, 'voicemailTail'>;
  readonly logger: VoiceLogger;
  /** Calls out for callbacks; without it callbacks fail at once (no outbound trunk). */
  readonly dialer?: OutboundDialer;
  readonly recording?: CallRecordingPolicy;
  readonly screenPops?: ScreenPopPublisher;
  /** Extra device ring time past routing's deadline, as for inbound calls; default 2 s. */
  readonly ringGraceMs?: number;
  /** A voicemail's audio is done with (its contact ended): caches may drop it. */
  readonly releaseAudio?: (path: string) => void;
}

/**
 * Voicemail playbacks and callbacks under way on this node: the attempts by contact and by leg,
 * the agent's ring and its outcome, and the end of each attempt; what happens once the agent
 * answers is {@link OwedVoicemails}' or {@link OwedCallbacks}'.
 */
export class OwedContacts implements VoicemailContacts {
  private readonly byContact = new Map<string, OwedAttempt>();
  private readonly byLeg = new Map<LegId, OwedAttempt>();
  private readonly voicemails: OwedVoicemails;
  private readonly callbacks: OwedCallbacks;

  constructor(private readonly o: OwedContactsOptions) {
    const legs: OwedLegs = {
      bind: (a, legId) => void this.byLeg.set(legId, a),
      finish: (a, cause) => this.finish(a, cause),
      hangUp: (legId, cause) => this.hangUp(legId, cause),
    };
    this.voicemails = new OwedVoicemails(o, legs);
    this.callbacks = new OwedCallbacks(o, legs);
  }

  /** Legs alive for owed contacts (zero when none rings or talks). */
  get size(): number {
    return this.byLeg.size;
  }

  /** True when callbacks can be dialed. */
  get canDial(): boolean {
    return this.o.dialer !== undefined;
  }

  remember(contactId: string, stored: StoredVoicemail, callerNumber: string): void {
    this.voicemails.remember(contactId, stored, callerNumber);
  }

  /** Routing offers a voicemail contact to an agent. */
  async offerVoicemail(r: OwedRequest): Promise<void> {
    const known = this.voicemails.knownOf(r.contactId);
    await this.ringAgent({ ...r, kind: 'voicemail', number: known?.callerNumber ?? '' }, known?.stored);
  }

  /** Routing reserved an agent to call `number` back. */
  async placeCallback(r: OwedRequest & { readonly number: string }): Promise<void> {
    await this.ringAgent({ ...r, kind: 'callback' }, undefined);
  }

  /** Routing withdrew the offer (`StopRinging`): legs that are not talking yet are hung up. */
  withdraw(contactId: string, agentId: string): void {
    const a = this.byContact.get(contactId);
    if (a === undefined || a.agentId !== agentId || a.phase === 'talking' || a.phase === 'done') return;
    a.withdrawn = true;
    this.finish(a, 'cancelled');
  }

  /**
   * A key pressed on a leg (RFC 4733 or SIP INFO): the replay key (`VOICEMAIL_REPLAY_KEY`) on the
   * leg of an agent listening to a voicemail plays it again. True when the key was taken.
   */
  digit(legId: LegId, digit: string): boolean {
    const a = this.byLeg.get(legId);
    if (a === undefined || legId !== a.agentLeg) return false;
    return this.voicemails.replay(a, legId, digit);
  }

  onEvent(event: CallEvent): void {
    if (event.type === 'DtmfReceived') return void this.digit(event.legId, event.digit);
    if (event.type !== 'LegAnswered' && event.type !== 'LegEnded') return;
    const a = this.byLeg.get(event.legId);
    if (a === undefined) return;
    const agentSide = event.legId === a.agentLeg;
    if (event.type === 'LegAnswered') void (agentSide ? this.agentAnswered(a) : this.callbacks.answered(a));
    else {
      this.byLeg.delete(event.legId);
      void (agentSide ? this.agentEnded(a, event) : this.customerEnded(a, event));
    }
  }

  private async ringAgent(
    init: OwedRequest & { kind: OwedAttempt['kind']; number: string },
    voicemail: StoredVoicemail | undefined,
  ): Promise<void> {
    const { o } = this;
    const a: OwedAttempt = {
      ...init,
      agentLeg: undefined,
      customerLeg: undefined,
      phase: 'ringing',
      withdrawn: false,
      listening: undefined,
    };
    this.byContact.set(a.contactId, a);
    const [targets, profile] = await Promise.all([
      o.devices.targetsFor(a.tenantId, a.agentId),
      a.number === ''
        ? Promise.resolve(anonymousProfile(''))
        : o.profiles.profileOf(a.tenantId, a.number).catch(() => anonymousProfile(a.number)),
    ]);
    if (a.withdrawn) return this.forget(a);
    if (targets.length === 0) return this.agentFailed(a, 'no-device', null);
    const out = await o.control.execute({
      type: 'Originate',
      request: {
        targets,
        callerId: { number: profile.number === '' ? 'voicemail' : profile.number },
        timeoutMs: Math.max(1000, a.until - o.clock.now() + (o.ringGraceMs ?? 2000)),
        role: 'agent',
      },
    });
    if (!out.ok || out.value.legId === undefined) return this.agentFailed(a, 'failed', null);
    a.agentLeg = out.value.legId;
    this.byLeg.set(a.agentLeg, a);
    void o.journal.append(journalTarget(a, a.agentLeg), [
      {
        type: 'AgentDeviceRung',
        data: {
          contactId: a.contactId,
          agentId: a.agentId,
          legId: a.agentLeg,
          targets: targets.length,
          at: o.clock.now(),
        },
      },
    ]);
    if (a.withdrawn) return this.finish(a, 'cancelled');
    const stored = voicemail ?? (a.kind === 'voicemail' ? await this.voicemails.stored(a) : undefined);
    if (o.screenPops !== undefined && profile.screenPop !== undefined)
      try {
        o.screenPops.publish({
          tenantId: a.tenantId,
          contactId: a.contactId,
          agentId: a.agentId,
          screenPop: {
            ...profile.screenPop,
            ...(stored === undefined
              ? {}
              : {
                  voicemail: {
                    recordingId: stored.recordingId,
                    audioUrl: stored.audioUrl,
                    durationMs: stored.durationMs,
                  },
                }),
            ...(a.kind === 'callback' ? { callback: { originContactId: originOf(a.contactId) } } : {}),
          },
        });
      } catch (e) {
        o.logger.error({ contactId: a.contactId, err: e }, 'screen pop not published');
      }
  }

  private async agentAnswered(a: OwedAttempt): Promise<void> {
    if (a.withdrawn || a.phase !== 'ringing') return this.hangUp(a.agentLeg, 'cancelled');
    return a.kind === 'callback' ? this.callbacks.dial(a) : this.voicemails.play(a);
  }

  private async agentEnded(a: OwedAttempt, event: LegEnded): Promise<void> {
    const phase = a.phase;
    if (phase === 'talking') return this.endTalk(a);
    if (phase === 'done') return this.forgetIfIdle(a);
    // The agent never answered, refused, or gave up while the customer was being dialed.
    this.finish(a, 'cancelled');
    if (!a.withdrawn) await this.agentFailed(a, event.cause, event.sipStatus ?? null);
  }

  private async customerEnded(a: OwedAttempt, event: LegEnded): Promise<void> {
    if (a.phase === 'talking') return this.endTalk(a);
    if (a.phase !== 'connecting') return this.forgetIfIdle(a);
    if (a.withdrawn) return this.finish(a, 'cancelled');
    await this.callbacks.failed(a, event.cause, event.sipStatus ?? null);
  }

  /** The conversation (or the voicemail playback) is over: the contact ends once. */
  private async endTalk(a: OwedAttempt): Promise<void> {
    this.finish(a, 'normal');
    const ended = await this.o.contacts.end(a.tenantId, a.contactId);
    if (!ended.ok) this.o.logger.warn({ contactId: a.contactId, rejection: ended.error }, 'end refused');
  }

  private async agentFailed(a: OwedAttempt, cause: string, sipStatus: number | null): Promise<void> {
    const { o } = this;
    this.finish(a, 'cancelled');
    void o.journal.append(journalTarget(a, a.agentLeg ?? a.contactId), [
      {
        type: 'AgentDeviceFailed',
        data: {
          contactId: a.contactId,
          agentId: a.agentId,
          cause: cause as LegEnded['cause'],
          sipStatus,
          at: o.clock.now(),
        },
      },
    ]);
    const rejected = await o.contacts.rejectOffer(a.tenantId, a.contactId, a.agentId);
    if (!rejected.ok)
      o.logger.warn({ contactId: a.contactId, rejection: rejected.error }, 'offer refusal not taken');
  }

  /** Marks the attempt over and hangs up whatever leg is still up. */
  private finish(a: OwedAttempt, cause: 'normal' | 'cancelled'): void {
    if (a.phase === 'done') return;
    a.phase = 'done';
    this.voicemails.stop(a);
    if (a.agentLeg !== undefined && this.byLeg.has(a.agentLeg)) this.hangUp(a.agentLeg, cause);
    if (a.customerLeg !== undefined && this.byLeg.has(a.customerLeg)) this.hangUp(a.customerLeg, cause);
    this.forgetIfIdle(a);
  }

  private forgetIfIdle(a: OwedAttempt): void {
    const live = (leg: LegId | undefined) => leg !== undefined && this.byLeg.has(leg);
    if (!live(a.agentLeg) && !live(a.customerLeg)) this.forget(a);
  }

  private forget(a: OwedAttempt): void {
    if (this.byContact.get(a.contactId) === a) this.byContact.delete(a.contactId);
  }

  private hangUp(legId: LegId | undefined, cause: 'normal' | 'cancelled'): void {
    if (legId !== undefined) void this.o.control.execute({ type: 'HangUp', legId, cause });
  }
}

/** The contact a callback was made from: routing's `<id>:callback`, or the IVR's `<id>-callback`. */
function originOf(contactId: string): string | null {
  const m = /^(.*)(?::callback|-callback)$/.exec(contactId);
  return m === null ? null : m[1]!;
}
