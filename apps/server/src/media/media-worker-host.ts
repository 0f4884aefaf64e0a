import type { MessagePort } from 'node:worker_threads';
import { rejection, type Rejection, type Result } from '@switchboard/kernel';
import type { WorkerBrowserLegs } from '../webrtc/worker-browser-legs';
import type { MemberOptions } from './conference';
import { LoopLagProbe } from './loop-lag-probe';
import { MediaConnections } from './media-connections';
import type { MediaLeg } from './media-leg';
import type { LegCodec, MediaLegEvents, SwitchableLeg } from './media-leg-types';
import { MediaService } from './media-service';
import { LegExport, RemoteLeg } from './remote-leg';
import type {
  MediaWorkerActivity,
  MediaWorkerCommand,
  MediaWorkerEvent,
  MediaWorkerHealth,
  MediaWorkerSetup,
  WorkerBrowserLegOpened,
  WorkerLegOpened,
  WorkerOpenBrowserLeg,
  WorkerOpenLeg,
  WorkerPlaybackItem,
  WorkerUnbridged,
} from './media-worker-protocol';
import type { PlaybackItem } from './playback-source';
import type { PlayOptions, Player, PlayerEvents } from './player';
import { setRealtimePriority, threadScheduling } from './thread-priority';

/** Leg events forwarded to the main thread (rare: per call, never per packet). */
const FORWARDED: readonly Exclude<keyof MediaLegEvents, 'closed' | 'rtcp-report'>[] = [
  'latched',
  'ssrc-changed',
  'dtmf-started',
  'dtmf',
  'rtp-timeout',
  'rtp-resumed',
  'rtcp-bye',
  'media-fault',
];
const PLAYER_EVENTS: readonly (keyof PlayerEvents)[] = ['started', 'finished', 'barged-in', 'idle'];

const unknown = (what: string, id: string): Rejection =>
  rejection('MEDIA.UNKNOWN_ID', `no ${what} ${id} on this media worker`, { id });

/**
 * The media side of one worker thread: its own {@link MediaService} (its port sub-range, its own
 * 20 ms ticker, its prompt cache) holding whole calls, driven by {@link MediaWorkerCommand}s and
 * answering with {@link MediaWorkerEvent}s. Every RTP packet of those calls is received, relayed,
 * mixed and recorded on this thread; the main thread only sees the few control messages. A leg
 * of another worker that joins a call here (a supervisor) comes over a channel of its own
 * ({@link RemoteLeg}); one of this worker's legs mixed elsewhere goes out through a {@link LegExport}.
 */
export class MediaWorkerHost {
  private readonly media: MediaService;
  private readonly legs = new Map<string, MediaLeg>();
  private readonly players = new Map<string, Player>();
  private readonly connections: MediaConnections;
  /** Bridges made with the `bridge` command, by bridge id: the leg whose connection it is. */
  private readonly bridges = new Map<string, string>();
  private readonly remotes = new Map<string, RemoteLeg>();
  private readonly exports = new Map<string, LegExport>();
  private readonly lag = new LoopLagProbe();
  /** Browsers' WebRTC legs, once one has opened here (werift is loaded then, not at start). */
  private browsers: Promise<WorkerBrowserLegs> | undefined;
  private browserLegs: WorkerBrowserLegs | undefined;
  private realtimeRefused: string | undefined;

  constructor(
    setup: MediaWorkerSetup,
    private readonly post: (event: MediaWorkerEvent) => void,
  ) {
    this.media = new MediaService({
      ports: setup.ports,
      ...(setup.noRtpTimeoutMs !== undefined ? { noRtpTimeoutMs: setup.noRtpTimeoutMs } : {}),
      ...(setup.latch ? { latch: setup.latch } : {}),
      ...(setup.recordingEncoding ? { recordingEncoding: setup.recordingEncoding } : {}),
      ...(setup.inBandDtmf === undefined ? {} : { inBandDtmf: setup.inBandDtmf }),
    });
    this.connections = new MediaConnections({
      media: this.media,
      onRecordingClosed: (summary) => this.post({ ev: 'recording-closed', summary }),
    });
    this.lag.start();
    if ((setup.realtimePriority ?? 0) > 0) {
      const realtime = setRealtimePriority(setup.realtimePriority!);
      if (!realtime.ok) this.realtimeRefused = realtime.error;
    }
  }

  /** Handles one command from the main thread. */
  handle(c: MediaWorkerCommand): void {
    switch (c.op) {
      case 'open-leg':
        return void this.openLeg(c).then((r) => this.reply(c.seq, r));
      case 'open-browser-leg':
        return void this.openBrowserLeg(c).then((r) => this.reply(c.seq, r));
      case 'browser-rejoin':
        return void this.loadBrowsers()
          .then((b) => b.rejoin(c.leg, c.offer))
          .then((r) => this.reply(c.seq, r));
      case 'bridge':
        return void this.bridge(c.bridge, c.caller, c.agent, c.recordingPath).then((r) =>
          this.reply(c.seq, r),
        );
      case 'unbridge':
        return void this.unbridge(c.bridge).then((r) => this.reply(c.seq, r));
      case 'play':
        return void this.play(c.leg, c.item, c.options).then((r) => this.reply(c.seq, r));
      case 'leg-stats':
        return this.withLeg(c.seq, c.leg, (leg) => leg.stats());
      case 'health':
        return this.reply(c.seq, { ok: true, value: this.health(c.reset === true) });
      case 'close-all':
        return void this.closeAll().then(() => this.reply(c.seq, { ok: true, value: undefined }));
      case 'connect':
        return void this.connect(c.a, c.b, c.recordingPath).then((r) => this.reply(c.seq, r));
      case 'join':
        return this.reply(c.seq, this.join(c.leg, c.to, c.options));
      case 'update-member':
        return this.reply(c.seq, this.connections.update(c.leg, c.options));
      case 'export-leg':
        return this.reply(c.seq, this.exportLeg(c.leg, c.port));
      case 'import-leg':
        return this.reply(c.seq, this.importLeg(c.leg, c.codec, c.port));
      case 'crash':
        // Thrown from a timer, not from the message handler, so it is uncaught like a real bug.
        setTimeout(() => {
          throw new Error(c.message);
        });
        return;
      default:
        return this.handleOneWay(c);
    }
  }

  private handleOneWay(c: MediaWorkerCommand): void {
    if (c.op === 'set-remote') this.legs.get(c.leg)?.setRemote(c.remote);
    else if (c.op === 'send-dtmf') this.legs.get(c.leg)?.sendDtmf(c.digit, c.durationMs);
    else if (c.op === 'close-leg') this.closeLeg(c.leg);
    else if (c.op === 'pause-recording') {
      const leg = this.bridges.get(c.bridge);
      if (leg !== undefined) this.connections.pauseRecording(leg, c.paused);
    } else if (c.op === 'stop-playback') this.players.get(c.leg)?.stop();
    else if (c.op === 'disconnect') void this.connections.disconnect(c.leg, c.keepRecording === true);
    else if (c.op === 'pause-leg-recording') this.connections.pauseRecording(c.leg, c.paused);
    else if (c.op === 'leave') this.connections.leave(c.leg);
    else if (c.op === 'unexport') {
      this.exports.get(c.leg)?.close();
      this.exports.delete(c.leg);
    } else if (c.op === 'drop-import') this.dropImport(c.leg);
    else if (c.op === 'forget-prompt') this.media.prompts.forget(c.path);
    else if (c.op === 'browser-answer') this.browserLegs?.acceptAnswer(c.leg, c.sdp);
    else if (c.op === 'close-browser') this.browserLegs?.close(c.leg);
  }

  private loadBrowsers(): Promise<WorkerBrowserLegs> {
    this.browsers ??= import('../webrtc/worker-browser-legs').then(({ WorkerBrowserLegs }) => {
      this.browserLegs = new WorkerBrowserLegs(this.post);
      return this.browserLegs;
    });
    return this.browsers;
  }

  private async openBrowserLeg(
    request: WorkerOpenBrowserLeg,
  ): Promise<Result<WorkerBrowserLegOpened, Rejection>> {
    const browsers = await this.loadBrowsers();
    return browsers.open(request, (codec) => this.openMediaLeg({ id: request.id, codec }));
  }

  /** A leg of this worker, or one imported from another. */
  private switchable(id: string): SwitchableLeg | undefined {
    return this.legs.get(id) ?? this.remotes.get(id);
  }

  private async connect(
    a: string,
    b: string,
    path: string | undefined,
  ): Promise<Result<undefined, Rejection>> {
    const [legA, legB] = [this.switchable(a), this.switchable(b)];
    if (!legA || !legB) return { ok: false, error: unknown('leg', legA ? b : a) };
    const done = await this.connections.connect(legA, legB, path);
    return done.ok ? { ok: true, value: undefined } : done;
  }

  private join(id: string, to: string, options: MemberOptions | undefined): Result<undefined, Rejection> {
    const [leg, target] = [this.switchable(id), this.switchable(to)];
    if (!leg || !target) return { ok: false, error: unknown('leg', leg ? to : id) };
    const done = this.connections.join(leg, target, options);
    return done.ok ? { ok: true, value: undefined } : done;
  }

  private exportLeg(id: string, port: MessagePort): Result<undefined, Rejection> {
    const leg = this.legs.get(id);
    if (!leg) {
      port.close();
      return { ok: false, error: unknown('leg', id) };
    }
    // Mixed elsewhere from now on: its connections here end.
    this.connections.leave(id);
    this.exports.get(id)?.close();
    this.exports.set(id, new LegExport(leg, port));
    leg.once('closed', () => this.exports.delete(id));
    return { ok: true, value: undefined };
  }

  private importLeg(id: string, codec: LegCodec, port: MessagePort): Result<undefined, Rejection> {
    this.dropImport(id);
    const remote = new RemoteLeg(
      id,
      codec,
      port,
      () => this.media.runtime.clock.now(),
      () => {
        // The leg closed on its own worker, or went elsewhere: it leaves this worker's calls.
        if (this.remotes.get(id) !== remote) return;
        this.remotes.delete(id);
        this.connections.leave(id);
      },
    );
    this.remotes.set(id, remote);
    return { ok: true, value: undefined };
  }

  private dropImport(id: string): void {
    const remote = this.remotes.get(id);
    if (remote === undefined) return;
    this.remotes.delete(id);
    this.connections.leave(id);
    remote.close();
  }

  private async openLeg(request: WorkerOpenLeg): Promise<Result<WorkerLegOpened, Rejection>> {
    const opened = await this.openMediaLeg(request);
    return opened.ok ? { ok: true, value: opened.value.local } : opened;
  }

  private async openMediaLeg(request: WorkerOpenLeg): Promise<Result<MediaLeg, Rejection>> {
    if (this.legs.has(request.id))
      return { ok: false, error: rejection('MEDIA.DUPLICATE_ID', `leg ${request.id} is open`) };
    const opened = await this.media.openLeg(request);
    if (!opened.ok) return opened;
    const leg = opened.value;
    const id = request.id;
    this.legs.set(id, leg);
    for (const name of FORWARDED) leg.on(name, (payload) => this.post({ ev: 'leg', leg: id, name, payload }));
    if (request.reportRtcp)
      leg.on('rtcp-report', (payload) => this.post({ ev: 'leg', leg: id, name: 'rtcp-report', payload }));
    leg.once('closed', ({ stats }) => {
      this.legs.delete(id);
      this.browserLegs?.close(id);
      // Closed on its own (no RTP): it leaves its call, and a recording it held is finished.
      this.connections.leave(id);
      this.post({ ev: 'leg-closed', leg: id, stats });
    });
    return { ok: true, value: leg };
  }

  private async bridge(
    id: string,
    callerId: string,
    agentId: string,
    recordingPath: string | undefined,
  ): Promise<Result<undefined, Rejection>> {
    const caller = this.legs.get(callerId);
    const agent = this.legs.get(agentId);
    if (!caller || !agent) return { ok: false, error: unknown('leg', caller ? agentId : callerId) };
    // A leg bridged again (transfer) leaves its old bridge first, so its recording is finished.
    const bridged = await this.connections.connect(caller, agent, recordingPath);
    if (!bridged.ok) return bridged;
    this.bridges.set(id, callerId);
    return { ok: true, value: undefined };
  }

  private async unbridge(id: string): Promise<Result<WorkerUnbridged, Rejection>> {
    const leg = this.bridges.get(id);
    if (leg === undefined) return { ok: false, error: unknown('bridge', id) };
    this.bridges.delete(id);
    return { ok: true, value: await this.connections.disconnect(leg) };
  }

  private async play(
    legId: string,
    item: WorkerPlaybackItem,
    options: PlayOptions | undefined,
  ): Promise<Result<number, Rejection>> {
    const leg = this.legs.get(legId);
    if (!leg) return { ok: false, error: unknown('leg', legId) };
    let playable: PlaybackItem;
    if (item.kind === 'prompt') {
      const clip = await this.media.prompts.get(item.path);
      if (!clip.ok) return clip;
      playable = { kind: 'prompt', clip: clip.value };
    } else playable = item;
    if (!this.legs.has(legId)) return { ok: false, error: unknown('leg', legId) };
    return { ok: true, value: this.playerOf(legId, leg).play(playable, options) };
  }

  private playerOf(id: string, leg: MediaLeg): Player {
    let player = this.players.get(id);
    if (!player) {
      const created = this.media.player(leg);
      for (const name of PLAYER_EVENTS)
        created.on(name, (payload) => this.post({ ev: 'player', leg: id, name, payload }));
      leg.once('closed', () => {
        created.dispose();
        this.players.delete(id);
      });
      this.players.set(id, created);
      player = created;
    }
    return player;
  }

  private closeLeg(id: string): void {
    const leg = this.legs.get(id);
    if (!leg) return;
    this.connections.leave(id);
    for (const [bridgeId, callerId] of this.bridges)
      if (this.connections.of(callerId) === undefined) this.bridges.delete(bridgeId);
    leg.close();
  }

  private async closeAll(): Promise<void> {
    this.bridges.clear();
    this.browserLegs?.closeAll();
    for (const id of [...this.remotes.keys()]) this.dropImport(id);
    await this.connections.closeAll();
    this.media.closeAll();
  }

  private health(reset: boolean): MediaWorkerHealth {
    const scheduling = threadScheduling();
    return {
      activity: this.activity(),
      ticker: this.media.ticker.stats,
      timerLag: this.lag.read(reset),
      ...(scheduling ? { scheduling } : {}),
      ...(this.realtimeRefused === undefined ? {} : { realtimeRefused: this.realtimeRefused }),
    };
  }

  private activity(): MediaWorkerActivity {
    return {
      legs: this.legs.size,
      browserLegs: this.browserLegs?.size ?? 0,
      players: this.players.size,
      bridges: this.bridges.size,
      imports: this.remotes.size,
      exports: this.exports.size,
      ...this.connections.activity,
      ...this.media.holdings,
    };
  }

  private withLeg(seq: number, id: string, read: (leg: MediaLeg) => unknown): void {
    const leg = this.legs.get(id);
    this.reply(seq, leg ? { ok: true, value: read(leg) } : { ok: false, error: unknown('leg', id) });
  }

  private reply(seq: number, result: Result<unknown, Rejection>): void {
    if (result.ok) this.post({ ev: 'reply', seq, ok: true, value: result.value });
    else this.post({ ev: 'reply', seq, ok: false, error: result.error });
  }
}
