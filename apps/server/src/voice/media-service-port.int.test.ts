import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav, parseWav, telephoneEventPackets, ULAW_SILENCE, wavSamples } from '@switchboard/media';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MediaService, type RecordingSummary } from '../media';
import { eventually, RtpTestPeer } from '../media/rtp-test-peer';
import { MediaServicePort } from './media-service-port';
import { answeredAddress, peerOffer } from './media-port-parties';
import type { PlaybackEnd } from './voice-ports';
import { testPortRange } from '../../test/support/test-ports';

let dir: string;
let promptPath: string;
let media: MediaService;
let port: MediaServicePort;
const peers: RtpTestPeer[] = [];
const digits: [string, string][] = [];

/** One second of a 400 Hz tone as an 8 kHz PCM WAV: 50 RTP frames. */
async function writePrompt(path: string): Promise<void> {
  const samples = Int16Array.from({ length: 8000 }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * 400 * i) / 8000)),
  );
  await writeFile(
    path,
    encodeWav({ encoding: 'pcm16', sampleRate: 8000, channels: 1 }, new Uint8Array(samples.buffer)),
  );
}

const offer = (peer: RtpTestPeer, formats = '0 8 101') => peerOffer(peer, formats);

async function peer(): Promise<RtpTestPeer> {
  const p = await RtpTestPeer.open();
  peers.push(p);
  return p;
}

async function answer(legId: string, caller: RtpTestPeer) {
  const opened = await port.open({ legId, remoteOffer: offer(caller) });
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-media-port-'));
  promptPath = join(dir, 'welcome.wav');
  await writePrompt(promptPath);
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => {
  port?.closeAll();
  media?.closeAll();
  for (const p of peers.splice(0)) p.close();
  digits.length = 0;
});

function setup(onRecordingClosed?: (summary: RecordingSummary) => void): void {
  media = new MediaService({ ports: { bindAddress: '127.0.0.1', ...testPortRange(100) } });
  port = new MediaServicePort({
    media,
    onDigit: (legId, digit) => digits.push([legId, digit]),
    ...(onRecordingClosed ? { onRecordingClosed } : {}),
  });
}

/** `frames` 20 ms μ-law frames of one constant byte, paced in real time like a phone would. */
async function talk(from: RtpTestPeer, to: { address: string; port: number }, byte: number, frames: number) {
  const payload = new Uint8Array(160).fill(byte);
  for (let i = 0; i < frames; i++) {
    from.sendRtp(
      { payloadType: 0, marker: i === 0, sequenceNumber: i, timestamp: i * 160, ssrc: byte, payload },
      to,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('MediaServicePort over real UDP', () => {
  it('answers a G.711 offer with PCMU and telephone-event on a bound RTP port', async () => {
    setup();
    const caller = await peer();
    const endpoint = await answer('leg-1', caller);
    expect(endpoint.localSdp).toMatch(/m=audio \d+ RTP\/AVP 0 101/);
    expect(endpoint.localSdp).toContain('a=rtpmap:101 telephone-event/8000');
    expect(answeredAddress(endpoint.localSdp)).toEqual({
      address: '127.0.0.1',
      port: port.legOf('leg-1')?.local.rtpPort,
    });
  });

  it('plays a prompt to the caller and reports its end once', async () => {
    setup();
    const caller = await peer();
    await answer('leg-1', caller);
    const ends: PlaybackEnd[] = [];
    port.promptPlayer().play('leg-1', { path: promptPath, durationMs: 1000 }, (end) => ends.push(end));
    await caller.waitForRtp(50, 5000);
    await eventually(() => ends.length > 0, 3000, 'prompt end');
    expect(ends).toEqual(['completed']);
    expect(caller.rtp.every((p) => p.payloadType === 0)).toBe(true);
  });

  it('reports RFC 4733 key presses by call leg', async () => {
    setup();
    const caller = await peer();
    const endpoint = await answer('leg-7', caller);
    const to = answeredAddress(endpoint.localSdp);
    let seq = 1;
    caller.sendRtp(
      {
        payloadType: 0,
        marker: true,
        sequenceNumber: seq++,
        timestamp: 0,
        ssrc: 7,
        payload: new Uint8Array(160).fill(ULAW_SILENCE),
      },
      to,
    );
    for (const p of telephoneEventPackets({
      event: '5',
      durationMs: 120,
      timestamp: 8000,
      sequenceNumber: 0,
    }))
      caller.sendRtp(
        {
          payloadType: 101,
          marker: p.marker,
          sequenceNumber: seq++,
          timestamp: p.timestamp,
          ssrc: 7,
          payload: p.payload,
        },
        to,
      );
    await eventually(() => digits.length === 1, 3000, 'a digit');
    expect(digits).toEqual([['leg-7', '5']]);
  });

  it('relays audio between connected endpoints and stops the hold music first', async () => {
    setup();
    const [a, b] = [await peer(), await peer()];
    const ea = await answer('caller', a);
    const eb = await answer('agent', b);
    port.holdMusic().start('caller');
    await a.waitForRtp(5, 3000);
    expect((await port.connect(ea.id, eb.id)).ok).toBe(true);
    b.clear();
    const frame = new Uint8Array(160).fill(0x55);
    for (let i = 0; i < 5; i++)
      a.sendRtp(
        { payloadType: 0, marker: i === 0, sequenceNumber: i, timestamp: i * 160, ssrc: 9, payload: frame },
        answeredAddress(ea.localSdp),
      );
    await b.waitFor((p) => p.rtp.some((r) => r.payload[0] === 0x55), 3000, 'relayed audio');
    port.release(ea.id);
    port.release(eb.id);
    expect(port.openCount).toBe(0);
    expect(media.openLegs).toBe(0);
  });

  it('records a connection to the path connect names: caller left, agent right', async () => {
    const summaries: RecordingSummary[] = [];
    setup((summary) => summaries.push(summary));
    const [a, b] = [await peer(), await peer()];
    const ea = await answer('caller', a);
    const eb = await answer('agent', b);
    const path = join(dir, 'recordings', 'tenant-1', '2026-11-23', 'contact-1.wav');
    expect((await port.connect(ea.id, eb.id, { recordingPath: path })).ok).toBe(true);
    // Both talk at once, each with its own non-silent byte (μ-law 0x10 and 0x90 differ in sign).
    await Promise.all([
      talk(a, answeredAddress(ea.localSdp), 0x10, 40),
      talk(b, answeredAddress(eb.localSdp), 0x90, 40),
    ]);
    port.release(ea.id);
    port.release(eb.id);
    await eventually(() => summaries.length === 1, 3000, 'the recording closed');
    expect(summaries[0]).toMatchObject({ path });
    expect(summaries[0]!.durationMs).toBeGreaterThanOrEqual(600);
    const wav = parseWav(await readFile(path));
    if (!wav.ok) throw new Error(wav.error.code);
    expect(wav.value.format).toMatchObject({ channels: 2, sampleRate: 8000 });
    const stereo = wavSamples(wav.value);
    const left = stereo.filter((_, i) => i % 2 === 0);
    const right = stereo.filter((_, i) => i % 2 === 1);
    // The caller's byte decodes negative, the agent's positive: each lands on its own channel.
    expect(left.filter((v) => v < -1000).length).toBeGreaterThan(8000 * 0.4);
    expect(right.filter((v) => v > 1000).length).toBeGreaterThan(8000 * 0.4);
    expect(left.some((v) => v > 1000)).toBe(false);
    expect(right.some((v) => v < -1000)).toBe(false);
  });

  it('connects the call unrecorded when its recording cannot start', async () => {
    const summaries: RecordingSummary[] = [];
    setup((summary) => summaries.push(summary));
    const [a, b] = [await peer(), await peer()];
    const ea = await answer('caller', a);
    const eb = await answer('agent', b);
    // The folder the recording should go in is a file: creating the recording fails.
    await writeFile(join(dir, 'not-a-folder'), '');
    const path = join(dir, 'not-a-folder', 'contact-2.wav');
    expect((await port.connect(ea.id, eb.id, { recordingPath: path })).ok).toBe(true);
    expect(summaries).toMatchObject([{ path, dataBytes: 0, error: { code: expect.any(String) } }]);
    await talk(a, answeredAddress(ea.localSdp), 0x10, 3);
    await b.waitFor((p) => p.rtp.some((r) => r.payload[0] === 0x10), 3000, 'relayed audio');
  });

  it('offers PCMU for an outbound leg and sends to the address of the answer', async () => {
    setup();
    const agent = await peer();
    const opened = await port.open({ legId: 'out-1' });
    if (!opened.ok) throw new Error(opened.error.message);
    expect(opened.value.localSdp).toMatch(/m=audio \d+ RTP\/AVP 0 101/);
    expect(port.acceptAnswer(opened.value.id, offer(agent, '0 101')).ok).toBe(true);
    port.holdMusic().start('out-1');
    await agent.waitForRtp(3, 3000);
  });

  it('refuses an offer without G.711 with 488', async () => {
    setup();
    const caller = await peer();
    const opened = await port.open({
      legId: 'leg-x',
      remoteOffer: offer(caller, '9').replace(/a=rtpmap:[08] .*\r\n/g, ''),
    });
    expect(opened.ok).toBe(false);
    if (!opened.ok) expect(opened.error.details?.status).toBe(488);
    expect(media.openLegs).toBe(0);
  });
});
