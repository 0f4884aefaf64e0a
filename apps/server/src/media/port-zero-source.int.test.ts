import { CHINA_TONE_PLAN, ULAW_SILENCE } from '@switchboard/media';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaTestHarness, PCMU, rtpOf } from './media-test-harness';
import { MediaWorkerPool, type MediaWorkerPoolEvents } from './media-worker-pool';
import { eventually, RtpTestPeer } from './rtp-test-peer';
import { playCaptureFromPortZero } from '../../test/support/sipp-capture-player';
import { testPortRange } from '../../test/support/test-ports';

// RTP from UDP source port 0 (sipp playing a capture without -mp) must neither latch the leg nor
// make it send to port 0: `dgram` throws on that synchronously, which used to end the process
// (in-process media) or the media worker with every call on it.

const frame = new Uint8Array(160).fill(ULAW_SILENCE);
let h: MediaTestHarness | undefined;
let pool: MediaWorkerPool | undefined;
const peers: RtpTestPeer[] = [];
afterEach(async () => {
  h?.close();
  h = undefined;
  await pool?.close();
  pool = undefined;
  for (const p of peers.splice(0)) p.close();
});

async function peer(): Promise<RtpTestPeer> {
  const p = await RtpTestPeer.open();
  peers.push(p);
  return p;
}

describe('RTP from source port 0', () => {
  it('is counted and dropped by an in-process leg, which keeps sending to its remote', async () => {
    h = new MediaTestHarness();
    const remote = await peer();
    const leg = await h.leg(PCMU, remote.address);
    const latched: unknown[] = [];
    leg.on('latched', (e) => latched.push(e));

    const sipp = await playCaptureFromPortZero(rtpOf(leg));
    expect(sipp.exitCode, sipp.output).toBe(0);
    await eventually(() => leg.stats().counters.unusableSource === 10, 3000, 'ten packets from port 0');

    expect(latched).toEqual([]);
    expect(leg.remote).toEqual(remote.address);
    expect(leg.stats().counters).toMatchObject({ accepted: 0, learning: 0, latches: 0, sendErrors: 0 });
    leg.sendFrame(frame);
    await remote.waitForRtp(1);
    expect(remote.rtp[0]).toMatchObject({ ssrc: leg.sender.ssrc });
  });

  it('leaves a media worker and its calls running while the leg plays a tone', async () => {
    pool = new MediaWorkerPool({
      workers: 1,
      ports: { bindAddress: '127.0.0.1', ...testPortRange(100) },
    });
    const failures: MediaWorkerPoolEvents['worker-failed'][] = [];
    pool.on('worker-failed', (e) => failures.push(e));
    const remote = await peer();
    const opened = await pool.openLeg({
      id: 'caller',
      callId: 'call-1',
      codec: PCMU,
      remote: remote.address,
    });
    if (!opened.ok) throw new Error(opened.error.code);
    const leg = opened.value;
    const faults: unknown[] = [];
    leg.on('media-fault', (f) => faults.push(f));
    const played = await pool
      .player(leg)
      .play({ kind: 'tone', tone: CHINA_TONE_PLAN.dial, durationMs: 20_000 });
    expect(played.ok).toBe(true);
    await remote.waitForRtp(5);

    const sipp = await playCaptureFromPortZero({ address: leg.local.address, port: leg.local.rtpPort });
    expect(sipp.exitCode, sipp.output).toBe(0);
    const stats = async () => {
      const s = await leg.stats();
      if (!s.ok) throw new Error(s.error.code);
      return s.value;
    };
    // sipp sent everything before it exited; the worker may still be reading the last datagrams.
    const deadline = performance.now() + 3000;
    let unusable = (await stats()).counters.unusableSource;
    while (unusable < 10 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      unusable = (await stats()).counters.unusableSource;
    }
    expect(unusable).toBe(10);

    // The tone still reaches the signalled remote, from a worker that did not die.
    const before = remote.rtp.length;
    await remote.waitForRtp(before + 10);
    expect(failures).toEqual([]);
    expect(faults).toEqual([]);
    expect(leg.isOpen).toBe(true);
    expect(await stats()).toMatchObject({
      remote: remote.address,
      counters: { latches: 0, sendErrors: 0 },
    });
  });
});
