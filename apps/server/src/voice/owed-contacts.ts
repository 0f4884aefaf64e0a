/**
 * Contacts the center owes a caller who is no longer on the line: voicemails to listen to and
 * callbacks to place (issue 6 item 8). Routing reserves an agent for them like for any contact;
 * here the agent's device is rung first, and only once the agent answers does the work start:
 * - a **voicemail** is played to the agent (`AnswerContact`, {@link VoicemailListening}): the
 *   agent may replay it with a key, and the agent's hang-up, or a short tail of silence after it,
 *   releases the leg and ends the contact, which puts the agent in wrap-up to call back;
 * - a **callback** dials the customer through the {@link OutboundDialer} while the agent hears
 *   music; when the customer answers the contact is answered and the two are bridged (recorded
 *   like any call). A customer who is busy or does not answer is `ReportCallbackFailed`, which
 *   routing retries per the queue's policy; an agent who does not answer is `RejectOffer`, which
 *   offers the contact to the next agent.
 *
 * ```
 *  ring agent ─▶ answered ─▶ voicemail: AnswerContact ─▶ play (⟲ replay) ─▶ tail or hang-up ─▶ EndContact
 *       │                └▶ callback: dial customer ─▶ answered ─▶ AnswerContact + Bridge ─▶ … ─▶ EndContact
 *       │                                           └▶ busy / no answer ─▶ ReportCallbackFailed
 *       └▶ refused / gave up ─▶ RejectOffer            StopRinging (timeout) ─▶ every leg hung up
 * ```
 */
import type { Clock, TenantId, Timers } from '@switchboard/kernel';
import type { CallEvent, LegEnded, LegId } from '../calls';
import { anonymousProfile, type CallerProfiles } from './caller-profiles';
import type { CallJournal } from './call-journal';
import type { LegAnnouncements } from './leg-announcements';
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
import { VOICEMAIL_REPLAY_KEY, VoicemailListening } from './voicemail-listening';

/** Routing's request: who is reserved for which owed contact until when. */
export interface OwedRequest {
  readonly tenantId: TenantId;
  readonly contactId: string;
  readonly agentId: string;
  readonly until: number;
}

type Phase = 'ringing' | 'connecting' | 'talking' | 'done';

interface Attempt extends OwedRequest {
  readonly kind: 'voicemail' | 'callback';
  readonly number: string;
  agentLeg: LegId | undefined;
  customerLeg: LegId | undefined;
  phase: Phase;
  /** Routing took the offer back (timeout, rescinded): nothing is reported for it any more. */
  withdrawn: boolean;
  /** The voicemail being played to the agent, and its file (released when the attempt ends). */
  listening: { readonly audio: StoredVoicemail; readonly on: VoicemailListening } | undefined;
}

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

/** Voicemail playbacks and callbacks under way on this node. */
export class OwedContacts implements VoicemailContacts {
  private readonly byContact = new Map<string, Attempt>();
  private readonly byLeg = new Map<LegId, Attempt>();
  private readonly voicemails = new Map<string, { stored: StoredVoicemail; callerNumber: string }>();

  constructor(private readonly o: OwedContactsOptions) {}

  /** Legs alive for owed contacts (zero when none rings or talks). */
  get size(): number {
    return this.byLeg.size;
  }

  /** True when callbacks can be dialed. */
  get canDial(): boolean {
    return this.o.dialer !== undefined;
  }

  remember(contactId: string, stored: StoredVoicemail, callerNumber: string): void {
    this.voicemails.set(contactId, { stored, callerNumber });
  }

  /** Routing offers a voicemail contact to an agent. */
  async offerVoicemail(r: OwedRequest): Promise<void> {
    const known = this.voicemails.get(r.contactId);
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
   * A key pressed on a leg (RFC 4733 or SIP INFO): {@link VOICEMAIL_REPLAY_KEY} on the leg of an
   * agent listening to a voicemail plays it again. True when the key was taken.
   */
  digit(legId: LegId, digit: string): boolean {
    const a = this.byLeg.get(legId);
    if (a === undefined || legId !== a.agentLeg || a.listening === undefined) return false;
    if (digit !== VOICEMAIL_REPLAY_KEY || !a.listening.on.replay()) return false;
    void this.o.journal.append(this.target(a, legId), [
      {
        type: 'VoicemailReplayed',
        data: { contactId: a.contactId, agentId: a.agentId, legId, at: this.o.clock.now() },
      },
    ]);
    return true;
  }

  onEvent(event: CallEvent): void {
    if (event.type === 'DtmfReceived') return void this.digit(event.legId, event.digit);
    if (event.type !== 'LegAnswered' && event.type !== 'LegEnded') return;
    const a = this.byLeg.get(event.legId);
    if (a === undefined) return;
    const agentSide = event.legId === a.agentLeg;
    if (event.type === 'LegAnswered') void (agentSide ? this.agentAnswered(a) : this.customerAnswered(a));
    else {
      this.byLeg.delete(event.legId);
      void (agentSide ? this.agentEnded(a, event) : this.customerEnded(a, event));
    }
  }

  private async ringAgent(
    init: OwedRequest & { kind: Attempt['kind']; number: string },
    voicemail: StoredVoicemail | undefined,
  ): Promise<void> {
    const { o } = this;
    const a: Attempt = {
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
    void o.journal.append(this.target(a, a.agentLeg), [
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
    const stored = voicemail ?? (a.kind === 'voicemail' ? await this.storedVoicemail(a) : undefined);
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

  private async storedVoicemail(a: Attempt): Promise<StoredVoicemail | undefined> {
    const known = this.voicemails.get(a.contactId)?.stored;
    if (known !== undefined) return known;
    // After a restart memory is gone, the recordings index is not.
    return this.o.store.find(a.tenantId, a.contactId).catch(() => undefined);
  }

  private async agentAnswered(a: Attempt): Promise<void> {
    const { o } = this;
    if (a.withdrawn || a.phase !== 'ringing') return this.hangUp(a.agentLeg, 'cancelled');
    if (a.kind === 'callback') return this.dialCustomer(a);
    const [stored, tail] = await Promise.all([
      this.storedVoicemail(a),
      o.signals.voicemailTail().catch((e: unknown) => {
        o.logger.warn({ contactId: a.contactId, err: e }, 'voicemail tail not rendered: it plays nothing');
        return undefined;
      }),
    ]);
    const answered = await o.contacts.answer(a.tenantId, a.contactId, a.agentId);
    if (!answered.ok || stored === undefined || a.phase !== 'ringing') {
      if (answered.ok) o.logger.error({ contactId: a.contactId }, 'voicemail audio not found');
      else o.logger.warn({ contactId: a.contactId, rejection: answered.error }, 'answer refused by routing');
      if (!answered.ok) a.withdrawn = true;
      a.phase = answered.ok ? 'talking' : a.phase;
      return this.hangUp(a.agentLeg, 'normal');
    }
    a.phase = 'talking';
    this.voicemails.delete(a.contactId);
    void o.journal.append(this.target(a, a.agentLeg!), [
      {
        type: 'VoicemailPlayed',
        data: { contactId: a.contactId, agentId: a.agentId, legId: a.agentLeg!, at: o.clock.now() },
      },
    ]);
    const on = new VoicemailListening({
      announcements: o.announcements,
      timers: o.timers,
      legId: a.agentLeg!,
      audio: { path: stored.path, durationMs: stored.durationMs },
      ...(tail === undefined ? {} : { tail }),
      // Heard to the end and the tail passed: the agent's leg is released, and its end ends the
      // contact into wrap-up.
      onOver: () => this.hangUp(a.agentLeg, 'normal'),
    });
    a.listening = { audio: stored, on };
    on.start();
  }

  private async dialCustomer(a: Attempt): Promise<void> {
    const { o } = this;
    a.phase = 'connecting';
    o.music.start(a.agentLeg!);
    const route = o.dialer === undefined ? undefined : await o.dialer.route(a.tenantId, a.number);
    if (a.phase !== 'connecting' || a.withdrawn) return;
    if (route === undefined || !route.ok) {
      o.logger.warn(
        { contactId: a.contactId, rejection: route?.error },
        'callback not placed: no outbound route',
      );
      return this.customerFailed(a, 'unavailable', null);
    }
    const out = await o.control.execute({
      type: 'Originate',
      request: {
        targets: route.value.targets,
        callerId: route.value.callerId,
        timeoutMs: Math.max(1000, a.until - o.clock.now()),
        role: 'customer',
      },
    });
    if (!out.ok || out.value.legId === undefined) return this.customerFailed(a, 'failed', null);
    a.customerLeg = out.value.legId;
    this.byLeg.set(a.customerLeg, a);
    void o.journal.append(this.target(a, a.customerLeg), [
      {
        type: 'CallbackDialed',
        data: {
          contactId: a.contactId,
          agentId: a.agentId,
          agentLegId: a.agentLeg!,
          customerLegId: a.customerLeg,
          at: o.clock.now(),
        },
      },
    ]);
    if (a.withdrawn || a.phase !== 'connecting') this.hangUp(a.customerLeg, 'cancelled');
  }

  private async customerAnswered(a: Attempt): Promise<void> {
    const { o } = this;
    if (a.withdrawn || a.phase !== 'connecting') return this.hangUp(a.customerLeg, 'cancelled');
    a.phase = 'talking';
    const answered = await o.contacts.answer(a.tenantId, a.contactId, a.agentId);
    if (!answered.ok) {
      o.logger.warn(
        { contactId: a.contactId, rejection: answered.error },
        'callback answer refused by routing',
      );
      a.withdrawn = true;
      return this.finish(a, 'cancelled');
    }
    o.music.stop(a.agentLeg!);
    const path = await this.recordingPathFor(a);
    const bridged = await o.control.execute({
      type: 'Bridge',
      // The customer first: recordings put the customer on the left channel, the agent on the right.
      legIds: [a.customerLeg!, a.agentLeg!],
      ...(path === undefined ? {} : { recordingPath: path }),
    });
    if (!bridged.ok)
      o.logger.error({ contactId: a.contactId, rejection: bridged.error }, 'callback bridge failed');
    else
      void o.journal.append(this.target(a, a.customerLeg!), [
        {
          type: 'CallBridged',
          data: {
            contactId: a.contactId,
            agentId: a.agentId,
            callerLegId: a.customerLeg!,
            agentLegId: a.agentLeg!,
            at: o.clock.now(),
          },
        },
      ]);
  }

  private async recordingPathFor(a: Attempt): Promise<string | undefined> {
    const { recording, logger } = this.o;
    if (recording === undefined) return undefined;
    try {
      return await recording.recordingPathFor({
        tenantId: a.tenantId,
        contactId: a.contactId,
        callId: a.contactId,
      });
    } catch (e) {
      logger.error({ contactId: a.contactId, err: e }, 'recording not started');
      return undefined;
    }
  }

  private async agentEnded(a: Attempt, event: LegEnded): Promise<void> {
    const phase = a.phase;
    if (phase === 'talking') return this.endTalk(a);
    if (phase === 'done') return this.forgetIfIdle(a);
    // The agent never answered, refused, or gave up while the customer was being dialed.
    this.finish(a, 'cancelled');
    if (!a.withdrawn) await this.agentFailed(a, event.cause, event.sipStatus ?? null);
  }

  private async customerEnded(a: Attempt, event: LegEnded): Promise<void> {
    if (a.phase === 'talking') return this.endTalk(a);
    if (a.phase !== 'connecting') return this.forgetIfIdle(a);
    if (a.withdrawn) return this.finish(a, 'cancelled');
    await this.customerFailed(a, event.cause, event.sipStatus ?? null);
  }

  /** The conversation (or the voicemail playback) is over: the contact ends once. */
  private async endTalk(a: Attempt): Promise<void> {
    this.finish(a, 'normal');
    const ended = await this.o.contacts.end(a.tenantId, a.contactId);
    if (!ended.ok) this.o.logger.warn({ contactId: a.contactId, rejection: ended.error }, 'end refused');
  }

  private async agentFailed(a: Attempt, cause: string, sipStatus: number | null): Promise<void> {
    const { o } = this;
    this.finish(a, 'cancelled');
    void o.journal.append(this.target(a, a.agentLeg ?? a.contactId), [
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

  private async customerFailed(a: Attempt, cause: string, sipStatus: number | null): Promise<void> {
    const { o } = this;
    this.finish(a, 'cancelled');
    void o.journal.append(this.target(a, a.customerLeg ?? a.contactId), [
      {
        type: 'CallbackFailed',
        data: { contactId: a.contactId, agentId: a.agentId, cause, sipStatus, at: o.clock.now() },
      },
    ]);
    const failed = await o.contacts.send(a.tenantId, {
      type: 'ReportCallbackFailed',
      contactId: a.contactId,
    });
    if (!failed.ok)
      o.logger.warn({ contactId: a.contactId, rejection: failed.error }, 'callback failure not taken');
  }

  /** Marks the attempt over and hangs up whatever leg is still up. */
  private finish(a: Attempt, cause: 'normal' | 'cancelled'): void {
    if (a.phase === 'done') return;
    a.phase = 'done';
    if (a.listening !== undefined) {
      a.listening.on.cancel();
      this.o.releaseAudio?.(a.listening.audio.path);
      a.listening = undefined;
    }
    if (a.agentLeg !== undefined && this.byLeg.has(a.agentLeg)) this.hangUp(a.agentLeg, cause);
    if (a.customerLeg !== undefined && this.byLeg.has(a.customerLeg)) this.hangUp(a.customerLeg, cause);
    this.forgetIfIdle(a);
  }

  private forgetIfIdle(a: Attempt): void {
    const live = (leg: LegId | undefined) => leg !== undefined && this.byLeg.has(leg);
    if (!live(a.agentLeg) && !live(a.customerLeg)) this.forget(a);
  }

  private forget(a: Attempt): void {
    if (this.byContact.get(a.contactId) === a) this.byContact.delete(a.contactId);
  }

  private hangUp(legId: LegId | undefined, cause: 'normal' | 'cancelled'): void {
    if (legId !== undefined) void this.o.control.execute({ type: 'HangUp', legId, cause });
  }

  private target(a: Attempt, causationId: string) {
    return {
      tenantId: a.tenantId,
      streamId: `contact-${a.contactId}`,
      correlationId: a.contactId,
      causationId,
    };
  }
}

/** The contact a callback was made from: routing's `<id>:callback`, or the IVR's `<id>-callback`. */
function originOf(contactId: string): string | null {
  const m = /^(.*)(?::callback|-callback)$/.exec(contactId);
  return m === null ? null : m[1]!;
}
