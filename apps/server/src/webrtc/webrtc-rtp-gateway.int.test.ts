import { afterEach, describe, expect, it } from 'vitest';
import { eventually, RtpTestPeer } from '../media/rtp-test-peer';
import { WebRtcLeg } from './webrtc-leg';
import { WebRtcRtpGateway } from './webrtc-rtp-gateway';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

async function rig(): Promise<{ gateway: WebRtcRtpGateway; rtpLeg: RtpTestPeer; stranger: RtpTestPeer }> {
  const leg = new WebRtcLeg({ id: 'agent-leg' });
  const rtpLeg = await RtpTestPeer.open();
  const stranger = await RtpTestPeer.open();
  const gateway = await WebRtcRtpGateway.open(leg, { address: '0.0.0.0', port: rtpLeg.address.port });
  closers.push(
    () => gateway.close(),
    () => leg.close(),
    () => rtpLeg.close(),
    () => stranger.close(),
  );
  return { gateway, rtpLeg, stranger };
}

const frame = { payloadType: 0, sequenceNumber: 1, timestamp: 160, ssrc: 42, payload: new Uint8Array(160) };

describe('WebRtcRtpGateway', () => {
  it('binds on loopback next to an RTP leg listening on every address', async () => {
    const { gateway } = await rig();
    expect(gateway.local.address).toBe('127.0.0.1');
    expect(gateway.local.port).toBeGreaterThan(0);
  });

  it("relays the RTP leg's packets towards the browser and drops RTCP, garbage and strangers", async () => {
    const { gateway, rtpLeg, stranger } = await rig();
    rtpLeg.sendRtp(frame, gateway.local);
    // An RTCP receiver report (RFC 3550 §6.4.2, type 201) of the RTP leg: not for the browser.
    rtpLeg.sendRaw(Uint8Array.from([0x80, 201, 0, 1, 0, 0, 0, 42]), gateway.local);
    rtpLeg.sendRaw(Uint8Array.from([1, 2, 3]), gateway.local);
    stranger.sendRtp(frame, gateway.local);
    await eventually(() => gateway.stats().toBrowser + gateway.stats().dropped === 4, 3000, 'four datagrams');
    expect(gateway.stats()).toEqual({ toRtp: 0, toBrowser: 1, dropped: 3 });
  });

  it('closes idempotently', async () => {
    const { gateway } = await rig();
    gateway.close();
    expect(() => gateway.close()).not.toThrow();
  });
});
