import { availableParallelism } from 'node:os';
import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import type { RecordingSummary } from './call-recorder';
import type { MemberOptions } from './conference';
import { MediaCode, mediaRejection } from './media-error';
import type { OpenLegRequest } from './media-service';
import { MediaWorkerClient, type MediaWorkerFailure } from './media-worker-client';
import type {
  BrowserLegReport,
  MediaWorkerEvent,
  MediaWorkerHealth,
  MediaWorkerSetup,
  WorkerBrowserLegOpened,
  WorkerLegOpened,
  WorkerOpenBrowserLeg,
} from './media-worker-protocol';
import type { RemoteLeg } from './remote-leg';
import type { RtpPortPoolOptions } from './rtp-port-pool';
import { TypedEmitter } from './typed-emitter';
import { WorkerLegHomes } from './worker-leg-homes';
import {
  WorkerBridgeHandle,
  WorkerLegHandle,
  WorkerPlayerHandle,
  type WorkerLegEvents,
} from './worker-media-handles';

export interface MediaWorkerPoolOptions extends Omit<MediaWorkerSetup, 'ports'> {
  /** The whole RTP range; each worker gets an equal, disjoint slice of it. */
  readonly ports: RtpPortPoolOptions;
  /**
   * Worker threads. Default: one per core (`availableParallelism()`), at most 8. The main thread
   * (signalling, HTTP) shares a core with one of them; media is the heavy part.
   */
  readonly workers?: number;
}

/** A leg on a worker: `callId` keeps both legs of a call (and its recording) on one worker. */
export interface OpenWorkerLegRequest extends OpenLegRequest {
  readonly callId: string;
  /** A leg this one will be connected to: when it is open, the new leg goes to its worker. */
  readonly near?: string;
  /** Forward RTCP reports to the main thread (a message per leg every few seconds). */
  readonly reportRtcp?: boolean;
}

/** A browser's legs on a worker (see {@link WorkerOpenBrowserLeg}), placed like any leg. */
export interface OpenWorkerBrowserLeg extends WorkerOpenBrowserLeg {
  readonly callId: string;
  readonly near?: string;
}

/** An opened browser: the handle of its RTP leg, which bridges and players use, and our SDP. */
export interface WorkerBrowserLeg {
  readonly leg: WorkerLegHandle;
  readonly sdp: string;
}

/** Pool events. */
export interface MediaWorkerPoolEvents {
  /**
   * A worker thread died. Its legs are reported `closed` with reason `worker-failed` (the calls
   * are over: their sockets went with the thread), their recordings are left for
   * `recoverRecordings` to repair, and a new worker takes the slice for new calls.
   */
  'worker-failed': MediaWorkerFailure & {
    readonly worker: number;
    readonly legs: readonly string[];
    readonly calls: readonly string[];
  };
  /** A recording made by `connect` was finished on its worker (index it, or report its error). */
  'recording-closed': RecordingSummary;
}

/** See {@link MediaWorkerPool.activity}. */
export interface MediaPoolActivity {
  readonly legs: number;
  readonly players: number;
  /** Calls placed on a worker, and the per-call leg counts that place them. */
  readonly calls: number;
  readonly callLegCounts: number;
  /** Legs mixed on another worker than their own (a supervisor's, say). */
  readonly legsMixedAway: number;
  /** Browser legs whose reports this thread routes. */
  readonly browserLegs: number;
}

/**
 * Media on worker threads: each worker owns a slice of the RTP port range, its own 20 ms ticker
 * and whole calls (both legs, the bridge and the recorder), so packets of a call never leave its
 * thread and two cores relay in parallel. The main thread keeps the shape of {@link MediaService}
 * (`openLeg`, `player`, `bridge`, `closeAll`) through handles whose commands and events are a few
 * messages per call. Calls are placed on the worker with the fewest open legs.
 *
 * Use {@link MediaService} directly for tests and small installs (no threads at all).
 */
export class MediaWorkerPool extends TypedEmitter<MediaWorkerPoolEvents> {
  private readonly workers: MediaWorkerClient[] = [];
  private readonly setups: MediaWorkerSetup[];
  private readonly legs = new Map<string, WorkerLegHandle>();
  private readonly players = new Map<string, WorkerPlayerHandle>();
  private readonly callWorker = new Map<string, MediaWorkerClient>();
  /** Legs per call, opening ones included: the call leaves {@link callWorker} at zero. */
  private readonly callLegs = new Map<string, number>();
  private readonly load: number[];
  private readonly homes = new WorkerLegHomes();
  /** Where each browser leg's reports go, by its RTP leg's id. */
  private readonly browsers = new Map<string, (report: BrowserLegReport) => void>();
  private nextBridge = 1;

  constructor(options: MediaWorkerPoolOptions) {
    super();
    const count = Math.max(1, Math.min(options.workers ?? availableParallelism(), 8));
    this.setups = splitPorts(options.ports, count).map((ports) => ({ ...options, ports }));
    this.load = new Array<number>(count).fill(0);
    for (let i = 0; i < count; i++) this.workers.push(this.start(i));
  }

  /** Worker threads. */
  get size(): number {
    return this.workers.length;
  }

  /** The index of the worker holding `legId`'s sockets, while it is open (diagnostics, tests). */
  workerOf(legId: string): number | undefined {
    return this.legs.get(legId)?.worker.index;
  }

  /** Legs open now, over all workers. */
  get openLegs(): number {
    return this.legs.size;
  }

  /**
   * What this thread keeps for the workers' calls, for leak checks: all zero once every call is
   * over (each worker reports its own side in its `health`).
   */
  get activity(): MediaPoolActivity {
    return {
      legs: this.legs.size,
      players: this.players.size,
      calls: this.callWorker.size,
      callLegCounts: this.callLegs.size,
      legsMixedAway: this.homes.size,
      browserLegs: this.browsers.size,
    };
  }

  /** Opens a leg on the worker of its call (the least loaded one for a new call). */
  async openLeg(request: OpenWorkerLegRequest): Promise<Result<WorkerLegHandle, Rejection>> {
    const { callId, near, ...open } = request;
    const opened = await this.openOnWorker(callId, near, (worker) =>
      worker.request<WorkerLegOpened>({ op: 'open-leg', ...open }),
    );
    return opened.ok ? ok(this.track(request.id, request.codec, opened.value)) : opened;
  }

  /**
   * Opens a browser's WebRTC leg and the RTP leg behind it on one worker, placed like a leg (see
   * `WorkerBrowserLegs`); what the WebRTC leg reports goes to `onReport` until its RTP leg closes.
   */
  async openBrowserLeg(
    request: OpenWorkerBrowserLeg,
    onReport: (report: BrowserLegReport) => void,
  ): Promise<Result<WorkerBrowserLeg, Rejection>> {
    const { callId, near, ...open } = request;
    this.browsers.set(request.id, onReport);
    const opened = await this.openOnWorker(callId, near, (worker) =>
      worker.request<WorkerBrowserLegOpened>({ op: 'open-browser-leg', ...open }),
    );
    if (!opened.ok) {
      this.browsers.delete(request.id);
      return opened;
    }
    const { sdp, codec, rtp } = opened.value.reply;
    return ok({ leg: this.track(request.id, codec, { ...opened.value, reply: rtp }), sdp });
  }

  /** The player of `leg` (one per leg). */
  player(leg: WorkerLegHandle): WorkerPlayerHandle {
    let player = this.players.get(leg.id);
    if (!player) {
      player = new WorkerPlayerHandle(leg);
      this.players.set(leg.id, player);
    }
    return player;
  }

  /** Bridges two legs of one worker; with `recordingPath`, records the call there in stereo. */
  async bridge(
    caller: WorkerLegHandle,
    agent: WorkerLegHandle,
    recordingPath?: string,
  ): Promise<Result<WorkerBridgeHandle, Rejection>> {
    if (caller.worker !== agent.worker)
      return err(
        mediaRejection(MediaCode.LegsOnDifferentWorkers, 'legs of one bridge must share a worker', {
          caller: caller.id,
          agent: agent.id,
        }),
      );
    const id = `b${this.nextBridge++}`;
    const done = await caller.worker.request<undefined>({
      op: 'bridge',
      bridge: id,
      caller: caller.id,
      agent: agent.id,
      ...(recordingPath !== undefined ? { recordingPath } : {}),
    });
    return done.ok ? ok(new WorkerBridgeHandle(id, caller, agent)) : done;
  }

  /**
   * Connects `a` (the caller: left channel of a recording) and `b` for good (see
   * `MediaConnections.connect`), on `a`'s worker; `b` is brought there when it lives elsewhere.
   * The recording's summary arrives as a `recording-closed` event when the connection ends.
   */
  async connect(
    a: WorkerLegHandle,
    b: WorkerLegHandle,
    recordingPath?: string,
  ): Promise<Result<void, Rejection>> {
    const home = this.homes.of(a);
    const brought = await this.homes.bring(b, home);
    if (!brought.ok) return brought;
    const done = await home.request<undefined>({
      op: 'connect',
      a: a.id,
      b: b.id,
      ...(recordingPath === undefined ? {} : { recordingPath }),
    });
    return done.ok ? ok(undefined) : done;
  }

  /**
   * Dissolves the connection `leg` is in, finishing its recording, or with `keepRecording` leaving
   * it with its caller (hold, a transfer; see `MediaConnections.disconnect`).
   */
  disconnect(leg: WorkerLegHandle, keepRecording = false): void {
    this.homes
      .of(leg)
      .notify({ op: 'disconnect', leg: leg.id, ...(keepRecording ? { keepRecording: true } : {}) });
  }

  /** Pauses or resumes the recording `leg` is in or holds, on its worker. */
  pauseRecording(leg: WorkerLegHandle, paused: boolean): void {
    this.homes.of(leg).notify({ op: 'pause-leg-recording', leg: leg.id, paused });
  }

  /** Adds `leg` to the call of `to` (see `MediaConnections.join`), bringing it to `to`'s worker. */
  async join(
    leg: WorkerLegHandle,
    to: WorkerLegHandle,
    options: MemberOptions = {},
  ): Promise<Result<void, Rejection>> {
    const home = this.homes.of(to);
    const brought = await this.homes.bring(leg, home);
    if (!brought.ok) return brought;
    const done = await home.request<undefined>({ op: 'join', leg: leg.id, to: to.id, options });
    return done.ok ? ok(undefined) : done;
  }

  /** Changes how `leg` takes part in its call (mode, mute). */
  async updateMember(leg: WorkerLegHandle, options: MemberOptions): Promise<Result<void, Rejection>> {
    const done = await this.homes.of(leg).request<undefined>({ op: 'update-member', leg: leg.id, options });
    return done.ok ? ok(undefined) : done;
  }

  /** Takes `leg` out of its call. */
  leave(leg: WorkerLegHandle): void {
    this.homes.of(leg).notify({ op: 'leave', leg: leg.id });
  }

  /**
   * Sends `leg`'s received packets to the main thread (voicemail recording) until the returned
   * stand-in is closed; the leg leaves any call it was mixed in.
   */
  tap(leg: WorkerLegHandle, onClosed: () => void): Promise<Result<RemoteLeg, Rejection>> {
    return this.homes.tap(leg, onClosed);
  }

  /**
   * Each worker's timing health (ticker lateness, event-loop delay); `reset` starts the
   * event-loop figures afresh. A dead worker answers `MEDIA.WORKER_FAILED`.
   */
  health(reset = false): Promise<Result<MediaWorkerHealth, Rejection>[]> {
    return Promise.all(this.workers.map((w) => w.request<MediaWorkerHealth>({ op: 'health', reset })));
  }

  /** Drops a prompt's decoded audio from every worker's cache (it was played once: a voicemail). */
  forgetPrompt(path: string): void {
    for (const w of this.workers) w.notify({ op: 'forget-prompt', path });
  }

  /** Fault injection for tests: makes worker `index` die of an uncaught error. */
  crashWorker(index: number, message = 'injected media worker fault'): void {
    this.workers[index]?.notify({ op: 'crash', message });
  }

  /** Closes every open leg, finishing recordings; the threads stay for new calls. */
  async closeAll(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.request({ op: 'close-all' })));
  }

  /** Closes every leg (recordings finished) and ends the threads (shutdown). */
  async close(): Promise<void> {
    await this.closeAll();
    await Promise.all(this.workers.map((w) => w.stop()));
  }

  /**
   * Has the worker of call `ownCall` (or of the call of `near`; the least loaded one for a new
   * call) open a leg with `open`, counting it there while it opens.
   */
  private async openOnWorker<T>(
    ownCall: string,
    near: string | undefined,
    open: (worker: MediaWorkerClient) => Promise<Result<T, Rejection>>,
  ): Promise<
    Result<{ readonly worker: MediaWorkerClient; readonly callId: string; readonly reply: T }, Rejection>
  > {
    const nearCall = near === undefined ? undefined : this.legs.get(near)?.callId;
    const callId = nearCall ?? ownCall;
    const worker = this.callWorker.get(callId) ?? this.leastLoaded();
    this.callWorker.set(callId, worker);
    this.callLegs.set(callId, (this.callLegs.get(callId) ?? 0) + 1);
    this.load[worker.index]!++;
    const opened = await open(worker);
    if (!opened.ok || this.workers[worker.index] !== worker) {
      this.legClosed(worker, callId);
      return opened.ok ? err(mediaRejection(MediaCode.WorkerFailed, 'media worker died')) : opened;
    }
    return ok({ worker, callId, reply: opened.value });
  }

  private track(
    id: string,
    codec: WorkerLegHandle['codec'],
    opened: { readonly worker: MediaWorkerClient; readonly callId: string; readonly reply: WorkerLegOpened },
  ): WorkerLegHandle {
    const leg = new WorkerLegHandle(id, opened.callId, codec, opened.reply, opened.worker);
    this.legs.set(leg.id, leg);
    return leg;
  }

  private start(index: number): MediaWorkerClient {
    const worker: MediaWorkerClient = new MediaWorkerClient(index, this.setups[index]!, {
      onEvent: (e) => this.onEvent(worker, e),
      onFailure: (f) => this.onFailure(worker, f),
    });
    return worker;
  }

  private leastLoaded(): MediaWorkerClient {
    let best = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.load[i]! < this.load[best]!) best = i;
    return this.workers[best]!;
  }

  private onEvent(worker: MediaWorkerClient, e: MediaWorkerEvent): void {
    if (e.ev === 'reply') return;
    if (e.ev === 'recording-closed') return this.emit('recording-closed', e.summary);
    if (e.ev === 'player') return this.players.get(e.leg)?.deliver(e.name, e.payload as never);
    if (e.ev === 'browser' || e.ev === 'browser-quality') return this.browsers.get(e.leg)?.(e);
    const leg = this.legs.get(e.leg);
    if (!leg) return;
    if (e.ev === 'leg') return leg.deliver(e.name, e.payload as WorkerLegEvents[typeof e.name]);
    this.forget(worker, leg);
    leg.deliver('closed', { reason: 'closed', stats: e.stats });
  }

  private onFailure(worker: MediaWorkerClient, failure: MediaWorkerFailure): void {
    const lost = [...this.legs.values()].filter((l) => l.worker === worker);
    const calls = [...new Set(lost.map((l) => l.callId))];
    this.load[worker.index] = 0;
    for (const [call, w] of this.callWorker) if (w === worker) this.callWorker.delete(call);
    this.homes.forgetWorker(worker);
    // A fresh thread takes the slice at once; the dead one's sockets closed with it.
    this.workers[worker.index] = this.start(worker.index);
    for (const leg of lost) {
      this.forget(worker, leg);
      leg.deliver('closed', { reason: 'worker-failed' });
    }
    this.emit('worker-failed', { ...failure, worker: worker.index, legs: lost.map((l) => l.id), calls });
  }

  private forget(worker: MediaWorkerClient, leg: WorkerLegHandle): void {
    this.legs.delete(leg.id);
    this.homes.forget(leg.id);
    this.players.delete(leg.id);
    this.browsers.delete(leg.id);
    this.legClosed(worker, leg.callId);
  }

  private legClosed(worker: MediaWorkerClient, callId: string): void {
    if (this.workers[worker.index] === worker)
      this.load[worker.index] = Math.max(0, this.load[worker.index]! - 1);
    const left = (this.callLegs.get(callId) ?? 1) - 1;
    if (left > 0) return void this.callLegs.set(callId, left);
    this.callLegs.delete(callId);
    if (this.callWorker.get(callId) === worker) this.callWorker.delete(callId);
  }
}

/** Splits `[minPort, maxPort]` into `n` disjoint slices that each start on an even port. */
export function splitPorts(ports: RtpPortPoolOptions, n: number): RtpPortPoolOptions[] {
  const first = ports.minPort + (ports.minPort & 1);
  const pairs = Math.floor((ports.maxPort - first + 1) / 2);
  const per = Math.max(1, Math.floor(pairs / n));
  return Array.from({ length: n }, (_, i) => ({
    ...ports,
    minPort: first + 2 * per * i,
    maxPort: first + 2 * per * (i + 1) - 1,
  }));
}
