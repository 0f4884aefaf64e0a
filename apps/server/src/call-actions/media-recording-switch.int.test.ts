import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { seededRandom, type TenantId } from '@switchboard/kernel';
import { encodeG711, parseWav, wavSamples } from '@switchboard/media';
import { createOffer, serializeSdp } from '@switchboard/sip';
import { VirtualClock } from '@switchboard/testkit';
import { rms } from '../../test/support/tone-analysis';
import { MediaConnections, MediaService, MediaWorkerPool, type RecordingSummary } from '../media';
import { PCMU, sine, toneShare } from '../media/media-test-harness';
import { eventually, RtpTestPeer } from '../media/rtp-test-peer';
import { MediaServicePort } from '../voice/media-service-port';
import { CallActionCode } from './call-action-codes';
import type { LiveCall } from './live-calls';
import { mediaRecordingSwitch } from './media-recording-switch';
import { testPortRange } from '../../test/support/test-ports';

const dir = mkdtempSync(join(tmpdir(), 'sb-pause-'));
let media: MediaService | undefined;
afterEach(() => {
  media?.closeAll();
  media = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const callOf = (leg: { readonly id: string }): LiveCall => ({
  tenantId: 't' as TenantId,
  contactId: 'c-1',
  callId: 'call-1',
  callerLegId: leg.id,
  callerNumber: '+8613800138000',
  arrivedAt: 0,
  agentId: 'a-1',
  agentLegId: 'agent-leg',
  routingContactId: 'c-1',
});

describe('pausing a call recording through the media connections', () => {
  it('writes silence while paused, counted as paused time, and refuses a call nothing records', async () => {
    // Real sockets, virtual media clock: the recorder's 20 ms ticks move only when the test says.
    const clock = new VirtualClock(1_000_000);
    const tick = (ms: number) => {
      for (let t = 0; t < ms; t += 20) clock.advance(20);
    };
    media = new MediaService({
      ports: { bindAddress: '127.0.0.1', ...testPortRange(10) },
      runtime: { clock, timers: clock, random: seededRandom(7) },
    });
    const connections = new MediaConnections({ media });
    const open = async (id: string) => {
      const leg = await media!.openLeg({ id, codec: PCMU });
      if (!leg.ok) throw new Error(leg.error.message);
      return leg.value;
    };
    const caller = await open('caller-leg');
    const agent = await open('agent-leg');
    const alone = await open('alone-leg');
    const connected = await connections.connect(caller, agent, join(dir, 'c-1.wav'));
    expect(connected.ok).toBe(true);
    const switchOf = mediaRecordingSwitch(
      { pauseRecording: (legId, paused) => connections.pauseRecording(legId, paused) },
      () => true,
    );
    const call = callOf(caller);
    expect(switchOf.state(call)).toEqual({ paused: false });
    expect(switchOf.setPaused(call, true).ok).toBe(true);
    expect(switchOf.state(call)).toEqual({ paused: true });
    // Silence is written on each tick while paused, keeping the file on the call's timeline.
    tick(200);
    expect(switchOf.setPaused(call, false).ok).toBe(true);
    expect(switchOf.state(call)).toEqual({ paused: false });
    tick(100);
    const summary = await connections.disconnect(caller.id);
    expect(summary?.pausedMs).toBe(200);
    expect(summary?.pausedSpans).toBe(1);
    expect(summary?.durationMs).toBe(300);

    const refused = switchOf.setPaused(callOf(alone), true);
    expect(refused.ok ? undefined : refused.error.code).toBe(CallActionCode.NOT_RECORDED);
  });
});

/** A sipp-like SDP offer from a test peer: PCMU from its address. */
function offerFrom(peer: RtpTestPeer): string {
  return serializeSdp(
    createOffer({
      address: '127.0.0.1',
      port: peer.address.port,
      codecs: ['PCMU'],
      ptime: 20,
      direction: 'sendrecv',
      origin: { username: '-', sessionId: String(peer.address.port), sessionVersion: '1' },
    }),
  );
}

/**
 * How much of each 20 ms frame is the tone, on average: the recorder's jitter buffer may drop or
 * repeat a frame to follow real-time jitter, which breaks the phase a long-window measure needs.
 */
function tonePerFrame(samples: Int16Array, hz: number): number {
  let sum = 0;
  const frames = Math.floor(samples.length / 160);
  for (let f = 0; f < frames; f++) sum += toneShare(samples.subarray(f * 160, (f + 1) * 160), hz);
  return frames === 0 ? 0 : sum / frames;
}

/** One 20 ms frame of a tone, frame `k` of its stream. */
function toneFrame(hz: number, k: number): Uint8Array {
  const payload = new Uint8Array(160);
  encodeG711('pcmu', sine(hz, 160, 8000, 160 * k), payload);
  return payload;
}

describe.each([
  ['in process', 0],
  ['on a media worker', 1],
])('the live media port %s', (_, workers) => {
  let port: MediaServicePort | undefined;
  let service: MediaService | undefined;
  const peers: RtpTestPeer[] = [];
  afterEach(async () => {
    await port?.closeAll();
    service?.closeAll();
    for (const p of peers.splice(0)) p.close();
  });

  it('pauses from the API, and records one file across hold and resume with the agent after it', async () => {
    service = new MediaService({ ports: { bindAddress: '127.0.0.1', ...testPortRange(20) } });
    const pool =
      workers === 0
        ? undefined
        : new MediaWorkerPool({
            workers,
            ports: { bindAddress: '127.0.0.1', ...testPortRange(40) },
          });
    const summaries: RecordingSummary[] = [];
    port = new MediaServicePort({
      media: service,
      ...(pool === undefined ? {} : { workers: pool }),
      onRecordingClosed: (s) => summaries.push(s),
    });
    const live = port;
    const [callerPeer, agentPeer, alonePeer] = [
      await RtpTestPeer.open(),
      await RtpTestPeer.open(),
      await RtpTestPeer.open(),
    ];
    peers.push(callerPeer, agentPeer, alonePeer);
    const open = async (legId: string, peer: RtpTestPeer) => {
      const e = await live.open({ legId, remoteOffer: offerFrom(peer) });
      if (!e.ok) throw new Error(e.error.message);
      return e.value.id;
    };
    const callerEp = await open('caller-leg', callerPeer);
    const agentEp = await open('agent-leg', agentPeer);
    await open('alone-leg', alonePeer);
    const target = (legId: string) => {
      const leg = live.legOf(legId)!;
      return { address: '127.0.0.1', port: leg.local.rtpPort };
    };
    const path = join(dir, `held-${workers}.wav`);
    expect((await live.connect(callerEp, agentEp, { recordingPath: path })).ok).toBe(true);
    const switchOf = mediaRecordingSwitch(live, (legId) => live.hasLeg(legId));
    const call = callOf({ id: 'caller-leg' });

    // Real time on both sides: the recorder's clock is the media thread's own.
    const started = Date.now();
    const marks: Record<string, number> = {};
    // Frames are sent as wall-clock time makes them due (timer callbacks run late under load), with
    // timestamps on that clock: a party that stops (the caller on hold) resumes further ahead.
    let sent = 0;
    const talk = async (ms: number, who: { caller: boolean; agent: boolean }) => {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        for (const due = Math.floor((Date.now() - started) / 20); sent < due; sent++) {
          const k = sent;
          const fields = { payloadType: 0, sequenceNumber: k & 0xffff, timestamp: 160 * k };
          if (who.caller)
            callerPeer.sendRtp({ ...fields, ssrc: 0xca11, payload: toneFrame(440, k) }, target('caller-leg'));
          if (who.agent)
            agentPeer.sendRtp({ ...fields, ssrc: 0xa6e7, payload: toneFrame(1000, k) }, target('agent-leg'));
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const mark = (name: string) => (marks[name] = Date.now() - started);

    await talk(1000, { caller: true, agent: true });
    mark('pause');
    expect(switchOf.setPaused(call, true).ok).toBe(true);
    await talk(600, { caller: true, agent: true });
    mark('resume');
    expect(switchOf.setPaused(call, false).ok).toBe(true);
    await talk(600, { caller: true, agent: true });
    // Hold as call control does it: the legs are disconnected and the caller hears music.
    mark('hold');
    live.disconnect(callerEp, agentEp);
    live.startMusicOnHold(callerEp);
    // Still recorded while held: the API can pause it.
    expect(switchOf.state(call)).toEqual({ paused: false });
    await talk(1000, { caller: false, agent: true });
    mark('unhold');
    live.stopMusicOnHold(callerEp);
    expect((await live.connect(callerEp, agentEp)).ok).toBe(true);
    await talk(1000, { caller: true, agent: true });
    mark('end');
    // A call nothing records says so, and cannot be paused.
    expect(switchOf.state(callOf({ id: 'alone-leg' }))).toBeUndefined();
    const refused = switchOf.setPaused(callOf({ id: 'alone-leg' }), true);
    expect(refused.ok ? undefined : refused.error.code).toBe(CallActionCode.NOT_RECORDED);
    live.release(agentEp);
    live.release(callerEp);
    await eventually(() => summaries.length > 0, 5000, 'the recording to close');

    // One file for the whole call, with the paused and held time counted.
    expect(summaries).toHaveLength(1);
    const summary = summaries[0]!;
    expect(summary.path).toBe(path);
    expect(summary.error).toBeUndefined();
    expect(summary.durationMs).toBeGreaterThanOrEqual(marks['end']! - 200);
    expect(summary.pausedMs).toBeGreaterThanOrEqual(marks['resume']! - marks['pause']! - 100);
    expect(summary.pausedMs).toBeLessThanOrEqual(marks['resume']! - marks['pause']! + 200);
    expect(summary.heldMs).toBeGreaterThanOrEqual(marks['unhold']! - marks['hold']! - 100);
    expect(summary.heldMs).toBeLessThanOrEqual(marks['unhold']! - marks['hold']! + 300);

    const wav = parseWav(new Uint8Array(await readFile(path)));
    if (!wav.ok) throw new Error(wav.error.message);
    const both = wavSamples(wav.value);
    const left = both.filter((_, i) => i % 2 === 0);
    const right = both.filter((_, i) => i % 2 === 1);
    expect((left.length * 1000) / 8000).toBeGreaterThanOrEqual(marks['end']! - 200);
    // A window well inside each phase (the jitter buffers add up to a few frames of delay).
    const window = (from: string, to: string) => {
      const [a, b] = [(marks[from] ?? 0) + 250, marks[to]! - 150];
      return (x: Int16Array) => x.subarray((a * 8) | 0, (b * 8) | 0);
    };
    const talking = window('start', 'pause');
    const paused = window('pause', 'resume');
    const held = window('hold', 'unhold');
    const resumed = window('unhold', 'end');
    expect(tonePerFrame(talking(left), 440)).toBeGreaterThan(0.8);
    expect(tonePerFrame(talking(right), 1000)).toBeGreaterThan(0.8);
    expect(rms(paused(left))).toBe(0);
    expect(rms(paused(right))).toBe(0);
    // On hold: the agent kept talking, but the caller could not hear it, so neither does the file.
    expect(rms(held(left))).toBe(0);
    expect(rms(held(right))).toBe(0);
    expect(tonePerFrame(resumed(left), 440)).toBeGreaterThan(0.8);
    expect(tonePerFrame(resumed(right), 1000)).toBeGreaterThan(0.8);
    expect(rms(resumed(right))).toBeGreaterThan(3000);
  }, 30_000);
});
