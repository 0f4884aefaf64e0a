import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeG711,
  dtmfToneSpec,
  encodeG711,
  parseWav,
  ToneGenerator,
  wavSamples,
} from '@switchboard/media';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MediaService, MediaWorkerPool, type RecordingSummary } from '../media';
import { sine, toneShare } from '../media/media-test-harness';
import { eventually, RtpTestPeer } from '../media/rtp-test-peer';
import type { MediaQualityReport } from '../calls';
import { MediaServicePort } from './media-service-port';
import { openParty, type Party as BaseParty } from './media-port-parties';
import { testPortRange } from '../../test/support/test-ports';

// The live server's media port over media worker threads: calls bridged, monitored and recorded
// on workers, the supervisor's leg on another worker than the call's, real UDP on both ends.
const CALLER_HZ = 500;
const AGENT_HZ = 900;
const SUPERVISOR_HZ = 1400;

let dir: string;
let pool: MediaWorkerPool | undefined;
let port: MediaServicePort | undefined;
const peers: RtpTestPeer[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-media-port-workers-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  await port?.closeAll();
  port = undefined;
  pool = undefined;
  for (const p of peers.splice(0)) p.close();
});

interface Party extends BaseParty {
  readonly hz: number;
}

function setup(summaries: RecordingSummary[] = [], digits: string[] = []): MediaServicePort {
  const ports = { bindAddress: '127.0.0.1', ...testPortRange(200) };
  pool = new MediaWorkerPool({ workers: 2, ports });
  port = new MediaServicePort({
    media: new MediaService({ ports }),
    workers: pool,
    onRecordingClosed: (s) => summaries.push(s),
    onDigit: (_legId, digit) => digits.push(digit),
  });
  return port;
}

async function party(
  p: MediaServicePort,
  legId: string,
  hz: number,
  near?: string,
  formats?: string,
): Promise<Party> {
  const peer = await RtpTestPeer.open();
  peers.push(peer);
  return {
    ...(await openParty(p, legId, peer, { ...(near ? { near } : {}), ...(formats ? { formats } : {}) })),
    hz,
  };
}

function sendFrame(p: Party, samples: Int16Array): void {
  const payload = new Uint8Array(160);
  encodeG711('pcmu', samples, payload);
  const k = p.sent++;
  p.peer.sendRtp({ payloadType: 0, sequenceNumber: k, timestamp: 160 * k, ssrc: p.hz, payload }, p.to);
}

/** Everyone sends its tone for `frames` frames at the pace of a phone; then what each heard last. */
async function phase(parties: readonly Party[], listeners: readonly Party[], frames = 60) {
  for (const p of parties) p.peer.clear();
  for (let f = 0; f < frames; f++) {
    for (const p of parties) sendFrame(p, sine(p.hz, 160, 6000, 160 * p.sent));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const p of listeners) await p.peer.waitForRtp(20, 5000);
  return parties.map((p) => {
    const rtp = p.peer.rtp.slice(-20);
    const audio = new Int16Array(rtp.length * 160);
    rtp.forEach((r, i) => decodeG711('pcmu', r.payload, audio.subarray(i * 160)));
    return {
      caller: toneShare(audio, CALLER_HZ),
      agent: toneShare(audio, AGENT_HZ),
      supervisor: toneShare(audio, SUPERVISOR_HZ),
    };
  });
}

// Heard voices measure about 0.5 (one of two) in a quiet run, unheard ones below 1e-6; a loaded
// machine delays packets into concealment, which lowers the first, never raises the second.
const HEARD = 0.05;
const NOT_HEARD = 0.01;

describe('MediaServicePort on media worker threads', () => {
  it('bridges, monitors across workers in every mode, and records one call', async () => {
    const summaries: RecordingSummary[] = [];
    const p = setup(summaries);
    const caller = await party(p, 'caller', CALLER_HZ);
    const agent = await party(p, 'agent', AGENT_HZ, 'caller');
    const supervisor = await party(p, 'supervisor', SUPERVISOR_HZ);
    expect(pool!.workerOf('agent')).toBe(pool!.workerOf('caller'));
    expect(pool!.workerOf('supervisor')).not.toBe(pool!.workerOf('caller'));
    const path = join(dir, 'monitored.wav');
    expect((await p.connect(caller.endpoint, agent.endpoint, { recordingPath: path })).ok).toBe(true);
    const all = [caller, agent, supervisor];

    expect((await p.join(supervisor.endpoint, agent.endpoint, { role: 'listen' })).ok).toBe(true);
    const [c1, a1, s1] = await phase(all, all);
    expect(Math.min(s1!.caller, s1!.agent, c1!.agent, a1!.caller)).toBeGreaterThan(HEARD);
    expect(Math.max(c1!.supervisor, a1!.supervisor)).toBeLessThan(NOT_HEARD);

    const whisper = { role: 'whisper', whisperTo: agent.endpoint } as const;
    expect((await p.updateMember(supervisor.endpoint, whisper)).ok).toBe(true);
    const [c2, a2] = await phase(all, all);
    expect(a2!.supervisor).toBeGreaterThan(HEARD);
    expect(c2!.supervisor).toBeLessThan(NOT_HEARD);

    expect((await p.updateMember(supervisor.endpoint, { role: 'barge' })).ok).toBe(true);
    const [c3, a3] = await phase(all, all);
    expect(Math.min(c3!.supervisor, a3!.supervisor)).toBeGreaterThan(HEARD);

    p.leave(supervisor.endpoint);
    const [c4, a4] = await phase(all, [caller, agent]);
    expect(c4!.agent).toBeGreaterThan(0.8);
    expect(a4!.caller).toBeGreaterThan(0.8);

    p.release(caller.endpoint);
    p.release(agent.endpoint);
    await eventually(() => summaries.length === 1, 5000, 'the recording closed');
    expect(summaries[0]).toMatchObject({ path });
    const wav = parseWav(await readFile(path));
    if (!wav.ok) throw new Error(wav.error.code);
    const stereo = wavSamples(wav.value);
    const left = Int16Array.from({ length: stereo.length / 2 }, (_, i) => stereo[2 * i]!);
    const right = Int16Array.from({ length: stereo.length / 2 }, (_, i) => stereo[2 * i + 1]!);
    expect(toneShare(left, CALLER_HZ)).toBeGreaterThan(0.6);
    // The barge phase put the supervisor in what the caller heard, so in the right channel.
    expect(toneShare(right, SUPERVISOR_HZ)).toBeGreaterThan(0.02);
    expect(toneShare(left, SUPERVISOR_HZ)).toBeLessThan(NOT_HEARD);
  });

  it("hands a worker leg's packets to a consumer on the main thread (voicemail) and takes them back", async () => {
    const p = setup();
    const caller = await party(p, 'caller', CALLER_HZ);
    const leg = p.legOf('caller')!;
    const heard: number[] = [];
    leg.setSink({ receiveRtp: (packet) => void heard.push(packet.sequenceNumber) });
    // The channel opens on the worker's reply: until then packets go nowhere.
    await eventually(
      () => {
        sendFrame(caller, sine(CALLER_HZ, 160));
        return heard.length >= 3;
      },
      5000,
      'packets on the main thread',
    );
    expect(heard.every((seq, i) => i === 0 || seq > heard[i - 1]!)).toBe(true);
    leg.setSink(undefined);
    const received = heard.length;
    // Given back, the leg bridges as usual: its packets reach the agent, not the main thread.
    const agent = await party(p, 'agent', AGENT_HZ, 'caller');
    expect((await p.connect(caller.endpoint, agent.endpoint)).ok).toBe(true);
    await eventually(
      () => {
        sendFrame(caller, sine(CALLER_HZ, 160));
        return agent.peer.rtp.length >= 5;
      },
      5000,
      'relayed packets at the agent',
    );
    expect(heard.length).toBe(received);
  });

  it('reports in-band key presses of a worker leg that negotiated no telephone-event', async () => {
    const digits: string[] = [];
    const p = setup([], digits);
    const caller = await party(p, 'caller', 1, undefined, '0');
    for (const digit of ['2', '0', '#'] as const) {
      const tone = new ToneGenerator(dtmfToneSpec(digit, { onMs: 100, offMs: 100 }));
      for (let f = 0; f < 10; f++) {
        const frame = new Int16Array(160);
        tone.fill(frame);
        sendFrame(caller, frame);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    await eventually(() => digits.length === 3, 5000, 'three digits');
    expect(digits.join('')).toBe('20#');
  });

  it("reports each leg's call quality once its worker closed it: loss, jitter and MOS", async () => {
    const p = setup();
    const reports: MediaQualityReport[] = [];
    p.onQualityReport((r) => reports.push(r));
    const caller = await party(p, 'caller', CALLER_HZ);
    const agent = await party(p, 'agent', AGENT_HZ, 'caller');
    expect((await p.connect(caller.endpoint, agent.endpoint)).ok).toBe(true);
    // 50 frames each at a phone's pace; five of the caller's never leave (sequence numbers 4, 14…).
    for (let f = 0; f < 50; f++) {
      const lost = f % 10 === 4;
      if (lost) caller.sent++;
      else sendFrame(caller, sine(CALLER_HZ, 160));
      sendFrame(agent, sine(AGENT_HZ, 160));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await agent.peer.waitForRtp(40, 5000);
    p.release(caller.endpoint);
    p.release(agent.endpoint);
    // The workers close the legs after the release returned: the reports follow.
    await eventually(() => reports.length === 2, 5000, 'two quality reports');
    const of = (legId: string) => reports.find((r) => r.legId === legId)!;
    // RFC 3550 §A.1: a source's first packet is its probation, counted from the second on.
    expect(of('caller')).toMatchObject({
      endpoint: caller.endpoint,
      quality: { packetsReceived: 44, packetsLost: 5, inbound: { lossPct: 10.2 }, outbound: null },
    });
    expect(of('agent')).toMatchObject({
      endpoint: agent.endpoint,
      quality: { packetsReceived: 49, packetsLost: 0, inbound: { lossPct: 0 } },
    });
    // 10 % loss is a poor call by G.107; none on loopback is G.711 at its best.
    expect(of('caller').quality.inbound.mos).toBeLessThan(3.8);
    expect(of('agent').quality.inbound.mos).toBeGreaterThan(4.2);
    expect(reports).toHaveLength(2);
  });
});
