import type { Rejection, Result } from '@switchboard/kernel';
import type { TelephoneEventName } from '@switchboard/media';
import type { RecordingSummary } from './call-recorder';
import type { LegCodec, MediaLegEvents, MediaLegStats, RemoteMedia } from './media-leg-types';
import type { MediaWorkerClient } from './media-worker-client';
import type { WorkerLegOpened, WorkerPlaybackItem, WorkerUnbridged } from './media-worker-protocol';
import type { PlayOptions, PlayerEvents } from './player';
import { TypedEmitter } from './typed-emitter';

/** Why a worker leg closed: asked to, or its worker thread died with it. */
export type WorkerLegCloseReason = 'closed' | 'worker-failed';

/** Events of a {@link WorkerLegHandle}: a leg's events, and a `closed` that says why. */
export type WorkerLegEvents = Omit<MediaLegEvents, 'closed'> & {
  /** `stats` is absent when the worker died: its figures died with it. */
  closed: { readonly reason: WorkerLegCloseReason; readonly stats?: MediaLegStats };
};

/**
 * The main thread's face of a leg living on a media worker: the same events as a
 * {@link MediaLeg} (delivered a message later), and its commands, which travel to the worker.
 * Reads that need the worker's state ({@link stats}) are asynchronous.
 */
export class WorkerLegHandle extends TypedEmitter<WorkerLegEvents> {
  private open = true;

  constructor(
    readonly id: string,
    readonly callId: string,
    readonly codec: LegCodec,
    readonly local: WorkerLegOpened,
    readonly worker: MediaWorkerClient,
  ) {
    super();
  }

  /** True until the leg closed (on request, or with its worker). */
  get isOpen(): boolean {
    return this.open;
  }

  /** Signalling learned a (new) remote: the worker sends there and relearns (latching). */
  setRemote(remote: RemoteMedia): void {
    this.worker.notify({ op: 'set-remote', leg: this.id, remote });
  }

  /** Sends a key press as RFC 4733 events from the worker. */
  sendDtmf(digit: TelephoneEventName, durationMs?: number): void {
    this.worker.notify({ op: 'send-dtmf', leg: this.id, digit, ...(durationMs ? { durationMs } : {}) });
  }

  /** The leg's figures, read on its worker. */
  stats(): Promise<Result<MediaLegStats, Rejection>> {
    return this.worker.request({ op: 'leg-stats', leg: this.id });
  }

  /** Closes the leg (and finishes the recording of a bridge it is in); `closed` follows. */
  close(): void {
    if (this.open) this.worker.notify({ op: 'close-leg', leg: this.id });
  }

  /** Delivers an event from the worker (the pool calls this). */
  deliver<K extends keyof WorkerLegEvents & string>(name: K, payload: WorkerLegEvents[K]): void {
    if (name === 'closed') {
      if (!this.open) return;
      this.open = false;
      this.emit(name, payload);
      this.removeAllListeners();
      return;
    }
    this.emit(name, payload);
  }
}

/** The main thread's face of the player of a worker leg: same events as a {@link Player}. */
export class WorkerPlayerHandle extends TypedEmitter<PlayerEvents> {
  constructor(readonly leg: WorkerLegHandle) {
    super();
    leg.once('closed', () => this.removeAllListeners());
  }

  /** Queues an item on the worker; resolves with its playback id. */
  play(item: WorkerPlaybackItem, options: PlayOptions = {}): Promise<Result<number, Rejection>> {
    return this.leg.worker.request({ op: 'play', leg: this.leg.id, item, options });
  }

  /** Stops the current item and empties the queue. */
  stop(): void {
    this.leg.worker.notify({ op: 'stop-playback', leg: this.leg.id });
  }

  /** Delivers an event from the worker (the pool calls this). */
  deliver<K extends keyof PlayerEvents & string>(name: K, payload: PlayerEvents[K]): void {
    this.emit(name, payload);
  }
}

/** The main thread's face of a bridge (and its recording) on a media worker. */
export class WorkerBridgeHandle {
  constructor(
    readonly id: string,
    readonly caller: WorkerLegHandle,
    readonly agent: WorkerLegHandle,
  ) {}

  /** Writes silence instead of audio until {@link resumeRecording} (card numbers). */
  pauseRecording(): void {
    this.caller.worker.notify({ op: 'pause-recording', bridge: this.id, paused: true });
  }

  /** Records audio again. */
  resumeRecording(): void {
    this.caller.worker.notify({ op: 'pause-recording', bridge: this.id, paused: false });
  }

  /** Stops relaying and finishes the recording; the legs stay open. */
  async unbridge(): Promise<Result<RecordingSummary | undefined, Rejection>> {
    return this.caller.worker.request<WorkerUnbridged>({ op: 'unbridge', bridge: this.id });
  }
}
