import { ok, type Rejection, type Result } from '@switchboard/kernel';
import type { ConnectOptions, LegId, MediaEndpointId, MemberOptions } from '../calls';
import type { MediaBackend } from '../media';
import { unknownEndpoint, type MediaEndpoints } from './media-endpoints';
import type { MediaServicePortOptions } from './media-service-port-options';

/**
 * Who hears whom among the media service port's endpoints: two-party bridges with their recording,
 * and conferences (supervisors listening, whispering or barging, three-way calls), carried out by
 * the media backend on the endpoints' RTP legs. Whatever plays into an endpoint (prompt, music)
 * stops when it is connected, or it would interleave with the other party's voice.
 */
export class EndpointConnections {
  constructor(
    private readonly endpoints: MediaEndpoints,
    private readonly backend: MediaBackend,
    private readonly o: Pick<
      MediaServicePortOptions,
      'recordingPath' | 'onRecordingFailed' | 'onRecordingClosed'
    >,
  ) {}

  /** Bridges `a` and `b`, recorded when a path is named or chosen; unrecorded if it cannot start. */
  async connect(
    a: MediaEndpointId,
    b: MediaEndpointId,
    options?: ConnectOptions,
  ): Promise<Result<void, Rejection>> {
    const ea = this.endpoints.get(a);
    const eb = this.endpoints.get(b);
    if (ea === undefined) return unknownEndpoint(a);
    if (eb === undefined) return unknownEndpoint(b);
    ea.playback.stopAll();
    eb.playback.stopAll();
    const path = options?.recordingPath ?? this.o.recordingPath?.(ea.legId, eb.legId);
    let bridged = await this.backend.connect(ea.leg, eb.leg, path);
    if (!bridged.ok && path !== undefined) {
      // A full disk must not cost the caller their agent: talk unrecorded, and say so.
      this.o.onRecordingFailed?.(path, bridged.error);
      this.o.onRecordingClosed?.({
        path,
        dataBytes: 0,
        durationMs: 0,
        pausedMs: 0,
        pausedSpans: 0,
        error: bridged.error,
      });
      bridged = await this.backend.connect(ea.leg, eb.leg);
    }
    return bridged;
  }

  /** Dissolves the calls of `a` and `b`. */
  disconnect(a: MediaEndpointId, b: MediaEndpointId): void {
    for (const id of [a, b]) {
      const e = this.endpoints.get(id);
      if (e !== undefined) this.backend.disconnect(e.leg);
    }
  }

  /** Pauses or resumes the recording of call leg `legId`'s call; false when nothing records it. */
  pauseRecording(legId: LegId, paused: boolean): boolean {
    const e = this.endpoints.ofLeg(legId);
    return e !== undefined && this.backend.pauseRecording(e.leg, paused);
  }

  /** Whether a recording is written for call leg `legId`'s call. */
  isRecording(legId: LegId): boolean {
    const e = this.endpoints.ofLeg(legId);
    return e !== undefined && this.backend.isRecording(e.leg);
  }

  /** Adds endpoint `id` to the audio of `to`, taking part as `options` say. */
  async join(
    id: MediaEndpointId,
    to: MediaEndpointId,
    options: MemberOptions,
  ): Promise<Result<void, Rejection>> {
    const e = this.endpoints.get(id);
    const target = this.endpoints.get(to);
    if (e === undefined) return unknownEndpoint(id);
    if (target === undefined) return unknownEndpoint(to);
    const member = this.member(options);
    if (!member.ok) return member;
    e.playback.stopAll();
    target.playback.stopAll();
    return this.backend.join(e.leg, target.leg, member.value);
  }

  /** Changes how endpoint `id` takes part in its conference. */
  async update(id: MediaEndpointId, options: MemberOptions): Promise<Result<void, Rejection>> {
    const e = this.endpoints.get(id);
    if (e === undefined) return unknownEndpoint(id);
    const member = this.member(options);
    if (!member.ok) return member;
    return this.backend.update(e.leg, member.value);
  }

  /** Takes endpoint `id` out of its conference or bridge. */
  leave(id: MediaEndpointId): void {
    const e = this.endpoints.get(id);
    if (e !== undefined) this.backend.leave(e.leg);
  }

  /** Member options with the whisper target as the media leg id (the backend knows only legs). */
  private member(options: MemberOptions): Result<MemberOptions, Rejection> {
    if (options.whisperTo === undefined) return ok(options);
    const target = this.endpoints.get(options.whisperTo);
    if (target === undefined) return unknownEndpoint(options.whisperTo);
    return ok({ ...options, whisperTo: target.leg.id });
  }
}
