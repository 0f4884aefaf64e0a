import { ok, type Rejection, type Result } from '@switchboard/kernel';
import type { RecordingSummary } from './call-recorder';
import type { MemberOptions } from './conference';
import type {
  BackendBrowserLeg,
  BackendLeg,
  BackendOpenBrowserLeg,
  BackendOpenLeg,
  LegAudio,
  LegAudioEnd,
  MediaBackend,
  TappableLeg,
} from './media-backend';
import type { RtpSink } from './media-leg-types';
import type { MediaWorkerPool } from './media-worker-pool';
import type { BrowserLegReport, WorkerPlaybackItem } from './media-worker-protocol';
import type { RemoteLeg } from './remote-leg';
import type { WorkerLegHandle, WorkerPlayerHandle } from './worker-media-handles';

/** What {@link WorkerMediaBackend} is built from. */
export interface WorkerMediaBackendOptions {
  readonly pool: MediaWorkerPool;
  /** What music on hold loops (a prompt by path); default silence, which keeps NAT bindings alive. */
  readonly musicOnHold?: () => Promise<WorkerPlaybackItem | undefined>;
  readonly onRecordingClosed?: (summary: RecordingSummary) => void;
}

const HOLD_SILENCE: WorkerPlaybackItem = { kind: 'silence', durationMs: 1000 };

/**
 * {@link MediaBackend} over media worker threads (ADR 0006): each leg opens on the worker of the
 * leg it is meant for (`near`), or the least loaded one; calls relay, mix and record there, and a
 * leg of another worker joining a call (a supervisor) is brought over a channel of its own.
 */
export class WorkerMediaBackend implements MediaBackend {
  private readonly handles = new Map<string, WorkerLegHandle>();
  /**
   * The recording path each leg's call is written to, as this thread last learnt it (connect,
   * join, `recording-closed`), so {@link pauseRecording} answers at once like in process.
   */
  private readonly recorded = new Map<string, string>();

  constructor(private readonly o: WorkerMediaBackendOptions) {
    const onClosed = o.onRecordingClosed;
    o.pool.on('recording-closed', (summary) => {
      for (const [leg, path] of this.recorded) if (path === summary.path) this.recorded.delete(leg);
      onClosed?.(summary);
    });
  }

  async openLeg(request: BackendOpenLeg): Promise<Result<BackendLeg, Rejection>> {
    // Each leg is its own call for placement unless it names the leg it will be connected to.
    const opened = await this.o.pool.openLeg({ ...request, callId: request.id });
    return opened.ok ? ok(this.adopt(opened.value)) : opened;
  }

  /** The browser's WebRTC leg goes to the worker of its RTP leg: werift never runs on this thread. */
  async openBrowserLeg(
    request: BackendOpenBrowserLeg,
    onReport: (report: BrowserLegReport) => void,
  ): Promise<Result<BackendBrowserLeg, Rejection>> {
    const opened = await this.o.pool.openBrowserLeg({ ...request, callId: request.id }, onReport);
    if (!opened.ok) return opened;
    const leg = this.adopt(opened.value.leg);
    const id = leg.id;
    return ok({
      rtp: leg,
      sdp: opened.value.sdp,
      acceptAnswer: (sdp) => leg.worker.notify({ op: 'browser-answer', leg: id, sdp }),
      rejoin: (offer) => leg.worker.request<string>({ op: 'browser-rejoin', leg: id, offer }),
      close: () => leg.worker.notify({ op: 'close-browser', leg: id }),
    });
  }

  private adopt(leg: WorkerLegHandle): WorkerLegHandle {
    this.handles.set(leg.id, leg);
    leg.once('closed', () => {
      if (this.handles.get(leg.id) === leg) this.handles.delete(leg.id);
      this.recorded.delete(leg.id);
    });
    return leg;
  }

  audio(leg: BackendLeg): LegAudio {
    const music = this.o.musicOnHold;
    return new WorkerLegAudio(
      this.o.pool.player(this.own(leg)),
      async () => (await music?.()) ?? HOLD_SILENCE,
    );
  }

  tap(leg: BackendLeg): TappableLeg {
    const handle = this.own(leg);
    const pool = this.o.pool;
    let remote: RemoteLeg | undefined;
    let opening = false;
    let wanted: RtpSink | undefined;
    const settle = () => {
      if (remote === undefined) return;
      if (wanted !== undefined) remote.setSink(wanted);
      else {
        remote.close();
        remote = undefined;
      }
    };
    return {
      codec: handle.codec,
      setSink: (sink) => {
        wanted = sink;
        if (remote !== undefined || sink === undefined) return settle();
        if (opening) return;
        opening = true;
        void pool
          .tap(handle, () => (remote = undefined))
          .then((r) => {
            opening = false;
            if (!r.ok) return;
            remote = r.value;
            settle();
          });
      },
      on: (event, listener) => handle.on(event, listener),
      off: (event, listener) => handle.off(event, listener),
    };
  }

  async connect(a: BackendLeg, b: BackendLeg, recordingPath?: string): Promise<Result<void, Rejection>> {
    const done = await this.o.pool.connect(this.own(a), this.own(b), recordingPath);
    if (!done.ok) return done;
    // A new path replaces the caller's recording; without one, a recording either held carries on.
    const path = recordingPath ?? this.recorded.get(a.id) ?? this.recorded.get(b.id);
    if (path !== undefined) {
      this.recorded.set(a.id, path);
      this.recorded.set(b.id, path);
    }
    return done;
  }

  disconnect(leg: BackendLeg): void {
    this.o.pool.disconnect(this.own(leg), true);
  }

  isRecording(leg: BackendLeg): boolean {
    return this.recorded.has(leg.id);
  }

  pauseRecording(leg: BackendLeg, paused: boolean): boolean {
    if (!this.recorded.has(leg.id)) return false;
    this.o.pool.pauseRecording(this.own(leg), paused);
    return true;
  }

  async join(leg: BackendLeg, to: BackendLeg, options: MemberOptions): Promise<Result<void, Rejection>> {
    const done = await this.o.pool.join(this.own(leg), this.own(to), options);
    const path = this.recorded.get(to.id);
    if (done.ok && path !== undefined) this.recorded.set(leg.id, path);
    return done;
  }

  update(leg: BackendLeg, options: MemberOptions): Promise<Result<void, Rejection>> {
    return this.o.pool.updateMember(this.own(leg), options);
  }

  leave(leg: BackendLeg): void {
    this.o.pool.leave(this.own(leg));
  }

  close(): Promise<void> {
    return this.o.pool.close();
  }

  /** Handles given out by this backend are worker leg handles. */
  private own(leg: BackendLeg): WorkerLegHandle {
    return this.handles.get(leg.id) ?? (leg as WorkerLegHandle);
  }
}

/** Prompts and hold music of a worker leg, through its one player on the worker. */
class WorkerLegAudio implements LegAudio {
  private musicWanted = false;
  private disposed = false;

  constructor(
    private readonly player: WorkerPlayerHandle,
    private readonly musicItem: () => Promise<WorkerPlaybackItem>,
  ) {}

  playPrompt(path: string, onEnd: (end: LegAudioEnd) => void): { stop(): void } {
    let stopped = false;
    let playbackId: number | undefined;
    const end = (how: LegAudioEnd) => {
      if (stopped) return;
      stopped = true;
      this.player.off('finished', onFinished);
      onEnd(how);
    };
    const onFinished = (e: { playbackId: number; reason: string }) => {
      if (e.playbackId === playbackId) end(e.reason === 'completed' ? 'completed' : 'stopped');
    };
    this.player.on('finished', onFinished);
    void this.player.play({ kind: 'prompt', path }).then((r) => {
      if (!r.ok || this.disposed) return end('failed');
      playbackId = r.value;
      // Stopped while the request travelled: the worker started it, so stop it now.
      if (stopped) this.player.stop();
    });
    return {
      stop: () => {
        if (stopped) return;
        stopped = true;
        this.player.off('finished', onFinished);
        if (playbackId !== undefined) this.player.stop();
      },
    };
  }

  startMusic(): void {
    if (this.musicWanted || this.disposed) return;
    this.musicWanted = true;
    void this.musicItem().then((item) => {
      if (this.musicWanted && !this.disposed) void this.player.play(item, { loop: true });
    });
  }

  stopMusic(): void {
    if (!this.musicWanted) return;
    this.musicWanted = false;
    this.player.stop();
  }

  stopAll(): void {
    this.musicWanted = false;
    this.player.stop();
  }

  dispose(): void {
    this.disposed = true;
    this.stopAll();
  }
}
