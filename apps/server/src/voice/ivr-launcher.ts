/**
 * Starts and feeds the IVR sessions of answered inbound calls from call-control events: the
 * caller's `LegAnswered` starts the flow, `DtmfReceived` (SIP INFO) becomes a key press, and the
 * caller's `LegEnded` ends the flow as `caller-hung-up`. RFC 4733 key presses seen by the media
 * layer come in through {@link IvrLauncher.digit}.
 */
import type { CallEvent, LegId } from '../calls';
import { IvrSession, type IvrSessionDeps } from './ivr-session';
import type { VoiceCalls } from './voice-calls';

/** Owns the running IVR sessions, one per call in the IVR. */
export class IvrLauncher {
  private readonly sessions = new Map<LegId, IvrSession>();

  constructor(
    private readonly calls: VoiceCalls,
    private readonly deps: IvrSessionDeps,
  ) {}

  /** Sessions running (zero once every call has left the IVR). */
  get size(): number {
    return this.sessions.size;
  }

  /** Timers and prompts outstanding over every session. */
  get outstanding(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.outstanding;
    return n;
  }

  onEvent(event: CallEvent): void {
    if (event.type === 'LegAnswered') void this.answered(event.legId);
    else if (event.type === 'DtmfReceived') this.digit(event.legId, event.digit);
    else if (event.type === 'LegEnded') this.sessions.get(event.legId)?.send({ type: 'CallerHungUp' });
  }

  /** A key the caller pressed on `legId`. */
  digit(legId: LegId, digit: string): void {
    this.sessions.get(legId)?.send({ type: 'DigitReceived', digit });
  }

  /** The session has ended: forget it. */
  release(legId: LegId): void {
    this.sessions.delete(legId);
  }

  private async answered(legId: LegId): Promise<void> {
    const call = this.calls.ofLeg(legId);
    if (call === undefined || call.legId !== legId || call.stage !== 'ivr' || this.sessions.has(legId))
      return;
    const session = new IvrSession(call, this.deps);
    this.sessions.set(legId, session);
    // A caller who hangs up while the CRM answers has already ended the session (CallerHungUp on an
    // idle session ends it), so this start is then ignored by the interpreter.
    session.start(await call.profile);
  }
}
