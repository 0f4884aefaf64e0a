import { copyFile, mkdir, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeG711,
  encodeG711,
  parseWav,
  readRtpPacket,
  RtpPacketView,
  wavSamples,
  writeRtpPacket,
  type G711Law,
} from '@switchboard/media';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Bridge } from './bridge';
import { CallRecorder } from './call-recorder';
import type { MediaLeg } from './media-leg';
import { MediaTestHarness, PCMA, PCMU, rtpOf, sine, toneShare } from './media-test-harness';
import { recoverRecordings } from './recording-file';
import { eventually, RtpTestPeer } from './rtp-test-peer';

let dir: string;
let h: MediaTestHarness;
const peers: RtpTestPeer[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-bridge-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => {
  h?.close();
  for (const p of peers.splice(0)) p.close();
});

interface Side {
  peer: RtpTestPeer;
  leg: MediaLeg;
  law: G711Law;
  hz: number;
}

async function side(codec: typeof PCMU, hz: number): Promise<Side> {
  const peer = await RtpTestPeer.open();
  peers.push(peer);
  return { peer, leg: await h.leg(codec, peer.address), law: codec.law, hz };
}

/** Sends frame `k` of the side's tone; returns the payload. */
function sendFrame(s: Side, k: number, ssrc: number): Uint8Array {
  const payload = new Uint8Array(160);
  encodeG711(s.law, sine(s.hz, 160, 8000, 160 * k), payload);
  s.peer.sendRtp(
    { payloadType: s.law === 'pcmu' ? 0 : 8, sequenceNumber: k, timestamp: 160 * k, ssrc, payload },
    rtpOf(s.leg),
  );
  return payload;
}

function decodeAll(law: G711Law, peer: RtpTestPeer): Int16Array {
  const rtp = peer.rtp;
  const out = new Int16Array(rtp.length * 160);
  rtp.forEach((p, i) => decodeG711(law, p.payload, out.subarray(i * 160)));
  return out;
}

/** Drives both directions frame by frame, advancing the media clock one tick per frame. */
async function talk(
  bridge: Bridge,
  caller: Side,
  agent: Side,
  from: number,
  to: number,
  each?: (k: number) => void,
) {
  for (let k = from; k < to; k++) {
    each?.(k);
    sendFrame(caller, k, 0xca11);
    sendFrame(agent, k, 0xa6e7);
    // The first packet of each stream is held back by RFC 3550 §A.1 probation.
    await eventually(
      () => bridge.stats.callerToAgent >= k && bridge.stats.agentToCaller >= k,
      3000,
      `frame ${k}`,
    );
    h.advance(20);
  }
}

describe('Bridge', () => {
  it('relays both ways and transcodes μ-law ↔ A-law by table when the legs differ', async () => {
    h = new MediaTestHarness();
    const caller = await side(PCMU, 440);
    const agent = await side(PCMA, 1000);
    const bridge = new Bridge(caller.leg, agent.leg);
    await talk(bridge, caller, agent, 0, 40);
    await agent.peer.waitForRtp(39);
    await caller.peer.waitForRtp(39);
    expect(agent.peer.rtp.every((p) => p.payloadType === 8 && p.ssrc === agent.leg.sender.ssrc)).toBe(true);
    expect(toneShare(decodeAll('pcma', agent.peer), 440)).toBeGreaterThan(0.95);
    expect(toneShare(decodeAll('pcmu', caller.peer), 1000)).toBeGreaterThan(0.95);
    expect(bridge.stats.transcoded).toBe(78);
  });

  it('forwards payloads untouched when both legs use the same law, and relays DTMF events', async () => {
    h = new MediaTestHarness();
    const caller = await side(PCMU, 440);
    const agent = await side(PCMU, 1000);
    const bridge = new Bridge(caller.leg, agent.leg);
    const sent = [sendFrame(caller, 0, 1), sendFrame(caller, 1, 1), sendFrame(caller, 2, 1)];
    await agent.peer.waitForRtp(2);
    expect(agent.peer.rtp.map((p) => p.payload)).toEqual(sent.slice(1));
    const rtp = agent.peer.rtp;
    expect(rtp[1]!.sequenceNumber).toBe((rtp[0]!.sequenceNumber + 1) & 0xffff);
    expect(rtp[1]!.timestamp).toBe((rtp[0]!.timestamp + 160) >>> 0);
    caller.peer.sendRtp(
      {
        payloadType: 101,
        marker: true,
        sequenceNumber: 3,
        timestamp: 480,
        ssrc: 1,
        payload: Uint8Array.of(5, 0x8a, 0, 160),
      },
      rtpOf(caller.leg),
    );
    await agent.peer.waitForRtp(3);
    expect(agent.peer.rtp[2]).toMatchObject({ payloadType: 101, payload: Uint8Array.of(5, 0x8a, 0, 160) });
    expect(bridge.stats.transcoded).toBe(0);
  });
});

/** A caller (440 Hz) and an agent (1 kHz) bridged and recorded to `path`. */
async function recordedCall(callerCodec: typeof PCMU, agentCodec: typeof PCMU, path: string) {
  h = new MediaTestHarness();
  const caller = await side(callerCodec, 440);
  const agent = await side(agentCodec, 1000);
  const started = await CallRecorder.start({
    path,
    ticker: h.ticker,
    callerLaw: caller.law,
    agentLaw: agent.law,
    framesPerWrite: 5,
  });
  if (!started.ok) throw new Error(started.error.code);
  const recorder = started.value;
  return { caller, agent, recorder, bridge: new Bridge(caller.leg, agent.leg, recorder) };
}

describe('CallRecorder', () => {
  it('records G.711 code for code as it arrived, μ-law negative zero included', async () => {
    const path = join(dir, 'tenant-2', 'codes.wav');
    const { caller, agent, recorder, bridge } = await recordedCall(PCMU, PCMU, path);
    // Every byte value in every frame, 0x7f among them: decoding to linear and encoding again
    // would have written it as 0xff.
    const payload = (k: number, salt: number) =>
      Uint8Array.from({ length: 160 }, (_, i) => (i * 37 + k * 11 + salt) & 0xff);
    for (let k = 0; k < 40; k++) {
      for (const [s, ssrc, salt] of [
        [caller, 0xca11, 0],
        [agent, 0xa6e7, 128],
      ] as const)
        s.peer.sendRtp(
          { payloadType: 0, sequenceNumber: k, timestamp: 160 * k, ssrc, payload: payload(k, salt) },
          rtpOf(s.leg),
        );
      await eventually(
        () => bridge.stats.callerToAgent >= k && bridge.stats.agentToCaller >= k,
        3000,
        `frame ${k}`,
      );
      h.advance(20);
    }
    await recorder.close();
    const wav = parseWav(await readFile(path));
    if (!wav.ok) throw new Error(wav.error.code);
    const data = wav.value.data;
    const channel = (c: number, frame: number) =>
      data.subarray(frame * 320, (frame + 1) * 320).filter((_, i) => i % 2 === c);
    // Past the buffers' start, every frame of each channel is one of the frames that side sent,
    // byte for byte (the buffer may drop or hold a frame to adapt its delay, so not one each).
    for (const [c, salt] of [
      [0, 0],
      [1, 128],
    ] as const) {
      const sent = new Map(Array.from({ length: 40 }, (_, k) => [payload(k, salt).join(), k]));
      const frames = Array.from({ length: 40 }, (_, f) => channel(c, f).join());
      const first = frames.findIndex((f) => sent.has(f));
      const recorded = frames.slice(first, first + 30).map((f) => sent.get(f));
      expect(recorded.every((k) => k !== undefined)).toBe(true);
      expect(new Set(recorded).size).toBeGreaterThan(25);
    }
  });

  it('keeps every frame of writes made in one go: a chunk is reused only once the file has it', async () => {
    h = new MediaTestHarness();
    const path = join(dir, 'tenant-3', 'burst.wav');
    const started = await CallRecorder.start({
      path,
      ticker: h.ticker,
      callerLaw: 'pcmu',
      agentLaw: 'pcmu',
      framesPerWrite: 5,
    });
    if (!started.ok) throw new Error(started.error.code);
    const recorder = started.value;
    const payload = (k: number, salt: number) =>
      Uint8Array.from({ length: 160 }, (_, i) => (i * 37 + k * 11 + salt) & 0xff);
    // Each frame's packets arrive on time and the clock moves with no await in between, so every
    // chunk is handed to the file while the earlier writes are still in flight.
    const view = new RtpPacketView();
    for (let k = 0; k < 60; k++) {
      for (const [side, salt] of [
        ['caller', 0],
        ['agent', 128],
      ] as const) {
        const packet = new Uint8Array(172);
        writeRtpPacket(
          { payloadType: 0, sequenceNumber: k, timestamp: 160 * k, ssrc: 7, payload: payload(k, salt) },
          packet,
        );
        readRtpPacket(packet, view);
        recorder.tap(side, view, h.clock.now());
      }
      h.advance(20);
    }
    await recorder.close();
    const wav = parseWav(await readFile(path));
    if (!wav.ok) throw new Error(wav.error.code);
    const data = wav.value.data;
    expect(data.length).toBe(60 * 320);
    for (const [c, salt] of [
      [0, 0],
      [1, 128],
    ] as const) {
      const sent = new Map(Array.from({ length: 60 }, (_, k) => [payload(k, salt).join(), k]));
      const frames = Array.from({ length: 60 }, (_, f) =>
        sent.get(
          data
            .subarray(f * 320, (f + 1) * 320)
            .filter((_, i) => i % 2 === c)
            .join(),
        ),
      );
      // After the buffer's start-up silence, frame after frame in the order sent: a chunk
      // overwritten before its write would put later frames in its place.
      const played = frames.filter((k) => k !== undefined);
      expect(played.length).toBeGreaterThan(50);
      expect(played).toEqual([...played].sort((a, b) => a - b));
      expect(new Set(played).size).toBe(played.length);
    }
  });

  it('records caller left and agent right, writes silence while paused, and survives a crash', async () => {
    const path = join(dir, 'tenant-1', 'call-1.wav');
    const { caller, agent, recorder, bridge } = await recordedCall(PCMU, PCMA, path);
    await talk(bridge, caller, agent, 0, 100, (k) => {
      // A second pause while paused is the same span (a double click on the desktop).
      if (k === 30 || k === 40) recorder.pause();
      if (k === 60) recorder.resume();
    });

    // A crash now: copy the growing file, cut half a stereo frame off, and recover the copy.
    const crashDir = join(dir, 'crash');
    await mkdir(crashDir);
    await copyFile(path, join(crashDir, 'call-1.wav'));
    const size = (await stat(join(crashDir, 'call-1.wav'))).size;
    await truncate(join(crashDir, 'call-1.wav'), size - 1);
    await writeFile(join(crashDir, 'notes.wav'), 'not a recording');
    const recovered = await recoverRecordings(crashDir);
    expect(recovered.map((r) => [r.outcome, r.code])).toEqual([
      ['repaired', undefined],
      ['refused', 'MEDIA.WAV_NOT_RIFF'],
    ]);
    const fixed = parseWav(await readFile(join(crashDir, 'call-1.wav')));
    expect(fixed).toMatchObject({
      ok: true,
      value: { truncated: false, format: { channels: 2, encoding: 'mulaw' } },
    });
    if (fixed.ok) expect(fixed.value.data.length % 2).toBe(0);

    const summary = await recorder.close();
    expect(summary).toMatchObject({ durationMs: 2000, pausedMs: 600, pausedSpans: 1, dataBytes: 100 * 320 });
    expect(await recoverRecordings(join(dir, 'tenant-1'))).toMatchObject([
      { outcome: 'intact', dataBytes: 32000 },
    ]);
    const wav = parseWav(await readFile(path));
    if (!wav.ok) throw new Error(wav.error.code);
    const stereo = wavSamples(wav.value);
    const channel = (c: number, from: number, to: number) =>
      Int16Array.from({ length: (to - from) * 160 }, (_, i) => stereo[2 * (from * 160 + i) + c]!);
    // Per 20 ms frame: the jitter buffer may drop or repeat a frame to adapt its delay, which
    // breaks the phase between frames but not the spectrum within one.
    const share = (c: number, from: number, to: number, hz: number) => {
      let sum = 0;
      for (let f = from; f < to; f++) sum += toneShare(channel(c, f, f + 1), hz);
      return sum / (to - from);
    };
    for (const [from, to] of [
      [8, 30],
      [66, 100],
    ] as const) {
      expect(share(0, from, to, 440)).toBeGreaterThan(0.9);
      expect(share(0, from, to, 1000)).toBeLessThan(0.02);
      expect(share(1, from, to, 1000)).toBeGreaterThan(0.9);
      expect(share(1, from, to, 440)).toBeLessThan(0.02);
    }
    expect(channel(0, 30, 60).every((v) => v === 0)).toBe(true);
    expect(channel(1, 30, 60).every((v) => v === 0)).toBe(true);
  });
});
