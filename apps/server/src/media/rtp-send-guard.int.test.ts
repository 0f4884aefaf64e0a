import { ULAW_SILENCE } from '@switchboard/media';
import { afterEach, describe, expect, it } from 'vitest';
import { Bridge } from './bridge';
import { MediaLeg } from './media-leg';
import type { MediaFault, RemoteMedia } from './media-leg-types';
import { MediaTestHarness, PCMU, rtpOf } from './media-test-harness';
import type { RtpSocketPair } from './rtp-port-pool';
import { eventually, RtpTestPeer } from './rtp-test-peer';

// `dgram` throws synchronously when told to send where it never can (port 0, past 65535) or on a
// socket that is gone. Those sends run in packet handlers and ticker callbacks, so a leg must
// count them and report a fault rather than let the throw end the process or its media worker.

const frame = new Uint8Array(160).fill(ULAW_SILENCE);
let h: MediaTestHarness | undefined;
const peers: RtpTestPeer[] = [];
const ownLegs: MediaLeg[] = [];
afterEach(() => {
  for (const leg of ownLegs.splice(0)) leg.close();
  h?.close();
  h = undefined;
  for (const p of peers.splice(0)) p.close();
});

async function peer(): Promise<RtpTestPeer> {
  const p = await RtpTestPeer.open();
  peers.push(p);
  return p;
}

/** A leg whose sockets the test holds, so it can close them underneath the leg. */
async function legWithSockets(harness: MediaTestHarness, id: string, remote: RemoteMedia) {
  const allocated = await harness.pool.allocate();
  if (!allocated.ok) throw new Error(allocated.error.code);
  const sockets: RtpSocketPair = allocated.value;
  const leg = new MediaLeg({
    id,
    sockets,
    codec: PCMU,
    remote,
    runtime: harness.runtime,
    ticker: harness.ticker,
    release: (pair) => harness.pool.release(pair),
  });
  ownLegs.push(leg);
  const faults: MediaFault[] = [];
  leg.on('media-fault', (f) => faults.push(f));
  return { leg, sockets, faults };
}

describe('the RTP send path', () => {
  it('sends neither RTP nor RTCP while signalling says port 0 (a disabled stream), and resumes after', async () => {
    h = new MediaTestHarness();
    const remote = await peer();
    const leg = await h.leg(PCMU, remote.address);
    leg.sendFrame(frame);
    await remote.waitForRtp(1);

    leg.setRemote({ address: '127.0.0.1', port: 0 });
    expect(leg.remote).toBeUndefined();
    leg.sendFrame(frame);
    expect(leg.sendDtmf('5')).toBe(true);
    h.advance(12_000); // DTMF packets on the ticker, and RTCP reports
    expect(leg.stats().counters.sendErrors).toBe(0);

    leg.setRemote(remote.address);
    leg.sendFrame(frame, true);
    await remote.waitFor((p) => p.rtp.some((r) => r.marker && r.payloadType === 0), 3000, 'frame after');
    // Nothing sent while disabled reached the remote either: only the frames before and after.
    expect(remote.rtp.filter((r) => r.payloadType === 0).length).toBe(2);
    expect(remote.rtp.filter((r) => r.payloadType === 101)).toEqual([]);
  });

  it('leaves RTCP unsent when RTP is on port 65535 (RTP + 1 is no port)', async () => {
    h = new MediaTestHarness();
    const leg = await h.leg(PCMU, { address: '127.0.0.1', port: 65535 });
    leg.sendFrame(frame);
    h.advance(20_000);
    // Reports were due (and counted), but none could go anywhere, and nothing threw.
    expect(leg.stats().rtcpSent).toBeGreaterThan(0);
    expect(leg.stats().counters.sendErrors).toBe(0);
  });

  it('counts a send its socket refuses, reports one fault, and stops sending until the remote changes', async () => {
    h = new MediaTestHarness();
    const remote = await peer();
    const { leg, sockets, faults } = await legWithSockets(h, 'refused', remote.address);
    sockets.rtp.close();
    leg.sendFrame(frame);
    leg.sendFrame(frame);
    expect(faults).toEqual([
      { kind: 'send', code: 'ERR_SOCKET_DGRAM_NOT_RUNNING', message: expect.any(String) },
    ]);
    expect(leg.stats().counters.sendErrors).toBe(1);

    // A new remote from signalling tries again, and reports again when that fails too.
    leg.setRemote(remote.address);
    leg.sendFrame(frame);
    expect(faults.map((f) => f.kind)).toEqual(['send', 'send']);
    expect(leg.stats().counters.sendErrors).toBe(2);
  });

  it('keeps a bridged call relaying one way when the other leg cannot send', async () => {
    h = new MediaTestHarness();
    const [callerPeer, agentPeer] = [await peer(), await peer()];
    const caller = await legWithSockets(h, 'caller', callerPeer.address);
    const agent = await legWithSockets(h, 'agent', agentPeer.address);
    const bridge = new Bridge(caller.leg, agent.leg);
    agent.sockets.rtp.close();

    // The first packet of a new source is held in probation (RFC 3550 §A.1): six give five.
    for (let i = 0; i < 6; i++)
      callerPeer.sendRtp(
        { payloadType: 0, sequenceNumber: 10 + i, timestamp: 160 * i, ssrc: 0xca11, payload: frame },
        rtpOf(caller.leg),
      );
    await eventually(() => caller.leg.stats().counters.accepted === 5, 3000, 'caller packets');
    expect(bridge.stats.callerToAgent).toBe(5);
    // The relay failed on the agent's side and stayed there: the caller's receive path went on.
    expect(caller.leg.stats().counters).toMatchObject({ receiveErrors: 0, sendErrors: 0 });
    expect(caller.faults).toEqual([]);
    expect(agent.leg.stats().counters.sendErrors).toBe(1);
    expect(agent.faults).toMatchObject([{ kind: 'send', code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' }]);

    caller.leg.sendFrame(frame);
    await callerPeer.waitForRtp(1);
  });

  it('drops a packet whose handling throws, reports it once, and handles the next ones', async () => {
    h = new MediaTestHarness();
    const remote = await peer();
    const { leg, faults } = await legWithSockets(h, 'receiving', remote.address);
    let calls = 0;
    leg.setSink({
      receiveRtp: () => {
        calls++;
        if (calls <= 2) throw new Error('sink failed');
      },
    });
    // The first packet of a new source is held in probation (RFC 3550 §A.1): five give four.
    for (let i = 0; i < 5; i++)
      remote.sendRtp(
        { payloadType: 0, sequenceNumber: 10 + i, timestamp: 160 * i, ssrc: 0xabc, payload: frame },
        rtpOf(leg),
      );
    await eventually(() => calls === 4, 3000, 'four packets handled');
    expect(faults).toEqual([{ kind: 'receive', code: 'ERR_UNKNOWN', message: 'sink failed' }]);
    expect(leg.stats().counters).toMatchObject({ accepted: 4, receiveErrors: 2 });
  });
});
