import { rejection, type Rejection, type Result } from '@switchboard/kernel';
import type { Bridge } from './bridge';
import { LoopLagProbe } from './loop-lag-probe';
import type { MediaLeg } from './media-leg';
import type { MediaLegEvents } from './media-leg-types';
import { MediaService } from './media-service';
import type {
  MediaWorkerCommand,
  MediaWorkerEvent,
  MediaWorkerHealth,
  MediaWorkerSetup,
  WorkerLegOpened,
  WorkerOpenLeg,
  WorkerPlaybackItem,
  WorkerUnbridged,
} from './media-worker-protocol';
import type { PlaybackItem } from './playback-source';
import type { PlayOptions, Player, PlayerEvents } from './player';

/** Leg events forwarded to the main thread (rare: per call, never per packet). */
const FORWARDED: readonly Exclude<keyof MediaLegEvents, 'closed' | 'rtcp-report'>[] = [
  'latched',
  'ssrc-changed',
  'dtmf-started',
  'dtmf',
  'rtp-timeout',
  'rtp-resumed',
  'rtcp-bye',
];
const PLAYER_EVENTS: readonly (keyof PlayerEvents)[] = ['started', 'finished', 'barged-in', 'idle'];

const unknown = (what: string, id: string): Rejection =>
  rejection('MEDIA.UNKNOWN_ID', `no ${what} ${id} on this media worker`, { id });

/**
 * The media side of one worker thread: its own {@link MediaService} (its port sub-range, its own
 * 20 ms ticker, its prompt cache) holding whole calls, driven by {@link MediaWorkerCommand}s and
 * answering with {@link MediaWorkerEvent}s. Every RTP packet of those calls is received, relayed
 * and recorded on this thread; the main thread only sees the few control messages.
 */
export class MediaWorkerHost {
  private readonly media: MediaService;
  private readonly legs = new Map<string, MediaLeg>();
  private readonly players = new Map<string, Player>();
  private readonly bridges = new Map<string, Bridge>();
  private readonly lag = new LoopLagProbe();

  constructor(
    setup: MediaWorkerSetup,
    private readonly post: (event: MediaWorkerEvent) => void,
  ) {
    this.media = new MediaService({
      ports: setup.ports,
      ...(setup.noRtpTimeoutMs !== undefined ? { noRtpTimeoutMs: setup.noRtpTimeoutMs } : {}),
      ...(setup.latch ? { latch: setup.latch } : {}),
      ...(setup.recordingEncoding ? { recordingEncoding: setup.recordingEncoding } : {}),
    });
    this.lag.start();
  }

  /** Handles one command from the main thread. */
  handle(c: MediaWorkerCommand): void {
    switch (c.op) {
      case 'open-leg':
        return void this.openLeg(c).then((r) => this.reply(c.seq, r));
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
    else if (c.op === 'close-leg') void this.closeLeg(c.leg);
    else if (c.op === 'pause-recording') {
      const recorder = this.bridges.get(c.bridge)?.recorder;
      if (c.paused) recorder?.pause();
      else recorder?.resume();
    } else if (c.op === 'stop-playback') this.players.get(c.leg)?.stop();
  }

  private async openLeg(request: WorkerOpenLeg): Promise<Result<WorkerLegOpened, Rejection>> {
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
      this.post({ ev: 'leg-closed', leg: id, stats });
    });
    return { ok: true, value: leg.local };
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
    for (const [other, b] of this.bridges)
      if ([b.caller, b.agent].some((l) => l === caller || l === agent)) await this.unbridge(other);
    const bridged = await this.media.bridge(caller, agent, recordingPath);
    if (!bridged.ok) return bridged;
    this.bridges.set(id, bridged.value);
    return { ok: true, value: undefined };
  }

  private async unbridge(id: string): Promise<Result<WorkerUnbridged, Rejection>> {
    const bridge = this.bridges.get(id);
    if (!bridge) return { ok: false, error: unknown('bridge', id) };
    this.bridges.delete(id);
    bridge.unbridge();
    const summary = bridge.recorder ? await bridge.recorder.close() : undefined;
    return { ok: true, value: summary };
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

  private async closeLeg(id: string): Promise<void> {
    const leg = this.legs.get(id);
    if (!leg) return;
    for (const [bridgeId, b] of this.bridges)
      if (b.caller === leg || b.agent === leg) await this.unbridge(bridgeId);
    leg.close();
  }

  private async closeAll(): Promise<void> {
    for (const id of [...this.bridges.keys()]) await this.unbridge(id);
    this.media.closeAll();
  }

  private health(reset: boolean): MediaWorkerHealth {
    return { legs: this.legs.size, ticker: this.media.ticker.stats, timerLag: this.lag.read(reset) };
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
