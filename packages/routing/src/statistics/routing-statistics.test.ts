import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import type { RoutingCommand } from '../commands';
import { routingScenario } from '../routing-scenario';
import { RoutingStatistics } from './routing-statistics';

const T0 = Date.UTC(2026, 0, 5, 9);
const agent = (agentId: string): RoutingCommand => ({
  type: 'LogInAgent',
  agentId,
  channels: [{ channel: 'voice', capacity: 1 }],
  skills: {},
  queues: ['q1'],
});

function center(shortAbandonSeconds = 0) {
  const clock = new VirtualClock(T0);
  const s = routingScenario(clock).given({
    type: 'ConfigureQueue',
    queue: {
      queueId: 'q1',
      steps: [{ expression: '*' }],
      serviceLevel: { thresholdSeconds: 20, targetPercent: 80 },
      wrapUp: { seconds: 30 },
      shortAbandonSeconds,
    },
  });
  const stats = new RoutingStatistics();
  const sync = () => {
    for (const e of s.log.splice(0)) stats.apply(e);
  };
  return { clock, s, stats, sync };
}

describe('real-time statistics', () => {
  it('computes service level, ASA, mean wait and abandon rate exactly as defined', () => {
    const { clock, s, stats, sync } = center();
    s.given(agent('a1'));
    s.given(
      { type: 'EnqueueContact', contactId: 'fast', queueId: 'q1' },
      { type: 'EnqueueContact', contactId: 'slow', queueId: 'q1' },
      { type: 'EnqueueContact', contactId: 'gone', queueId: 'q1' },
    );
    clock.advance(10_000);
    s.given(
      { type: 'SetAgentReady', agentId: 'a1' },
      { type: 'AnswerContact', contactId: 'fast', agentId: 'a1' },
    );
    clock.advance(20_000);
    s.given({ type: 'AbandonContact', contactId: 'gone' });
    clock.advance(10_000);
    sync();
    expect(stats.queue('q1', clock.now())).toMatchObject({ waiting: 1, longestWaitSeconds: 40 });
    s.given({ type: 'EndContact', contactId: 'fast' });
    s.advance(30_000);
    s.given({ type: 'AnswerContact', contactId: 'slow', agentId: 'a1' });
    sync();
    const q = stats.queue('q1', clock.now());
    // fast waited 10 s (answered within 20), gone 30 s (abandoned), slow 70 s (answered late).
    expect(q?.today).toEqual({
      offered: 3,
      answered: 2,
      answeredWithinThreshold: 1,
      abandoned: 1,
      serviceLevel: 1 / 3,
      asaSeconds: 40,
      meanWaitSeconds: (10 + 30 + 70) / 3,
      abandonRate: 1 / 3,
    });
    expect(q?.last15Minutes.offered).toBe(3);
    expect(q?.agents.busy).toBe(1);
    expect(q?.serviceLevelTarget).toEqual({ thresholdSeconds: 20, targetPercent: 80 });
  });

  it('leaves short abandons out when a threshold is configured', () => {
    const { clock, s, stats, sync } = center(5);
    s.given({ type: 'EnqueueContact', contactId: 'oops', queueId: 'q1' });
    clock.advance(3_000);
    s.given(
      { type: 'AbandonContact', contactId: 'oops' },
      { type: 'EnqueueContact', contactId: 'real', queueId: 'q1' },
    );
    clock.advance(30_000);
    s.given({ type: 'AbandonContact', contactId: 'real' });
    sync();
    expect(stats.queue('q1', clock.now())?.today).toMatchObject({ offered: 1, abandoned: 1, abandonRate: 1 });
  });

  it('slides the 15 and 30 minute windows and resets today at midnight', () => {
    const { clock, s, stats, sync } = center();
    s.given(
      { type: 'EnqueueContact', contactId: 'c1', queueId: 'q1' },
      { type: 'AbandonContact', contactId: 'c1' },
    );
    sync();
    clock.advance(20 * 60_000);
    expect(stats.queue('q1', clock.now())).toMatchObject({
      last15Minutes: { offered: 0 },
      last30Minutes: { offered: 1 },
      today: { offered: 1 },
    });
    clock.advance(15 * 3_600_000);
    expect(stats.queue('q1', clock.now())?.today.offered).toBe(0);
  });

  it('tracks per-agent state durations, handled contacts, AHT and occupancy', () => {
    const { clock, s, stats, sync } = center();
    s.given(agent('a1'));
    clock.advance(60_000);
    s.given({ type: 'SetAgentReady', agentId: 'a1' });
    clock.advance(60_000);
    s.given({ type: 'EnqueueContact', contactId: 'c1', queueId: 'q1' });
    clock.advance(5_000);
    s.given({ type: 'AnswerContact', contactId: 'c1', agentId: 'a1' });
    clock.advance(90_000);
    s.given({ type: 'EndContact', contactId: 'c1' });
    s.advance(30_000);
    s.given({ type: 'SetAgentNotReady', agentId: 'a1', reason: 'lunch' });
    clock.advance(600_000);
    sync();
    const a = stats.agent('a1', 'voice', clock.now());
    expect(a?.secondsByStatus).toMatchObject({
      'not-ready': 660,
      ready: 60,
      reserved: 5,
      busy: 90,
      'wrap-up': 30,
    });
    expect(a?.notReadySecondsByReason).toEqual({ login: 60 });
    expect(a?.handled).toBe(1);
    expect(a?.ahtSeconds).toBe(120);
    expect(a?.occupancy).toBeCloseTo(120 / 180);
    expect(stats.queue('q1', clock.now())?.agents).toMatchObject({ 'not-ready': 1, ready: 0 });
  });

  it('moves agent counts between queues when memberships change', () => {
    const { s, stats, sync, clock } = center();
    s.given({ type: 'ConfigureQueue', queue: { queueId: 'q2', steps: [{ expression: '*' }] } }, agent('a1'));
    s.given({ type: 'ChangeAgentProfile', agentId: 'a1', queues: ['q2'] });
    sync();
    expect(stats.queue('q1', clock.now())?.agents['not-ready']).toBe(0);
    expect(stats.queue('q2', clock.now())?.agents['not-ready']).toBe(1);
  });
});
