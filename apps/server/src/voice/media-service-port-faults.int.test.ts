/**
 * A media leg's fault reaches call control's listeners through `MediaServicePort`, by call leg and
 * endpoint: real sockets on 127.0.0.1, the RTP socket closed underneath the leg (as when its port
 * pair is gone), the media clock virtual so that the leg's sends run without waiting.
 */
import { seededRandom } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { MediaFaultReport } from '../calls';
import { MediaService } from '../media';
import type { RtpSocketPair } from '../media/rtp-port-pool';
import { eventually, RtpTestPeer } from '../media/rtp-test-peer';
import { MediaServicePort } from './media-service-port';

const clock = new VirtualClock(1_000_000);
let port: MediaServicePort | undefined;
let media: MediaService | undefined;
let caller: RtpTestPeer | undefined;

afterEach(async () => {
  await port?.closeAll();
  media?.closeAll();
  caller?.close();
});

/** Moves the media clock in 20 ms steps, as the media loop ticks. */
function advance(ms: number): void {
  for (let t = 0; t < ms; t += 20) clock.advance(Math.min(20, ms - t));
}

function offerFrom(peer: RtpTestPeer): string {
  return ['v=0', 'o=caller 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0']
    .concat([`m=audio ${peer.address.port} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', ''])
    .join('\r\n');
}

describe('a media fault on a plain RTP leg', () => {
  it('is reported once by call leg and endpoint when its socket refuses to send, and not after release', async () => {
    const minPort = 38000 + 2 * Math.floor(Math.random() * 2000);
    media = new MediaService({
      ports: { bindAddress: '127.0.0.1', minPort, maxPort: minPort + 19 },
      runtime: { clock, timers: clock, random: seededRandom(5) },
    });
    // The sockets the pool binds, so the test can close one underneath its leg.
    const pairs: RtpSocketPair[] = [];
    const allocate = media.pool.allocate.bind(media.pool);
    media.pool.allocate = async () => {
      const allocated = await allocate();
      if (allocated.ok) pairs.push(allocated.value);
      return allocated;
    };
    port = new MediaServicePort({ media });
    const faults: MediaFaultReport[] = [];
    port.onMediaFault((f) => faults.push(f));
    caller = await RtpTestPeer.open();
    const opened = await port.open({ legId: 'caller-leg', remoteOffer: offerFrom(caller) });
    if (!opened.ok) throw new Error(opened.error.message);

    // Music on hold sends a frame every 20 ms: the first one after the socket is gone faults.
    port.startMusicOnHold(opened.value.id);
    await eventually(
      () => {
        advance(20);
        return caller!.rtp.length > 0;
      },
      3000,
      'music on hold at the caller',
    );
    expect(faults).toEqual([]);
    pairs[0]!.rtp.close();
    advance(1000);
    expect(faults).toEqual([
      {
        endpoint: opened.value.id,
        legId: 'caller-leg',
        kind: 'send',
        code: 'ERR_SOCKET_DGRAM_NOT_RUNNING',
        message: expect.any(String),
      },
    ]);

    port.release(opened.value.id);
    advance(1000);
    expect(faults).toHaveLength(1);
  });
});
