/**
 * The media layer lives as long as the server, through millions of calls. Here many calls go
 * through it, each the whole way a contact center takes it: answered with a prompt, held with
 * music, bridged to an agent and recorded, paused for a card number, monitored by a supervisor,
 * released; on two media workers (the supervisor's leg often on the other one) and in process.
 * Afterwards nothing may be left: no leg, player, bridge, recorder, ticker subscriber, port pair
 * or socket, no call state on the main thread, no file descriptor beyond those open before. Each
 * of those left behind per call would cost CPU on every 20 ms tick or, in the end, the whole port
 * range.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeG711, encodeWav } from '@switchboard/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../test/support/poll-until';
import { testPortRange } from '../../test/support/test-ports';
import { MediaService, MediaWorkerPool, type RecordingSummary } from '../media';
import { sine } from '../media/media-test-harness';
import { RtpTestPeer } from '../media/rtp-test-peer';
import { MediaServicePort } from './media-service-port';
import { openParty, type Party } from './media-port-parties';
import { holdMusicClip, signalAudioFiles } from './signal-audio-files';

const ROUNDS = 4;
const CALLS_PER_ROUND = 8;

let dir: string;
let prompt: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-media-churn-'));
  prompt = join(dir, 'welcome.wav');
  const tone = sine(700, 1600, 6000);
  await writeFile(
    prompt,
    encodeWav({ encoding: 'pcm16', sampleRate: 8000, channels: 1 }, new Uint8Array(tone.buffer)),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function party(port: MediaServicePort, legId: string, near?: string): Promise<Party> {
  return openParty(port, legId, await RtpTestPeer.open(), near ? { near } : {});
}

/** Everyone sends `frames` frames of a tone at a phone's pace. */
async function talk(parties: readonly Party[], frames: number): Promise<void> {
  const payload = new Uint8Array(160);
  encodeG711('pcmu', sine(440, 160, 5000), payload);
  for (let f = 0; f < frames; f++) {
    for (const p of parties) {
      const k = p.sent++;
      p.peer.sendRtp({ payloadType: 0, sequenceNumber: k, timestamp: 160 * k, ssrc: 7, payload }, p.to);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The media layer under test, and what it holds as counts: every one zero when it is idle. */
interface Rig {
  /** Names its recordings: a file that exists is never overwritten. */
  readonly name: string;
  readonly port: MediaServicePort;
  held(): Promise<Record<string, number>>;
  /** Whether `a` and `b` are on different media workers (never in process). */
  apart(a: string, b: string): boolean;
  close(): Promise<void>;
}

function onWorkers(summaries: RecordingSummary[]): Rig {
  const signals = signalAudioFiles(dir);
  const ports = { bindAddress: '127.0.0.1', ...testPortRange(400) };
  const pool = new MediaWorkerPool({ workers: 2, ports });
  const port = new MediaServicePort({
    media: new MediaService({ ports }),
    workers: pool,
    musicOnHoldPath: async () => (await signals.holdMusic()).path,
    onRecordingClosed: (s) => summaries.push(s),
  });
  return {
    name: 'workers',
    port,
    held: async () => {
      const workers = (await pool.health()).map((h, i) => {
        if (!h.ok) throw new Error(`worker ${i} health: ${h.error.code}`);
        return prefixed(`worker${i}.`, h.value.activity);
      });
      return Object.assign({ endpoints: port.openCount }, prefixed('pool.', pool.activity), ...workers);
    },
    apart: (a, b) => pool.workerOf(a) !== pool.workerOf(b),
    close: async () => {
      await port.closeAll();
      await pool.close();
    },
  };
}

function inProcess(summaries: RecordingSummary[]): Rig {
  const signals = signalAudioFiles(dir);
  const media = new MediaService({ ports: { bindAddress: '127.0.0.1', ...testPortRange(400) } });
  const port = new MediaServicePort({
    media,
    musicOnHold: holdMusicClip(signals, media.prompts),
    onRecordingClosed: (s) => summaries.push(s),
  });
  return {
    name: 'process',
    port,
    held: async () => ({ endpoints: port.openCount, legs: media.openLegs, ...media.holdings }),
    apart: () => false,
    close: async () => {
      await port.closeAll();
      media.closeAll();
    },
  };
}

function prefixed(prefix: string, counts: object): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [prefix + k, v as number]));
}

const zeroed = (counts: Record<string, number>) => Object.fromEntries(Object.keys(counts).map((k) => [k, 0]));
const sum = (counts: Record<string, number>, key: string) =>
  Object.entries(counts).reduce((n, [k, v]) => (k.endsWith(key) ? n + v : n), 0);

/** One call from answer to hang-up, with a supervisor listening in for a while. */
async function call(rig: Rig, id: string): Promise<void> {
  const { port } = rig;
  const caller = await party(port, `${id}/caller`);
  const peers = [caller.peer];
  try {
    const ended = new Promise<string>((resolve) =>
      port.promptPlayer().play(caller.legId, { path: prompt, durationMs: 200 }, resolve),
    );
    await talk([caller], 5);
    expect(await ended).toBe('completed');
    port.holdMusic().start(caller.legId);
    await talk([caller], 5);
    port.holdMusic().stop(caller.legId);

    const agent = await party(port, `${id}/agent`, caller.legId);
    peers.push(agent.peer);
    const connected = await port.connect(caller.endpoint, agent.endpoint, {
      recordingPath: join(dir, `${rig.name}-${id}.wav`),
    });
    expect(connected.ok).toBe(true);
    await talk([caller, agent], 5);
    expect(port.pauseRecording(caller.legId, true)).toBe(true);
    await talk([caller, agent], 3);
    port.pauseRecording(caller.legId, false);

    const supervisor = await party(port, `${id}/supervisor`);
    peers.push(supervisor.peer);
    if (rig.apart(supervisor.legId, caller.legId)) crossWorker++;
    expect((await port.join(supervisor.endpoint, agent.endpoint, { role: 'listen' })).ok).toBe(true);
    await talk([caller, agent, supervisor], 5);
    port.leave(supervisor.endpoint);
    port.release(supervisor.endpoint);
    await talk([caller, agent], 3);
    port.release(agent.endpoint);
    port.release(caller.endpoint);
  } finally {
    for (const peer of peers) peer.close();
  }
}

/** Supervisors whose leg was on another worker than the call they listened to. */
let crossWorker = 0;

const openFds = () => readdirSync('/proc/self/fd').length;

describe.each([
  ['on two media workers', onWorkers],
  ['in process', inProcess],
])('the media layer after many calls, %s', (placement, start) => {
  it('holds nothing once every call is over', async () => {
    const summaries: RecordingSummary[] = [];
    const rig = start(summaries);
    crossWorker = 0;
    let seen = '';
    const idle = async () => {
      const held = await rig.held();
      seen = JSON.stringify(held);
      return Object.values(held).every((n) => n === 0);
    };
    try {
      // A first call loads what stays for good (the prompt caches, the hold music).
      await call(rig, 'warm-up');
      await pollUntil(idle, { timeoutMs: 5000, what: 'idle after the first call', detail: () => seen });
      const fdsBefore = openFds();

      for (let round = 0; round < ROUNDS; round++) {
        const calls = Array.from({ length: CALLS_PER_ROUND }, (_, i) => call(rig, `r${round}c${i}`));
        // While calls are up, the figures show them: the check below is not idle by blindness.
        if (round === 0) {
          await pollUntil(
            async () => {
              const held = await rig.held();
              return (
                sum(held, 'legs') > 0 && sum(held, 'tickerSubscribers') > 0 && sum(held, 'portPairs') > 0
              );
            },
            { timeoutMs: 5000, what: 'calls in the figures' },
          );
        }
        await Promise.all(calls);
      }

      await pollUntil(idle, { timeoutMs: 10_000, what: 'idle after the calls', detail: () => seen });
      const held = await rig.held();
      expect(held).toEqual(zeroed(held));
      // Every recording was finished: one file per call, none open.
      await pollUntil(() => summaries.length === 1 + ROUNDS * CALLS_PER_ROUND, {
        timeoutMs: 10_000,
        what: 'every recording closed',
      });
      expect(summaries.filter((s) => s.error !== undefined)).toEqual([]);
      expect(summaries.every((s) => s.dataBytes > 0 && s.pausedMs > 0)).toBe(true);
      // Sockets, recording files and worker channels all closed again (a little room for the
      // runtime's own descriptors, which come and go).
      expect(openFds()).toBeLessThanOrEqual(fdsBefore + 4);
      // The least loaded worker takes a new call, so supervisors crossed over as they do live.
      if (placement === 'on two media workers') expect(crossWorker).toBeGreaterThan(0);
    } finally {
      await rig.close();
    }
  });
});
