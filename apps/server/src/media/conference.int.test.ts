import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeG711, encodeG711, parseWav, wavSamples, type G711Law } from '@switchboard/media';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CallRecorder, type RecordingSummary } from './call-recorder';
import { MediaConnections } from './media-connections';
import type { MediaLeg } from './media-leg';
import { MediaTestHarness, PCMA, PCMU, rtpOf, sine, toneShare } from './media-test-harness';
import { eventually, RtpTestPeer } from './rtp-test-peer';

// Caller, agent, supervisor (or third party) each send their own tone over real UDP; who hears
// what is measured by Goertzel energy share in what each peer receives.
const CALLER_HZ = 500;
const AGENT_HZ = 900;
const SUPERVISOR_HZ = 1400;

let dir: string;
let h: MediaTestHarness;
const peers: RtpTestPeer[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-conference-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => {
  h?.close();
  for (const p of peers.splice(0)) p.close();
});

interface Party {
  readonly peer: RtpTestPeer;
  readonly leg: MediaLeg;
  readonly law: G711Law;
  readonly hz: number;
  readonly ssrc: number;
  sent: number;
}

async function party(codec: typeof PCMU, hz: number): Promise<Party> {
  const peer = await RtpTestPeer.open();
  peers.push(peer);
  return { peer, leg: await h.leg(codec, peer.address), law: codec.law, hz, ssrc: hz, sent: 0 };
}

function connections(summaries: RecordingSummary[] = []): MediaConnections {
  return new MediaConnections({
    media: {
      ticker: h.ticker,
      recorder: (path, callerLaw, agentLaw) =>
        CallRecorder.start({ path, ticker: h.ticker, callerLaw, agentLaw }),
    },
    onRecordingClosed: (s) => summaries.push(s),
  });
}

/**
 * Every party sends `frames` frames of its tone, one per media tick: each frame is sent, awaited
 * at its leg, and only then is the media clock moved on, so the test never races the network.
 */
async function talk(parties: readonly Party[], frames: number): Promise<void> {
  for (let f = 0; f < frames; f++) {
    const want = parties.map((p) => p.leg.stats().counters.received + 1);
    for (const p of parties) {
      const k = p.sent++;
      const payload = new Uint8Array(160);
      encodeG711(p.law, sine(p.hz, 160, 6000, 160 * k), payload);
      const pt = p.law === 'pcmu' ? 0 : 8;
      p.peer.sendRtp(
        { payloadType: pt, sequenceNumber: k, timestamp: 160 * k, ssrc: p.ssrc, payload },
        rtpOf(p.leg),
      );
    }
    await eventually(
      () => parties.every((p, i) => p.leg.stats().counters.received >= want[i]!),
      3000,
      `frame ${f} at every leg`,
    );
    h.advance(20);
  }
}

/** What `p` heard in its last `frames` packets, decoded. */
function heard(p: Party, frames = 16): Int16Array {
  const rtp = p.peer.rtp.slice(-frames);
  const out = new Int16Array(rtp.length * 160);
  rtp.forEach((r, i) => decodeG711(p.law, r.payload, out.subarray(i * 160)));
  return out;
}

/**
 * Runs one phase of `frames` frames and returns each party's share of every tone it heard; the
 * first `connected` parties are sent audio (the others are not in the call yet, or any more).
 */
async function phase(parties: readonly Party[], connected = parties.length, frames = 40) {
  for (const p of parties) p.peer.clear();
  await talk(parties, frames);
  for (const p of parties.slice(0, connected)) await p.peer.waitForRtp(frames - 6);
  return parties.map((p) => {
    const audio = heard(p);
    return {
      caller: toneShare(audio, CALLER_HZ),
      agent: toneShare(audio, AGENT_HZ),
      supervisor: toneShare(audio, SUPERVISOR_HZ),
    };
  });
}

const HEARD = 0.2;
const NOT_HEARD = 0.02;

describe('Supervisor modes on a live two-party bridge', () => {
  it('listen, whisper and barge route each voice to the right ears, and leaving restores the bridge', async () => {
    h = new MediaTestHarness();
    const summaries: RecordingSummary[] = [];
    const switchboard = connections(summaries);
    const caller = await party(PCMU, CALLER_HZ);
    const agent = await party(PCMA, AGENT_HZ);
    const supervisor = await party(PCMU, SUPERVISOR_HZ);
    const path = join(dir, 'monitored.wav');
    expect((await switchboard.connect(caller.leg, agent.leg, path)).ok).toBe(true);
    const all = [caller, agent, supervisor];

    const [c0, a0] = await phase(all, 2);
    expect(c0!.agent).toBeGreaterThan(0.8);
    expect(a0!.caller).toBeGreaterThan(0.8);

    expect(switchboard.join(supervisor.leg, agent.leg, { role: 'listen' }).ok).toBe(true);
    const [c1, a1, s1] = await phase(all);
    expect(s1!.caller).toBeGreaterThan(HEARD);
    expect(s1!.agent).toBeGreaterThan(HEARD);
    expect(c1!.supervisor).toBeLessThan(NOT_HEARD);
    expect(a1!.supervisor).toBeLessThan(NOT_HEARD);
    expect(c1!.agent).toBeGreaterThan(0.8);
    expect(a1!.caller).toBeGreaterThan(0.8);

    expect(switchboard.update(supervisor.leg.id, { role: 'whisper', whisperTo: agent.leg.id }).ok).toBe(true);
    const [c2, a2, s2] = await phase(all);
    expect(a2!.supervisor).toBeGreaterThan(HEARD);
    expect(a2!.caller).toBeGreaterThan(HEARD);
    expect(c2!.supervisor).toBeLessThan(NOT_HEARD);
    expect(s2!.caller).toBeGreaterThan(HEARD);
    expect(s2!.agent).toBeGreaterThan(HEARD);

    expect(switchboard.update(supervisor.leg.id, { role: 'barge' }).ok).toBe(true);
    const [c3, a3, s3] = await phase(all);
    expect(c3!.supervisor).toBeGreaterThan(HEARD);
    expect(c3!.agent).toBeGreaterThan(HEARD);
    expect(a3!.supervisor).toBeGreaterThan(HEARD);
    expect(s3!.caller).toBeGreaterThan(HEARD);
    expect(s3!.supervisor).toBeLessThan(NOT_HEARD);

    switchboard.leave(supervisor.leg.id);
    expect(switchboard.of(caller.leg.id)?.constructor.name).toBe('Bridge');
    const sentToSupervisor = supervisor.leg.stats().sentPackets;
    const [c4, a4] = await phase(all, 2);
    expect(c4!.agent).toBeGreaterThan(0.8);
    expect(a4!.caller).toBeGreaterThan(0.8);
    expect(supervisor.leg.stats().sentPackets).toBe(sentToSupervisor);

    switchboard.disconnect(caller.leg.id);
    await eventually(() => summaries.length === 1, 3000, 'the recording closed');
    expect(summaries[0]).toMatchObject({ path });
    const wav = parseWav(await readFile(path));
    if (!wav.ok) throw new Error(wav.error.code);
    const stereo = wavSamples(wav.value);
    // One file for the whole call: five phases of 40 frames, on one timeline.
    expect(stereo.length / 2).toBeGreaterThanOrEqual(4 * 40 * 160);
    const channel = (phaseIndex: number, side: 0 | 1) => {
      // The last 20 frames of a phase: past the jitter buffers' start after each switch.
      const start = (phaseIndex * 40 + 20) * 160;
      return Int16Array.from({ length: 20 * 160 }, (_, i) => stereo[2 * (start + i) + side]!);
    };
    for (const p of [0, 1, 2, 3, 4]) expect(toneShare(channel(p, 0), CALLER_HZ)).toBeGreaterThan(0.8);
    // Right: what the caller hears. The barging supervisor is in it, the whispering one is not.
    expect(toneShare(channel(1, 1), SUPERVISOR_HZ)).toBeLessThan(NOT_HEARD);
    expect(toneShare(channel(2, 1), SUPERVISOR_HZ)).toBeLessThan(NOT_HEARD);
    expect(toneShare(channel(3, 1), SUPERVISOR_HZ)).toBeGreaterThan(HEARD);
    expect(toneShare(channel(3, 1), AGENT_HZ)).toBeGreaterThan(HEARD);
    expect(toneShare(channel(4, 1), AGENT_HZ)).toBeGreaterThan(0.8);
  });

  it('refuses a whisper with nobody in the call to whisper to', async () => {
    h = new MediaTestHarness();
    const switchboard = connections();
    const [caller, agent, supervisor] = [await party(PCMU, 1), await party(PCMU, 2), await party(PCMU, 3)];
    await switchboard.connect(caller.leg, agent.leg);
    const joined = switchboard.join(supervisor.leg, agent.leg, { role: 'whisper', whisperTo: 'nobody' });
    expect(joined.ok || joined.error.code).toBe('MEDIA.BAD_WHISPER_TARGET');
    expect(switchboard.of(supervisor.leg.id)).toBeUndefined();
    expect(switchboard.of(caller.leg.id)?.constructor.name).toBe('Bridge');
  });
});

describe('N-party conference', () => {
  it('gives each party the others but never itself, and mutes one party for the rest', async () => {
    h = new MediaTestHarness();
    const switchboard = connections();
    const caller = await party(PCMU, CALLER_HZ);
    const agent = await party(PCMU, AGENT_HZ);
    const third = await party(PCMA, SUPERVISOR_HZ);
    await switchboard.connect(caller.leg, agent.leg);
    expect(switchboard.join(third.leg, agent.leg).ok).toBe(true);
    const all = [caller, agent, third];
    const [c, a, t] = await phase(all);
    expect(Math.min(c!.agent, c!.supervisor, a!.caller, a!.supervisor, t!.caller, t!.agent)).toBeGreaterThan(
      HEARD,
    );
    expect(Math.max(c!.caller, a!.agent, t!.supervisor)).toBeLessThan(NOT_HEARD);

    expect(switchboard.update(agent.leg.id, { muted: true }).ok).toBe(true);
    const [cm, am, tm] = await phase(all);
    expect(Math.max(cm!.agent, tm!.agent)).toBeLessThan(NOT_HEARD);
    expect(Math.min(am!.caller, am!.supervisor, cm!.supervisor, tm!.caller)).toBeGreaterThan(HEARD);

    switchboard.leave(third.leg.id);
    // Back to two, but one is muted: still mixed, until the mute is lifted.
    expect(switchboard.of(caller.leg.id)?.constructor.name).toBe('Conference');
    expect(switchboard.update(agent.leg.id, { muted: false }).ok).toBe(true);
    expect(switchboard.of(caller.leg.id)?.constructor.name).toBe('Bridge');
  });
});

describe('A recording that belongs to its caller', () => {
  it('goes on through hold, a transfer and a conference in one file, until a new one replaces it', async () => {
    h = new MediaTestHarness();
    const summaries: RecordingSummary[] = [];
    const switchboard = connections(summaries);
    const caller = await party(PCMU, CALLER_HZ);
    const agent = await party(PCMU, AGENT_HZ);
    // The party the caller is transferred to answers in A-law: the recorder follows the new law.
    const third = await party(PCMA, SUPERVISOR_HZ);
    const path = join(dir, 'held.wav');
    expect((await switchboard.connect(caller.leg, agent.leg, path)).ok).toBe(true);
    await phase([caller, agent]);

    // Hold: the connection is dissolved, the caller keeps the recording (silence), the agent talks on.
    await switchboard.disconnect(caller.leg.id, true);
    expect(switchboard.of(caller.leg.id)).toBeUndefined();
    expect(switchboard.pauseRecording(caller.leg.id, true)).toBe(true);
    expect(switchboard.pauseRecording(caller.leg.id, false)).toBe(true);
    expect(switchboard.pauseRecording(agent.leg.id, true)).toBe(false);
    await talk([agent], 40);
    expect(summaries).toEqual([]);

    // Transferred: connected to the third party with no new path, so the same file goes on.
    expect((await switchboard.connect(caller.leg, third.leg)).ok).toBe(true);
    await phase([caller, third]);
    // Held again, then joined back by the third party: the conference takes the recording along.
    await switchboard.disconnect(third.leg.id, true);
    expect(switchboard.join(third.leg, caller.leg).ok).toBe(true);
    expect(switchboard.of(caller.leg.id)?.constructor.name).toBe('Bridge');
    await phase([caller, third]);
    expect(summaries).toEqual([]);

    // A new recording path (a transfer through a queue) finishes this one and starts the next.
    const next = join(dir, 'held-2.wav');
    expect((await switchboard.connect(caller.leg, agent.leg, next)).ok).toBe(true);
    await eventually(() => summaries.length === 1, 3000, 'the first recording closed');
    expect(summaries[0]).toMatchObject({ path, heldMs: 40 * 20, pausedMs: 0 });
    expect(summaries[0]!.durationMs).toBeGreaterThanOrEqual(4 * 40 * 20);
    await phase([caller, agent], 2, 10);
    // The caller's leg closing (hang-up) while held finishes the recording it holds.
    await switchboard.disconnect(caller.leg.id, true);
    switchboard.leave(caller.leg.id);
    await eventually(() => summaries.length === 2, 3000, 'the second recording closed');
    expect(summaries[1]).toMatchObject({ path: next });

    const wav = parseWav(await readFile(path));
    if (!wav.ok) throw new Error(wav.error.code);
    const stereo = wavSamples(wav.value);
    const channel = (phaseIndex: number, side: 0 | 1) => {
      const start = (phaseIndex * 40 + 20) * 160;
      return Int16Array.from({ length: 20 * 160 }, (_, i) => stereo[2 * (start + i) + side]!);
    };
    expect(toneShare(channel(0, 0), CALLER_HZ)).toBeGreaterThan(0.8);
    expect(toneShare(channel(0, 1), AGENT_HZ)).toBeGreaterThan(0.8);
    // On hold: silence on both sides, though the agent kept talking.
    expect(channel(1, 0).every((x) => x === 0)).toBe(true);
    expect(channel(1, 1).every((x) => x === 0)).toBe(true);
    expect(toneShare(channel(2, 0), CALLER_HZ)).toBeGreaterThan(0.8);
    expect(toneShare(channel(2, 1), SUPERVISOR_HZ)).toBeGreaterThan(0.8);
    expect(toneShare(channel(3, 1), SUPERVISOR_HZ)).toBeGreaterThan(0.8);
  });
});
