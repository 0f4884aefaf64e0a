/**
 * `MediaServicePort` on real sockets and virtual time, for tests of what a plain RTP leg reports to
 * call control: the media layer binds 127.0.0.1, its clock, timers and randomness are virtual (so a
 * silence or a send loop is driven by the test, never waited for), and a caller's RTP peer offers
 * PCMU to it.
 */
import { seededRandom } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import type { MediaEndpoint } from '../calls';
import { MediaService } from '../media';
import { RtpTestPeer } from '../media/rtp-test-peer';
import { MediaServicePort } from './media-service-port';
import { testPortRange } from '../../test/support/test-ports';

/** The call leg the caller's endpoint is opened for. */
const CALLER_LEG = 'caller-leg';

export interface MediaPortTestRigOptions {
  /** Seeds the media layer's randomness (SSRCs, sequence numbers). */
  readonly seed: number;
  /** The no-RTP watchdog's period; the media layer's default when absent. */
  readonly noRtpTimeoutMs?: number;
}

export interface MediaPortTestRig {
  readonly clock: VirtualClock;
  readonly media: MediaService;
  readonly port: MediaServicePort;
  /** The caller's phone: an RTP peer on 127.0.0.1. */
  readonly caller: RtpTestPeer;
  /** Moves the media clock in 20 ms steps, as the media loop ticks. */
  advance(ms: number): void;
  /** Opens an endpoint for call leg `caller-leg`, answering the caller's PCMU offer. */
  openCallerLeg(): Promise<MediaEndpoint>;
  /** Closes the port's endpoints, the media layer and the caller. */
  close(): Promise<void>;
}

/** Starts the rig on 20 ports of the test worker's own range. */
export async function mediaPortTestRig(options: MediaPortTestRigOptions): Promise<MediaPortTestRig> {
  const clock = new VirtualClock(1_000_000);
  const media = new MediaService({
    ports: { bindAddress: '127.0.0.1', ...testPortRange(20) },
    runtime: { clock, timers: clock, random: seededRandom(options.seed) },
    ...(options.noRtpTimeoutMs === undefined ? {} : { noRtpTimeoutMs: options.noRtpTimeoutMs }),
  });
  const port = new MediaServicePort({ media });
  const caller = await RtpTestPeer.open();
  return {
    clock,
    media,
    port,
    caller,
    advance(ms) {
      for (let t = 0; t < ms; t += 20) clock.advance(Math.min(20, ms - t));
    },
    async openCallerLeg() {
      const opened = await port.open({ legId: CALLER_LEG, remoteOffer: pcmuOfferFrom(caller) });
      if (!opened.ok) throw new Error(opened.error.message);
      return opened.value;
    },
    async close() {
      await port.closeAll();
      media.closeAll();
      caller.close();
    },
  };
}

/** A PCMU-only offer for the peer's RTP port on 127.0.0.1. */
function pcmuOfferFrom(peer: RtpTestPeer): string {
  return ['v=0', 'o=caller 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0']
    .concat([`m=audio ${peer.address.port} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', ''])
    .join('\r\n');
}
