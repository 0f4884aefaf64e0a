import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import type { RecordingSummary } from './call-recorder';
import type { MemberOptions } from './conference';
import type { BackendLeg, BackendOpenLeg, LegAudio, MediaBackend, TappableLeg } from './media-backend';
import { MediaConnections } from './media-connections';
import type { MediaLeg } from './media-leg';
import type { MediaService } from './media-service';

/** What {@link InProcessMediaBackend} is built from. */
export interface InProcessMediaBackendOptions {
  readonly media: MediaService;
  /** The prompts and music of a leg (the voice context's player over `media`). */
  readonly audio: (leg: MediaLeg) => LegAudio;
  readonly onRecordingClosed?: (summary: RecordingSummary) => void;
}

/**
 * {@link MediaBackend} on the calling thread: one {@link MediaService} and its connections. For
 * tests and small installs (`MEDIA_WORKERS=0`): no threads, everything synchronous underneath.
 */
export class InProcessMediaBackend implements MediaBackend {
  private readonly connections: MediaConnections;
  private readonly legs = new Map<string, MediaLeg>();

  constructor(private readonly o: InProcessMediaBackendOptions) {
    this.connections = new MediaConnections({
      media: o.media,
      ...(o.onRecordingClosed === undefined ? {} : { onRecordingClosed: o.onRecordingClosed }),
    });
  }

  async openLeg(request: BackendOpenLeg): Promise<Result<BackendLeg, Rejection>> {
    const { near: _near, ...open } = request;
    const opened = await this.o.media.openLeg(open);
    if (!opened.ok) return err(opened.error);
    const leg = opened.value;
    this.legs.set(leg.id, leg);
    leg.once('closed', () => {
      this.connections.leave(leg.id);
      if (this.legs.get(leg.id) === leg) this.legs.delete(leg.id);
    });
    return ok(leg);
  }

  audio(leg: BackendLeg): LegAudio {
    return this.o.audio(this.own(leg));
  }

  tap(leg: BackendLeg): TappableLeg {
    return this.own(leg);
  }

  connect(a: BackendLeg, b: BackendLeg, recordingPath?: string): Promise<Result<void, Rejection>> {
    return this.connections.connect(this.own(a), this.own(b), recordingPath);
  }

  disconnect(leg: BackendLeg): void {
    void this.connections.disconnect(leg.id, true);
  }

  pauseRecording(leg: BackendLeg, paused: boolean): boolean {
    return this.connections.pauseRecording(leg.id, paused);
  }

  isRecording(leg: BackendLeg): boolean {
    return this.connections.isRecording(leg.id);
  }

  async join(leg: BackendLeg, to: BackendLeg, options: MemberOptions): Promise<Result<void, Rejection>> {
    return this.connections.join(this.own(leg), this.own(to), options);
  }

  async update(leg: BackendLeg, options: MemberOptions): Promise<Result<void, Rejection>> {
    return this.connections.update(leg.id, options);
  }

  leave(leg: BackendLeg): void {
    this.connections.leave(leg.id);
  }

  async close(): Promise<void> {
    await this.connections.closeAll();
    this.o.media.closeAll();
  }

  /** The in-process leg behind a handle: this backend's handles are the legs themselves. */
  private own(leg: BackendLeg): MediaLeg {
    return this.legs.get(leg.id) ?? (leg as MediaLeg);
  }
}
