import { seededRandom } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import type { MediaRuntime } from './media-clock';
import { MediaLeg } from './media-leg';
import type { LegCodec, MediaLegOptions, RemoteMedia } from './media-leg-types';
import { MediaTicker } from './media-ticker';
import { RtpPortPool } from './rtp-port-pool';
import { testPortRange } from '../../test/support/test-ports';

/** PCMU with telephone-event on 101, as most trunks answer. */
export const PCMU: LegCodec = { law: 'pcmu', payloadType: 0, telephoneEventPayloadType: 101 };
/** PCMA with telephone-event on 101. */
export const PCMA: LegCodec = { law: 'pcma', payloadType: 8, telephoneEventPayloadType: 101 };

/**
 * Legs on real 127.0.0.1 sockets driven by a virtual clock: packets travel for real, while
 * the media clock (ticks, RTCP intervals, the watchdog) moves only when a test advances it.
 */
export class MediaTestHarness {
  readonly clock = new VirtualClock(1_000_000);
  readonly runtime: MediaRuntime = { clock: this.clock, timers: this.clock, random: seededRandom(7) };
  readonly ticker = new MediaTicker({ clock: this.clock, timers: this.clock });
  readonly pool: RtpPortPool;
  private readonly legs: MediaLeg[] = [];

  constructor() {
    this.pool = new RtpPortPool({ bindAddress: '127.0.0.1', ...testPortRange(200) });
  }

  /** Opens a leg with the given codec and remote. */
  async leg(codec: LegCodec, remote?: RemoteMedia, extra: Partial<MediaLegOptions> = {}): Promise<MediaLeg> {
    const sockets = await this.pool.allocate();
    if (!sockets.ok) throw new Error(sockets.error.code);
    const leg = new MediaLeg({
      id: `leg-${this.legs.length + 1}`,
      sockets: sockets.value,
      codec,
      runtime: this.runtime,
      ticker: this.ticker,
      release: (pair) => this.pool.release(pair),
      ...(remote ? { remote } : {}),
      ...extra,
    });
    this.legs.push(leg);
    return leg;
  }

  /** Moves the media clock in 20 ms steps, as a real loop would tick. */
  advance(ms: number): void {
    for (let t = 0; t < ms; t += 20) this.clock.advance(Math.min(20, ms - t));
  }

  close(): void {
    for (const leg of this.legs) leg.close();
  }
}

/** RTP address of a leg, as a peer sends to it. */
export function rtpOf(leg: MediaLeg): { address: string; port: number } {
  return { address: leg.local.address, port: leg.local.rtpPort };
}

export { toneShare } from '../../test/support/tone-analysis';

/** A sine of `hz` at `amplitude`, `n` samples at 8 kHz, starting at sample `from`. */
export function sine(hz: number, n: number, amplitude = 8000, from = 0): Int16Array {
  return Int16Array.from({ length: n }, (_, i) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * hz * (from + i)) / 8000)),
  );
}
