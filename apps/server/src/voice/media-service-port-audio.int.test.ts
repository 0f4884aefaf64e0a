/**
 * The no-RTP watchdog of a plain RTP leg reaches call control through `MediaServicePort`: real
 * sockets on 127.0.0.1, the media clock virtual, so the silence is measured in virtual time and
 * the test never waits for it.
 */
import { seededRandom } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { MediaAudioReport } from '../calls';
import { MediaService } from '../media';
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

function sendFrames(
  peer: RtpTestPeer,
  to: { address: string; port: number },
  first: number,
  n: number,
): void {
  const payload = new Uint8Array(160).fill(0xff);
  for (let i = first; i < first + n; i++)
    peer.sendRtp({ payloadType: 0, sequenceNumber: i, timestamp: 160 * i, ssrc: 0x5151, payload }, to);
}

describe('no audio on a plain RTP leg', () => {
  it('is reported by call leg and endpoint when the peer stops sending, and again when it comes back', async () => {
    const minPort = 36000 + 2 * Math.floor(Math.random() * 2000);
    media = new MediaService({
      ports: { bindAddress: '127.0.0.1', minPort, maxPort: minPort + 19 },
      runtime: { clock, timers: clock, random: seededRandom(3) },
      noRtpTimeoutMs: 3000,
    });
    port = new MediaServicePort({ media });
    const reports: MediaAudioReport[] = [];
    port.onAudioReport((r) => reports.push(r));
    caller = await RtpTestPeer.open();
    const opened = await port.open({ legId: 'caller-leg', remoteOffer: offerFrom(caller) });
    if (!opened.ok) throw new Error(opened.error.message);
    const ours = {
      address: '127.0.0.1',
      port: Number(/m=audio (\d+)/.exec(opened.value.localSdp)?.[1]),
    };

    advance(2900);
    expect(reports).toEqual([]);
    advance(200);
    expect(reports).toEqual([
      { endpoint: opened.value.id, legId: 'caller-leg', kind: 'lost', silentForMs: expect.any(Number) },
    ]);
    expect(reports[0]!.silentForMs).toBeGreaterThanOrEqual(3000);

    // The caller talks again: reported once, with the whole gap.
    sendFrames(caller, ours, 1, 5);
    await eventually(() => reports.length === 2, 3000, 'the restored report');
    expect(reports[1]).toMatchObject({ kind: 'restored', legId: 'caller-leg' });
    expect(reports[1]!.silentForMs).toBeGreaterThanOrEqual(3000);

    // And stops: the watchdog (checked once a second) fires again after its period, not before.
    advance(2800);
    expect(reports).toHaveLength(2);
    advance(1200);
    expect(reports[2]).toMatchObject({ kind: 'lost', legId: 'caller-leg' });

    // A released endpoint reports nothing more.
    port.release(opened.value.id);
    advance(10_000);
    expect(reports).toHaveLength(3);
  });
});
