import {
  ConferenceMixer,
  FRAME_SAMPLES,
  JitterBuffer,
  type ConferenceParticipant,
  type ConferenceRole,
  type ParticipantOptions,
  type RtpPacketView,
  type RtpPayloadKind,
} from '@switchboard/media';
import type { CallRecorder } from './call-recorder';
import type { RtpSink, SwitchableLeg } from './media-leg-types';
import type { MediaTicker, TickSubscriber } from './media-ticker';

/** How a member takes part: its role, whom it whispers to (a leg id), and mute. */
export interface MemberOptions {
  readonly role?: ConferenceRole;
  /** For `whisper`: the leg id of the only member who hears this one (the agent). */
  readonly whisperTo?: string;
  readonly muted?: boolean;
}

/** One leg in the mix: its packets go through a jitter buffer into its mixer input. */
class Member implements RtpSink {
  readonly buffer: JitterBuffer;

  constructor(
    readonly leg: SwitchableLeg,
    readonly participant: ConferenceParticipant,
  ) {
    this.buffer = new JitterBuffer({ law: leg.codec.law, initialDelayMs: 40, maxDelayMs: 200 });
  }

  receiveRtp(packet: RtpPacketView, kind: RtpPayloadKind, nowMs: number): void {
    // Key presses stay with the leg (reported to signalling); they are not mixed.
    if (kind !== 'pcmu' && kind !== 'pcma') return;
    this.buffer.push(packet.timestamp, packet.bytes, nowMs, packet.payloadOffset, packet.payloadLength);
  }
}

/**
 * A conference of legs on one media thread: every 20 ms tick it takes one frame from each member's
 * jitter buffer (reordering, and concealing losses as G.711 Appendix I suggests), lets the media
 * package's {@link ConferenceMixer} give each member the others' sum minus itself (with listen,
 * whisper, barge and mute), and sends each member its mix in its own law.
 *
 * Recording: a bridge's {@link CallRecorder} carries on here, fed by the mix. The left channel is
 * what the recorded member (the caller) says; the right is everything the caller hears: the agent,
 * a third party, and a barging supervisor. A whispering or listening supervisor is heard by the
 * caller not at all, so is not in the recording. A muted caller is recorded as silence.
 */
export class Conference implements TickSubscriber {
  private readonly mixer = new ConferenceMixer(FRAME_SAMPLES);
  private readonly members = new Map<string, Member>();
  private readonly right = new Int16Array(FRAME_SAMPLES);
  private readonly silence = new Int16Array(FRAME_SAMPLES);
  private closed = false;

  constructor(
    private readonly ticker: MediaTicker,
    /** The recording taken over from a bridge, and the leg whose voice is its left channel. */
    readonly recording?: { readonly recorder: CallRecorder; readonly leftLegId: string },
  ) {
    recording?.recorder.takeFrames();
    ticker.subscribe(this);
  }

  /** Members now. */
  get size(): number {
    return this.members.size;
  }

  /** The legs in the mix, in the order they joined. */
  get legs(): SwitchableLeg[] {
    return [...this.members.values()].map((m) => m.leg);
  }

  has(legId: string): boolean {
    return this.members.has(legId);
  }

  /** How `legId` takes part, while it is a member. */
  optionsOf(legId: string): Required<Pick<MemberOptions, 'role' | 'muted'>> & MemberOptions {
    const p = this.members.get(legId)?.participant;
    if (p === undefined) return { role: 'party', muted: false };
    return { role: p.role, muted: p.muted, ...(p.whisperTo === undefined ? {} : { whisperTo: p.whisperTo }) };
  }

  /** Adds `leg` (its packets now come here), or changes how it takes part when it is a member. */
  add(leg: SwitchableLeg, options: MemberOptions = {}): void {
    if (this.members.has(leg.id)) return void this.update(leg.id, options);
    const member = new Member(leg, this.mixer.add(leg.id, participantOptions(options)));
    this.members.set(leg.id, member);
    leg.setSink(member);
  }

  /** Changes role, whisper target or mute; fields left out keep their value. */
  update(legId: string, options: MemberOptions): boolean {
    return this.mixer.update(legId, participantOptions(options));
  }

  /** Takes `legId` out; its packets go nowhere until it is connected again. */
  remove(legId: string): SwitchableLeg | undefined {
    const member = this.members.get(legId);
    if (member === undefined) return undefined;
    this.members.delete(legId);
    this.mixer.remove(legId);
    member.leg.setSink(undefined);
    return member.leg;
  }

  /** Stops mixing and lets every member go; the recorder, if any, stays open for the caller. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ticker.unsubscribe(this);
    for (const id of [...this.members.keys()]) this.remove(id);
  }

  /** Ticker hook: one mixed frame per due frame. */
  onTick(frames: number, nowMs: number): void {
    for (let f = 0; f < frames; f++) this.mixFrame(nowMs);
  }

  private mixFrame(nowMs: number): void {
    for (const m of this.members.values()) {
      m.buffer.pull(nowMs, m.participant.input);
      m.participant.hasInput = true;
    }
    const left = this.recording === undefined ? undefined : this.members.get(this.recording.leftLegId);
    // Without its caller a recording's right channel is everyone heard by all.
    if (this.recording !== undefined && left === undefined) this.sumPublic();
    const leftSpeaks = left !== undefined && !left.participant.muted;
    // The mixer reads inputs and writes outputs only: the caller's input is still this frame's.
    const leftInput = leftSpeaks ? left.participant.input : this.silence;
    this.mixer.mix();
    for (const m of this.members.values()) m.leg.sendLinear(m.participant.output);
    if (this.recording === undefined) return;
    this.recording.recorder.writeFrame(leftInput, left === undefined ? this.right : left.participant.output);
  }

  private sumPublic(): void {
    const right = this.right;
    right.fill(0);
    for (const m of this.members.values()) {
      const p = m.participant;
      if (!p.speaksToAll) continue;
      for (let i = 0; i < FRAME_SAMPLES; i++) {
        const v = right[i]! + p.input[i]!;
        right[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
    }
  }
}

function participantOptions(o: MemberOptions): ParticipantOptions {
  return {
    ...(o.role === undefined ? {} : { role: o.role }),
    ...(o.whisperTo === undefined ? {} : { whisperTo: o.whisperTo }),
    ...(o.muted === undefined ? {} : { muted: o.muted }),
  };
}
