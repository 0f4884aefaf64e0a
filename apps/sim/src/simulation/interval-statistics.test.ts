import { describe, expect, it } from 'vitest';
import { IntervalStatistics } from './interval-statistics';
import type { SimEvent } from './routing-port';

const s = (seconds: number): number => seconds * 1000;

/** One agent, one queue, two one-minute intervals: every figure can be worked out by hand. */
function handWorkedDay(): SimEvent[] {
  const agentId = 'a1';
  const queueId = 'q';
  const queued = (contactId: string, at: number): SimEvent => ({
    type: 'ContactQueued',
    data: { contactId, queueId, arrivedAt: s(at), at: s(at) },
  });
  const served = (contactId: string, answer: number, end: number, wrapEnd: number): SimEvent[] => [
    { type: 'ContactOffered', data: { contactId, agentId, queueId, at: s(answer) } },
    { type: 'ContactAnswered', data: { contactId, agentId, queueId, at: s(answer) } },
    { type: 'ContactEnded', data: { contactId, agentId, at: s(end) } },
    { type: 'AgentWrapUpEnded', data: { contactId, agentId, at: s(wrapEnd) } },
  ];
  const abandoned = (contactId: string, at: number): SimEvent => ({
    type: 'ContactAbandoned',
    data: { contactId, queueId, at: s(at) },
  });
  const events: SimEvent[] = [
    { type: 'AgentLoggedIn', data: { agentId, at: 0 } },
    { type: 'AgentBecameReady', data: { agentId, at: 0 } },
    queued('c1', 0),
    ...served('c1', 0, 30, 40).slice(0, 3),
    queued('c2', 10),
    queued('c3', 20),
    abandoned('c3', 23),
    queued('c4', 25),
    ...served('c1', 0, 30, 40).slice(3),
    ...served('c2', 40, 50, 55).slice(0, 3),
    abandoned('c4', 50),
    ...served('c2', 40, 50, 55).slice(3),
    { type: 'AgentBecameNotReady', data: { agentId, reason: 'break', at: s(58) } },
    queued('c5', 70),
  ];
  return events;
}

function run(events: readonly SimEvent[], closeAt: number) {
  const stats = new IntervalStatistics({
    scenario: 'hand',
    seed: 1,
    originMs: 0,
    intervalSeconds: 60,
    intervalCount: 2,
    shortAbandonSeconds: 5,
    queues: [{ id: 'q', serviceLevelSeconds: 20 }],
  });
  for (const e of events) stats.apply(e);
  stats.close(closeAt);
  return stats.report();
}

describe('IntervalStatistics (ARCHITECTURE.md metric definitions)', () => {
  const report = run(handWorkedDay(), s(100));
  const first = report.intervals[0]!;

  it('counts offered, answered and abandoned contacts by the interval they arrived in', () => {
    // c3 hung up after 3 s, under the 5 s short-abandon threshold: not offered, reported apart.
    expect(first).toMatchObject({
      offered: 3,
      answered: 2,
      answeredWithinThreshold: 1,
      abandoned: 1,
      shortAbandoned: 1,
    });
    expect(report.intervals[1]).toMatchObject({ offered: 1, answered: 0, unresolved: 1 });
  });

  it('service level is answered within T over offered, abandons failing and short abandons left out', () => {
    // c1 answered at once, c2 after 30 s (> 20 s), c4 abandoned after 25 s; c3 is a short abandon.
    expect(first.serviceLevel).toBeCloseTo(1 / 3, 12);
  });

  it('ASA is over answered contacts; mean wait over all offered, abandoners for the time they waited', () => {
    expect(first.asa).toBeCloseTo((0 + 30) / 2, 12);
    expect(first.meanWait).toBeCloseTo((0 + 30 + 25) / 3, 12);
    expect(first.abandonRate).toBeCloseTo(1 / 3, 12);
    // c5 still waits when the run closes at 100 s: it waited 30 s and was not answered in time.
    expect(report.intervals[1]).toMatchObject({ meanWait: 30, serviceLevel: 0, asa: null });
  });

  it('AHT is talk + hold + wrap-up of handled contacts', () => {
    expect(first.aht).toBeCloseTo((40 + 15) / 2, 12);
  });

  it('occupancy is handle time over handle plus available time; not ready counts as neither', () => {
    // Handling 0–55 s, available 55–58 s, not ready from 58 s.
    expect(first.occupancy).toBeCloseTo(55 / 58, 12);
    expect(report.intervals[1]!.occupancy).toBeNull();
    expect(report.intervals.map((i) => i.agentsLoggedIn)).toEqual([1, 1]);
  });

  it('totals add the intervals up and keep the per-queue view', () => {
    expect(report.totals).toMatchObject({
      offered: 4,
      answered: 2,
      abandoned: 1,
      shortAbandoned: 1,
      unresolved: 1,
    });
    expect(report.totals.serviceLevel).toBeCloseTo(1 / 4, 12);
    expect(report.totals.meanWait).toBeCloseTo((55 + 30) / 4, 12);
    expect(report.totals.occupancy).toBeCloseTo(55 / 58, 12);
    expect(report.totals.queues['q']).toMatchObject({ offered: 4, answered: 2 });
  });

  it('splits agent time at interval boundaries', () => {
    const events: SimEvent[] = [
      { type: 'AgentLoggedIn', data: { agentId: 'a', at: s(30) } },
      { type: 'AgentBecameReady', data: { agentId: 'a', at: s(30) } },
      { type: 'ContactQueued', data: { contactId: 'c', queueId: 'q', arrivedAt: s(45), at: s(45) } },
      { type: 'ContactOffered', data: { contactId: 'c', agentId: 'a', queueId: 'q', at: s(45) } },
      { type: 'ContactAnswered', data: { contactId: 'c', agentId: 'a', queueId: 'q', at: s(45) } },
      { type: 'AgentWrapUpEnded', data: { contactId: 'c', agentId: 'a', at: s(75) } },
      { type: 'AgentLoggedOut', data: { agentId: 'a', at: s(90) } },
    ];
    const r = run(events, s(90));
    expect(r.intervals[0]!.occupancy).toBeCloseTo(15 / 30, 12);
    expect(r.intervals[1]!.occupancy).toBeCloseTo(15 / 30, 12);
    expect(r.intervals.map((i) => i.agentsLoggedIn)).toEqual([0.5, 0.5]);
    expect(r.totals.aht).toBe(30);
  });
});
