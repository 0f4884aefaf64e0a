import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import type { G711Law } from '@switchboard/media';
import { afterEachBatch, openBatchSockets } from './batch-udp-socket';
import { CallRecorder, type RecordingEncoding } from './call-recorder';
import { Bridge } from './bridge';
import { systemMediaRuntime, type MediaRuntime } from './media-clock';
import { MediaLeg } from './media-leg';
import type { LegCodec, RemoteMedia, SwitchableLeg } from './media-leg-types';
import { MediaTicker } from './media-ticker';
import { Player } from './player';
import { PromptLibrary } from './prompt-clip';
import { RtpPortPool, type RtpPortPoolOptions } from './rtp-port-pool';
import type { SourceLatchOptions } from './source-latch';

export interface MediaServiceOptions {
  readonly ports: RtpPortPoolOptions;
  readonly runtime?: MediaRuntime;
  /** Default no-RTP watchdog of every leg, ms. */
  readonly noRtpTimeoutMs?: number;
  readonly latch?: SourceLatchOptions;
  readonly recordingEncoding?: RecordingEncoding;
  /** In-band DTMF detection on legs (see `MediaLegOptions.inBandDtmf`); default on. */
  readonly inBandDtmf?: boolean;
}

/** What signalling knows when it opens a leg. */
export interface OpenLegRequest {
  readonly id: string;
  readonly codec: LegCodec;
  readonly remote?: RemoteMedia;
}

/** What a media thread's service holds besides its legs: each zero once its calls are over. */
export interface MediaServiceHoldings {
  /** What the 20 ms ticker calls: players, recorders, mixers, watchdogs. */
  readonly tickerSubscribers: number;
  /** RTP/RTCP port pairs bound, and this thread's batched sockets open. */
  readonly portPairs: number;
  readonly sockets: number;
}

/**
 * The media layer of one process: the port pool, the shared 20 ms ticker, the prompt cache, and
 * factories for legs, players, bridges and recorders wired to them. Signalling calls
 * {@link openLeg} while answering an INVITE; a rejection maps to 503/488 through
 * `sipStatusOfMediaRejection`.
 */
export class MediaService {
  readonly pool: RtpPortPool;
  readonly ticker: MediaTicker;
  readonly prompts = new PromptLibrary();
  readonly runtime: MediaRuntime;
  private readonly legs = new Set<MediaLeg>();

  constructor(private readonly options: MediaServiceOptions) {
    this.pool = new RtpPortPool(options.ports);
    this.runtime = options.runtime ?? systemMediaRuntime;
    this.ticker = new MediaTicker({
      clock: this.runtime.clock,
      timers: this.runtime.timers,
      // Only on real time: a virtual clock's ticks must not follow the machine's reads.
      ...(options.runtime === undefined ? { betweenReads: afterEachBatch } : {}),
    });
  }

  /** Legs open now. */
  get openLegs(): number {
    return this.legs.size;
  }

  /** Ticker subscribers, port pairs and sockets now, for leak checks and `/metrics`. */
  get holdings(): MediaServiceHoldings {
    return {
      tickerSubscribers: this.ticker.size,
      portPairs: this.pool.allocated,
      sockets: openBatchSockets(),
    };
  }

  /** Binds a port pair and opens a leg on it. */
  async openLeg(request: OpenLegRequest): Promise<Result<MediaLeg, Rejection>> {
    const sockets = await this.pool.allocate();
    if (!sockets.ok) return err(sockets.error);
    const leg = new MediaLeg({
      id: request.id,
      sockets: sockets.value,
      codec: request.codec,
      runtime: this.runtime,
      ticker: this.ticker,
      release: (pair) => this.pool.release(pair),
      ...(request.remote ? { remote: request.remote } : {}),
      ...(this.options.noRtpTimeoutMs !== undefined ? { noRtpTimeoutMs: this.options.noRtpTimeoutMs } : {}),
      ...(this.options.latch ? { latch: this.options.latch } : {}),
      ...(this.options.inBandDtmf === undefined ? {} : { inBandDtmf: this.options.inBandDtmf }),
    });
    this.legs.add(leg);
    leg.once('closed', () => this.legs.delete(leg));
    return ok(leg);
  }

  /** A player on `leg`, paced by the shared ticker. */
  player(leg: MediaLeg): Player {
    return new Player(leg, this.ticker);
  }

  /** Bridges caller and agent; with `recordingPath`, records the call in stereo there. */
  async bridge(
    caller: SwitchableLeg,
    agent: SwitchableLeg,
    recordingPath?: string,
  ): Promise<Result<Bridge, Rejection>> {
    if (recordingPath === undefined) return ok(new Bridge(caller, agent));
    const recorder = await this.recorder(recordingPath, caller.codec.law, agent.codec.law);
    if (!recorder.ok) return err(recorder.error);
    return ok(new Bridge(caller, agent, recorder.value));
  }

  /** Starts a stereo recording paced by this service's ticker: caller left, agent right. */
  recorder(path: string, callerLaw: G711Law, agentLaw: G711Law): Promise<Result<CallRecorder, Rejection>> {
    return CallRecorder.start({
      path,
      ticker: this.ticker,
      callerLaw,
      agentLaw,
      ...(this.options.recordingEncoding ? { encoding: this.options.recordingEncoding } : {}),
    });
  }

  /** Closes every open leg (shutdown). */
  closeAll(): void {
    for (const leg of [...this.legs]) leg.close();
  }
}
