import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeG711, encodeG711, parseWav, wavSamples } from '@switchboard/media';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PCMU, sine, toneShare } from './media-test-harness';
import { MediaWorkerPool, splitPorts, type MediaWorkerPoolEvents } from './media-worker-pool';
import { eventually, RtpTestPeer } from './rtp-test-peer';
import type { WorkerLegEvents, WorkerLegHandle } from './worker-media-handles';
import { testPortRange } from '../../test/support/test-ports';

let dir: string;
let pool: MediaWorkerPool | undefined;
const peers: RtpTestPeer[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-media-workers-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  await pool?.close();
  pool = undefined;
  for (const p of peers.splice(0)) p.close();
});

function newPool(workers: number, realtimePriority?: number): MediaWorkerPool {
  return new MediaWorkerPool({
    workers,
    ports: { bindAddress: '127.0.0.1', ...testPortRange(400) },
    ...(realtimePriority === undefined ? {} : { realtimePriority }),
  });
}

/** Policy number and real-time priority of a thread of this process (or the caller's), from the kernel. */
async function kernelScheduling(tid: number | 'thread-self'): Promise<{ policy: number; priority: number }> {
  const path = tid === 'thread-self' ? '/proc/thread-self/stat' : `/proc/${process.pid}/task/${tid}/stat`;
  const stat = await readFile(path, 'utf8');
  // Fields after the parenthesised name, which may hold spaces: field 3 is the first of them.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { priority: Number(fields[40 - 3]), policy: Number(fields[41 - 3]) };
}

async function peer(): Promise<RtpTestPeer> {
  const p = await RtpTestPeer.open();
  peers.push(p);
  return p;
}

async function openLeg(p: MediaWorkerPool, id: string, callId: string, remote: RtpTestPeer) {
  const leg = await p.openLeg({ id, callId, codec: PCMU, remote: remote.address });
  if (!leg.ok) throw new Error(leg.error.code);
  return leg.value;
}

/** Sends frame `k` of a tone from `from` to the leg, real-time paced by the caller. */
function sendTone(from: RtpTestPeer, to: WorkerLegHandle, hz: number, k: number, ssrc: number): void {
  const payload = new Uint8Array(160);
  encodeG711('pcmu', sine(hz, 160, 8000, 160 * k), payload);
  from.sendRtp(
    { payloadType: 0, sequenceNumber: k, timestamp: 160 * k, ssrc, payload },
    { address: to.local.address, port: to.local.rtpPort },
  );
}

describe('MediaWorkerPool', () => {
  it('splits the port range into disjoint even-aligned slices, one per worker', () => {
    const slices = splitPorts({ bindAddress: '127.0.0.1', minPort: 20001, maxPort: 20400 }, 2);
    expect(slices.map((s) => [s.minPort, s.maxPort])).toEqual([
      [20002, 20199],
      [20200, 20397],
    ]);
  });

  it('runs its worker threads, and only them, under SCHED_RR when asked, and says when refused', async () => {
    const SCHED_OTHER = 0;
    const SCHED_RR = 2;
    pool = newPool(2, 7);
    const health = (await pool.health()).map((h) => (h.ok ? h.value : undefined));
    const tids = health.map((h) => h?.scheduling?.tid);
    // Root may; another user may only with CAP_SYS_NICE or an RLIMIT_RTPRIO, else it is refused.
    const granted = process.getuid?.() === 0 || health[0]?.realtimeRefused === undefined;
    const expected = granted ? ['rr', 7, undefined] : ['other', 0, 'EPERM'];
    expect(health.map((h) => [h?.scheduling?.policy, h?.scheduling?.priority, h?.realtimeRefused])).toEqual([
      expected,
      expected,
    ]);
    // What the kernel says of each worker thread, and of this (the test's) thread.
    for (const tid of tids)
      expect(await kernelScheduling(tid!)).toEqual(
        granted ? { policy: SCHED_RR, priority: 7 } : { policy: SCHED_OTHER, priority: 0 },
      );
    expect(new Set(tids).size).toBe(2);
    expect(tids).not.toContain(process.pid);
    expect((await kernelScheduling('thread-self')).policy).toBe(SCHED_OTHER);
    await pool.close();

    // Refused (a priority the kernel does not have): the worker runs on, as an ordinary thread.
    pool = newPool(1, 100);
    const [refused] = await pool.health();
    expect(refused).toMatchObject({ ok: true, value: { realtimeRefused: 'EINVAL' } });
    const tid = refused!.ok ? refused!.value.scheduling!.tid : 0;
    expect(await kernelScheduling(tid)).toEqual({ policy: SCHED_OTHER, priority: 0 });
    const leg = await openLeg(pool, 'after-refusal', 'call-refused', await peer());
    expect(leg.local.rtpPort).toBeGreaterThan(0);
    await pool.close();

    pool = newPool(1);
    const [ordinary] = await pool.health();
    expect(ordinary).toMatchObject({ ok: true, value: { scheduling: { policy: 'other', priority: 0 } } });
    expect(ordinary!.ok && ordinary!.value.realtimeRefused).toBeFalsy();
  });

  it('relays a bridged call both ways on one worker and records it in stereo', async () => {
    pool = newPool(2);
    const [callerPeer, agentPeer] = [await peer(), await peer()];
    const caller = await openLeg(pool, 'caller', 'call-1', callerPeer);
    const agent = await openLeg(pool, 'agent', 'call-1', agentPeer);
    expect(agent.worker).toBe(caller.worker);
    const path = join(dir, 'call-1.wav');
    const bridge = await pool.bridge(caller, agent, path);
    if (!bridge.ok) throw new Error(bridge.error.code);
    for (let k = 0; k < 60; k++) {
      sendTone(callerPeer, caller, 440, k, 0xca11);
      sendTone(agentPeer, agent, 1000, k, 0xa6e7);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await agentPeer.waitForRtp(55);
    await callerPeer.waitForRtp(55);
    const decoded = (p: RtpTestPeer) => {
      const out = new Int16Array(160);
      decodeG711('pcmu', p.rtp[30]!.payload, out);
      return out;
    };
    expect(toneShare(decoded(agentPeer), 440)).toBeGreaterThan(0.9);
    expect(toneShare(decoded(callerPeer), 1000)).toBeGreaterThan(0.9);

    const summary = await bridge.value.unbridge();
    expect(summary.ok && summary.value?.durationMs).toBeGreaterThan(800);
    const wav = parseWav(await readFile(path));
    if (!wav.ok) throw new Error(wav.error.code);
    expect(wav.value.format).toMatchObject({ channels: 2, encoding: 'mulaw' });
    const stereo = wavSamples(wav.value);
    const mid = Math.floor(stereo.length / 4) & ~1;
    const left = Int16Array.from({ length: 160 }, (_, i) => stereo[mid + 2 * i]!);
    const right = Int16Array.from({ length: 160 }, (_, i) => stereo[mid + 2 * i + 1]!);
    expect(toneShare(left, 440)).toBeGreaterThan(0.8);
    expect(toneShare(right, 1000)).toBeGreaterThan(0.8);

    const closed: WorkerLegEvents['closed'][] = [];
    caller.on('closed', (e) => closed.push(e));
    caller.close();
    await eventually(() => closed.length === 1, 3000, 'closed');
    expect(closed[0]).toMatchObject({ reason: 'closed', stats: { sentPackets: expect.any(Number) } });
    expect(closed[0]!.stats!.sentPackets).toBeGreaterThanOrEqual(55);
  });

  it('places the legs of one call on one worker and refuses a bridge across workers', async () => {
    pool = newPool(2);
    const p = await peer();
    const first = await openLeg(pool, 'x1', 'call-x', p);
    const second = await openLeg(pool, 'y1', 'call-y', p);
    const third = await openLeg(pool, 'x2', 'call-x', p);
    expect(second.worker).not.toBe(first.worker);
    expect(third.worker).toBe(first.worker);
    const bridged = await pool.bridge(first, second);
    expect(bridged.ok || bridged.error.code).toBe('MEDIA.LEGS_ON_DIFFERENT_WORKERS');
  });

  it('reports a worker crash as an event and ends its calls as worker-failed, then serves new calls', async () => {
    pool = newPool(1);
    const [a, b] = [await peer(), await peer()];
    const caller = await openLeg(pool, 'c1', 'call-9', a);
    const agent = await openLeg(pool, 'a1', 'call-9', b);
    const failures: MediaWorkerPoolEvents['worker-failed'][] = [];
    const closed: string[] = [];
    pool.on('worker-failed', (e) => failures.push(e));
    for (const leg of [caller, agent]) leg.on('closed', (e) => closed.push(`${leg.id}:${e.reason}`));
    const pendingStats = caller.stats();
    pool.crashWorker(0, 'boom');
    await eventually(() => failures.length === 1, 5000, 'worker-failed');
    expect(failures[0]).toMatchObject({ worker: 0, error: 'boom', calls: ['call-9'] });
    expect([...failures[0]!.legs].sort()).toEqual(['a1', 'c1']);
    expect(closed.sort()).toEqual(['a1:worker-failed', 'c1:worker-failed']);
    const stats = await pendingStats;
    if (!stats.ok) expect(stats.error.code).toBe('MEDIA.WORKER_FAILED');
    expect(pool.openLegs).toBe(0);

    const again = await openLeg(pool, 'c2', 'call-10', a);
    expect(again.isOpen).toBe(true);
  });
});
