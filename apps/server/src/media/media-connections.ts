import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { Bridge } from './bridge';
import type { CallRecorder, RecordingSummary } from './call-recorder';
import { Conference, type MemberOptions } from './conference';
import type { SwitchableLeg } from './media-leg-types';
import type { MediaService } from './media-service';

/** What the connections of one media thread are built from. */
export interface MediaConnectionsOptions {
  readonly media: Pick<MediaService, 'ticker' | 'recorder'>;
  /** A recording was finished (its connection dissolved); `summary.error` when writing failed. */
  readonly onRecordingClosed?: (summary: RecordingSummary) => void;
}

type Connection = Bridge | Conference;

const reject = (code: string, message: string, details?: Record<string, unknown>) =>
  err(rejection(code, message, details));

/**
 * Who talks to whom on one media thread. A leg is in at most one connection: a two-party
 * {@link Bridge} (packets relayed as they arrive, no added delay) or a {@link Conference} (mixed
 * through jitter buffers each tick). A bridge becomes a conference when a third leg joins (a
 * supervisor, a three-way call) or a member is muted, and the conference becomes a bridge again
 * when it is back to two unmuted parties, with the same {@link CallRecorder} throughout, so a
 * monitored call stays one recording (caller left, what the caller hears right).
 *
 * A recording belongs to its caller (the left leg), not to one connection: a connection dissolved
 * with `keepRecording` (hold, a transfer) leaves the recorder with the caller, writing silence
 * ({@link CallRecorder.hold}), and the caller's next connection without a recording path carries
 * it on, so held and transferred calls stay one file. It is finished when the caller leg leaves
 * for good ({@link leave}, on close), or when a connection with a new recording path replaces it.
 */
export class MediaConnections {
  private readonly byLeg = new Map<string, Connection>();
  /** Recordings of callers connected to nobody for now, by caller leg. */
  private readonly held = new Map<string, CallRecorder>();

  constructor(private readonly o: MediaConnectionsOptions) {}

  /** Legs in a bridge or conference, and recordings held for callers connected to nobody. */
  get activity(): { readonly connectedLegs: number; readonly heldRecordings: number } {
    return { connectedLegs: this.byLeg.size, heldRecordings: this.held.size };
  }

  /** The connection `legId` is in. */
  of(legId: string): Connection | undefined {
    return this.byLeg.get(legId);
  }

  /** How `legId` takes part in its conference; `undefined` when it is not in one. */
  memberOptions(legId: string): MemberOptions | undefined {
    const c = this.byLeg.get(legId);
    return c instanceof Conference ? c.optionsOf(legId) : undefined;
  }

  /**
   * Bridges `a` (the caller: left channel) and `b`, each leaving its connection first (their
   * recordings kept); with `recordingPath`, records the call there, finishing a recording `a` had.
   * Without one, a recording either leg holds carries on, its caller staying on the left. A
   * recording that cannot start is refused here; the caller decides whether to connect unrecorded.
   */
  async connect(
    a: SwitchableLeg,
    b: SwitchableLeg,
    recordingPath?: string,
  ): Promise<Result<void, Rejection>> {
    if (a.id === b.id) return reject('MEDIA.SAME_LEG', 'a leg cannot be connected to itself');
    void this.disconnect(a.id, true);
    void this.disconnect(b.id, true);
    let recorder: CallRecorder | undefined;
    if (recordingPath !== undefined) {
      const started = await this.o.media.recorder(recordingPath, a.codec.law, b.codec.law);
      if (!started.ok) return started;
      recorder = started.value;
    }
    // Connected elsewhere while the file opened: the newer connection wins.
    void this.disconnect(a.id, true);
    void this.disconnect(b.id, true);
    if (recorder !== undefined) {
      void this.finish(this.takeHeld(a.id));
      this.track(new Bridge(a, b, recorder));
      return ok(undefined);
    }
    const [left, right] = this.held.has(a.id) || !this.held.has(b.id) ? [a, b] : [b, a];
    const carried = this.takeHeld(left.id);
    carried?.unhold(left.codec.law, right.codec.law);
    this.track(new Bridge(left, right, carried));
    return ok(undefined);
  }

  /**
   * Dissolves the whole connection `legId` is in and finishes its recording; resolves with the
   * recording's outcome when there was one. With `keepRecording` (hold, a transfer: the call goes
   * on) the recording stays with its caller instead, writing silence until the caller's next
   * connection, and this resolves with `undefined`.
   */
  disconnect(legId: string, keepRecording = false): Promise<RecordingSummary | undefined> {
    const c = this.byLeg.get(legId);
    if (c === undefined) return Promise.resolve(undefined);
    this.untrack(c);
    let recorder: CallRecorder | undefined;
    let callerId: string | undefined;
    if (c instanceof Bridge) {
      c.unbridge();
      recorder = c.recorder;
      callerId = c.caller.id;
    } else {
      recorder = c.recording?.recorder;
      // A conference that lost its caller has nobody to keep the recording for.
      callerId =
        c.recording !== undefined && c.has(c.recording.leftLegId) ? c.recording.leftLegId : undefined;
      c.close();
    }
    if (!keepRecording || recorder === undefined || !recorder.open || callerId === undefined)
      return this.finish(recorder);
    this.hold(callerId, recorder);
    return Promise.resolve(undefined);
  }

  /**
   * Joins `leg` to whatever `to` is connected to: a bridge becomes a conference (recording carried
   * over), a conference gains a member, and an unconnected `to` starts a conference of the two.
   * A leg already in `to`'s conference is updated instead.
   */
  join(leg: SwitchableLeg, to: SwitchableLeg, options: MemberOptions = {}): Result<void, Rejection> {
    if (leg.id === to.id) return reject('MEDIA.SAME_LEG', 'a leg cannot join itself');
    const target = this.byLeg.get(to.id);
    if (target !== undefined && this.byLeg.get(leg.id) === target) return this.update(leg.id, options);
    const checked = checkWhisper(options, (id) => id === to.id || (target !== undefined && has(target, id)));
    if (!checked.ok) return checked;
    void this.disconnect(leg.id, true);
    const conference = this.conferenceFor(to);
    conference.add(leg, options);
    this.byLeg.set(leg.id, conference);
    this.settle(conference);
    return ok(undefined);
  }

  /** Changes how `legId` takes part (mode switch, mute); a bridged leg turns its bridge into a conference. */
  update(legId: string, options: MemberOptions): Result<void, Rejection> {
    const c = this.byLeg.get(legId);
    if (c === undefined) return reject('MEDIA.NOT_CONNECTED', `leg ${legId} is not connected`, { legId });
    const checked = checkWhisper(options, (id) => id !== legId && has(c, id));
    if (!checked.ok) return checked;
    const conference = c instanceof Conference ? c : this.conferenceFor(c.caller);
    conference.update(legId, options);
    this.settle(conference);
    return ok(undefined);
  }

  /**
   * Takes `legId` out of its connection. A conference left with two unmuted parties becomes a plain
   * bridge again (the supervisor leaves: the call is as before); with one member, it ends. A
   * recording the leg held while connected to nobody is finished (the leg closed).
   */
  leave(legId: string): void {
    void this.finish(this.takeHeld(legId));
    const c = this.byLeg.get(legId);
    if (c === undefined) return;
    if (c instanceof Bridge) return void this.disconnect(legId);
    c.remove(legId);
    this.byLeg.delete(legId);
    this.settle(c);
  }

  /**
   * Pauses or resumes the recording of `legId`'s connection, or the one it holds while connected to
   * nobody (on hold); false when it records nothing.
   */
  pauseRecording(legId: string, paused: boolean): boolean {
    const recorder = this.recorderOf(legId);
    if (recorder === undefined) return false;
    if (paused) recorder.pause();
    else recorder.resume();
    return true;
  }

  /** Whether a recording is written for `legId`'s call (connected, or held by it). */
  isRecording(legId: string): boolean {
    return this.recorderOf(legId) !== undefined;
  }

  /** Dissolves every connection (shutdown). */
  async closeAll(): Promise<void> {
    const held = [...this.held.keys()].map((id) => this.finish(this.takeHeld(id)));
    await Promise.all([...held, ...[...this.byLeg.keys()].map((id) => this.disconnect(id))]);
  }

  /** The conference `to` is in, making one from its bridge (or from `to` alone). */
  private conferenceFor(to: SwitchableLeg): Conference {
    const c = this.byLeg.get(to.id);
    if (c instanceof Conference) return c;
    if (c === undefined) {
      // A caller connected to nobody brings its recording along.
      const recorder = this.takeHeld(to.id);
      const alone = new Conference(
        this.o.media.ticker,
        recorder === undefined ? undefined : { recorder, leftLegId: to.id },
      );
      alone.add(to);
      this.byLeg.set(to.id, alone);
      return alone;
    }
    c.unbridge();
    const recorder = c.recorder?.open ? c.recorder : undefined;
    const conference = new Conference(
      this.o.media.ticker,
      recorder === undefined ? undefined : { recorder, leftLegId: c.caller.id },
    );
    conference.add(c.caller);
    conference.add(c.agent);
    this.track(conference);
    return conference;
  }

  /** Turns a conference back into a bridge, or ends it, when that is all it still is. */
  private settle(c: Conference): void {
    if (c.size > 2) return;
    const legs = c.legs;
    if (legs.length <= 1) {
      this.untrack(c);
      const recording = c.recording;
      // The caller alone: the call goes on (say, the others left a three-way call to put it on hold).
      const callerStays = recording !== undefined && c.has(recording.leftLegId);
      c.close();
      if (recording !== undefined && recording.recorder.open && callerStays)
        return this.hold(recording.leftLegId, recording.recorder);
      return void this.finish(recording?.recorder);
    }
    const plain = legs.every((l) => {
      const o = c.optionsOf(l.id);
      return (o.role === 'party' || o.role === 'barge') && !o.muted;
    });
    const leftId = c.recording?.leftLegId;
    if (!plain || (leftId !== undefined && !c.has(leftId))) return;
    const [caller, agent] =
      legs[0]!.id === (leftId ?? legs[0]!.id) ? [legs[0]!, legs[1]!] : [legs[1]!, legs[0]!];
    c.close();
    const recorder = c.recording?.recorder;
    recorder?.takePackets(caller.codec.law, agent.codec.law);
    this.track(new Bridge(caller, agent, recorder));
  }

  private recorderOf(legId: string): CallRecorder | undefined {
    const c = this.byLeg.get(legId);
    const recorder = (c instanceof Bridge ? c.recorder : c?.recording?.recorder) ?? this.held.get(legId);
    return recorder?.open ? recorder : undefined;
  }

  /** Keeps `recorder` with its caller, who is connected to nobody for now. */
  private hold(callerId: string, recorder: CallRecorder): void {
    const earlier = this.held.get(callerId);
    if (earlier !== undefined && earlier !== recorder) void this.finish(earlier);
    recorder.hold();
    this.held.set(callerId, recorder);
  }

  private takeHeld(legId: string): CallRecorder | undefined {
    const recorder = this.held.get(legId);
    if (recorder !== undefined) this.held.delete(legId);
    return recorder;
  }

  private track(c: Connection): void {
    for (const leg of c instanceof Bridge ? [c.caller, c.agent] : c.legs) this.byLeg.set(leg.id, c);
  }

  private untrack(c: Connection): void {
    for (const [id, x] of this.byLeg) if (x === c) this.byLeg.delete(id);
  }

  private finish(recorder: CallRecorder | undefined): Promise<RecordingSummary | undefined> {
    if (recorder === undefined || !recorder.open) return Promise.resolve(undefined);
    const closing = recorder.close();
    const onClosed = this.o.onRecordingClosed;
    if (onClosed !== undefined) void closing.then(onClosed);
    return closing;
  }
}

function has(c: Connection, legId: string): boolean {
  return c instanceof Bridge ? c.caller.id === legId || c.agent.id === legId : c.has(legId);
}

/** A whisper needs someone to whisper to, in the same connection. */
function checkWhisper(options: MemberOptions, isMember: (id: string) => boolean): Result<void, Rejection> {
  if (options.role !== 'whisper') return ok(undefined);
  if (options.whisperTo === undefined || !isMember(options.whisperTo))
    return reject('MEDIA.BAD_WHISPER_TARGET', 'whisper needs a member of the same call to whisper to', {
      whisperTo: options.whisperTo,
    });
  return ok(undefined);
}
