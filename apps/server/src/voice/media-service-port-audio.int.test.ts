/**
 * The no-RTP watchdog of a plain RTP leg reaches call control through `MediaServicePort`: real
 * sockets on 127.0.0.1, the media clock virtual, so the silence is measured in virtual time and
 * the test never waits for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MediaAudioReport } from '../calls';
import { eventually, type RtpTestPeer } from '../media/rtp-test-peer';
import { mediaPortTestRig, type MediaPortTestRig } from './media-port-test-rig';

let rig: MediaPortTestRig | undefined;

afterEach(async () => {
  await rig?.close();
});

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
    rig = await mediaPortTestRig({ seed: 3, noRtpTimeoutMs: 3000 });
    const { port, caller, advance } = rig;
    const reports: MediaAudioReport[] = [];
    port.onAudioReport((r) => reports.push(r));
    const endpoint = await rig.openCallerLeg();
    const ours = {
      address: '127.0.0.1',
      port: Number(/m=audio (\d+)/.exec(endpoint.localSdp)?.[1]),
    };

    advance(2900);
    expect(reports).toEqual([]);
    advance(200);
    expect(reports).toEqual([
      { endpoint: endpoint.id, legId: 'caller-leg', kind: 'lost', silentForMs: expect.any(Number) },
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
    port.release(endpoint.id);
    advance(10_000);
    expect(reports).toHaveLength(3);
  });
});
