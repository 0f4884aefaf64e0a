/**
 * A media leg's fault reaches call control's listeners through `MediaServicePort`, by call leg and
 * endpoint: real sockets on 127.0.0.1, the RTP socket closed underneath the leg (as when its port
 * pair is gone), the media clock virtual so that the leg's sends run without waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MediaFaultReport } from '../calls';
import type { RtpSocketPair } from '../media/rtp-port-pool';
import { eventually } from '../media/rtp-test-peer';
import { mediaPortTestRig, type MediaPortTestRig } from './media-port-test-rig';

let rig: MediaPortTestRig | undefined;

afterEach(async () => {
  await rig?.close();
});

describe('a media fault on a plain RTP leg', () => {
  it('is reported once by call leg and endpoint when its socket refuses to send, and not after release', async () => {
    rig = await mediaPortTestRig({ seed: 5 });
    const { media, port, caller, advance } = rig;
    // The sockets the pool binds, so the test can close one underneath its leg.
    const pairs: RtpSocketPair[] = [];
    const allocate = media.pool.allocate.bind(media.pool);
    media.pool.allocate = async () => {
      const allocated = await allocate();
      if (allocated.ok) pairs.push(allocated.value);
      return allocated;
    };
    const faults: MediaFaultReport[] = [];
    port.onMediaFault((f) => faults.push(f));
    const endpoint = await rig.openCallerLeg();

    // Music on hold sends a frame every 20 ms: the first one after the socket is gone faults.
    port.startMusicOnHold(endpoint.id);
    await eventually(
      () => {
        advance(20);
        return caller.rtp.length > 0;
      },
      3000,
      'music on hold at the caller',
    );
    expect(faults).toEqual([]);
    pairs[0]!.rtp.close();
    advance(1000);
    expect(faults).toEqual([
      {
        endpoint: endpoint.id,
        legId: 'caller-leg',
        kind: 'send',
        code: 'ERR_SOCKET_DGRAM_NOT_RUNNING',
        message: expect.any(String),
      },
    ]);

    port.release(endpoint.id);
    advance(1000);
    expect(faults).toHaveLength(1);
  });
});
