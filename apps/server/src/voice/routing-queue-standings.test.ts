import { ok, type TenantId } from '@switchboard/kernel';
import { routingScenario, type RoutingCommand, type RoutingEvent } from '@switchboard/routing';
import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { StatisticsProjection } from '../realtime/statistics-projection';
import { queueAnnouncement } from './queue-announcement';
import { routingQueueStandings } from './routing-queue-standings';

const T0 = Date.UTC(2026, 0, 5, 9);
const TENANT = 'tenant-1' as TenantId;

const logIn = (agentId: string, skills: Record<string, number>): RoutingCommand => ({
  type: 'LogInAgent',
  agentId,
  channels: [{ channel: 'voice', capacity: 1 }],
  skills,
  queues: ['q1'],
  ready: true,
});
const enqueue = (contactId: string, requiredSkills?: Record<string, number>): RoutingCommand => ({
  type: 'EnqueueContact',
  contactId,
  queueId: 'q1',
  ...(requiredSkills && { requiredSkills }),
});

/**
 * One Mandarin agent and two English ones, all on a call, after the Mandarin agent handled one
 * contact in 120 s (100 s talk, 20 s timed wrap-up); then callers wait behind them.
 */
function busyQueue() {
  const clock = new VirtualClock(T0);
  const s = routingScenario(clock).given(
    {
      type: 'ConfigureQueue',
      queue: {
        queueId: 'q1',
        steps: [{ expression: 'skills.sales >= 1' }],
        wrapUp: { seconds: 20, autoReady: true },
      },
    },
    logIn('a-zh', { sales: 3, mandarin: 5 }),
    enqueue('warm-up'),
    { type: 'AnswerContact', contactId: 'warm-up', agentId: 'a-zh' },
  );
  s.advance(100_000);
  s.given({ type: 'EndContact', contactId: 'warm-up' });
  s.advance(20_000);
  s.given(logIn('a-en1', { sales: 3, english: 5 }), logIn('a-en2', { sales: 3, english: 5 }));
  for (const contactId of ['busy-1', 'busy-2', 'busy-3']) {
    const offered = s.when(enqueue(contactId)).events.find((e) => e.type === 'ContactOffered');
    if (offered?.type !== 'ContactOffered') throw new Error(`${contactId} was not offered`);
    s.given({ type: 'AnswerContact', contactId, agentId: offered.data.agentId });
  }
  for (const c of [
    enqueue('plain-1'),
    enqueue('en-1', { english: 5 }),
    enqueue('zh-1', { mandarin: 5 }),
    enqueue('fr-1', { french: 5 }),
    enqueue('zh-2', { mandarin: 5 }),
  ]) {
    clock.advance(1_000);
    s.given(c);
  }
  const projection = new StatisticsProjection();
  projection.fold(TENANT, s.log.map(stored), false);
  const standings = routingQueueStandings(
    { tenant: async () => ({ query: async (read) => ok(read(s.engine)) }) },
    projection,
    clock,
  );
  return { s, projection, standings, clock };
}

let seq = 0;
function stored(event: RoutingEvent) {
  seq += 1;
  return {
    ...event,
    metadata: {
      eventId: `e${seq}`,
      streamId: `routing-${seq}`,
      tenantId: TENANT,
      occurredAt: new Date(event.data.at).toISOString(),
      correlationId: `c${seq}`,
      causationId: `c${seq}`,
    },
  };
}

describe('queue standings of contacts with required skills', () => {
  it('bases the estimate on a handle time of 120 s and the queue’s three staffed agents', async () => {
    const { projection, standings, clock } = busyQueue();
    const aht = projection.agents(TENANT, clock.now()).find((a) => a.agentId === 'a-zh')?.ahtSeconds;
    expect(aht).toBe(120);
    // Without requirements every staffed agent of the queue shares the wait: 120 × 1 ÷ 3.
    expect(await standings.standingOf(TENANT, 'plain-1')).toEqual({ position: 1, expectedWaitSeconds: 40 });
  });

  it('counts only the contacts ahead that wait for the same agents, and only the agents who qualify', async () => {
    const { standings } = busyQueue();
    // plain-1 and zh-1 are ahead; en-1 and fr-1 wait for other agents. One Mandarin agent: 120 × 3.
    expect(await standings.standingOf(TENANT, 'zh-2')).toEqual({ position: 3, expectedWaitSeconds: 360 });
    // plain-1 is ahead; two English agents share the wait: 120 × 2 ÷ 2.
    expect(await standings.standingOf(TENANT, 'en-1')).toEqual({ position: 2, expectedWaitSeconds: 120 });
  });

  it('gives no estimate when no staffed agent qualifies, so the wait is not announced', async () => {
    const { standings } = busyQueue();
    const standing = await standings.standingOf(TENANT, 'fr-1');
    expect(standing).toEqual({ position: 2 });
    const announcement = queueAnnouncement(standing!, {
      language: 'zh',
      comfort: false,
      offerCallback: false,
    });
    expect(announcement).toEqual({ text: '您前面还有1位客户， 请稍候。', expectedWaitMinutes: null });
    expect(queueAnnouncement(standing!, { language: 'en', comfort: false, offerCallback: false }).text).toBe(
      'You are number 2 in the queue.',
    );
  });

  it('has no standing for a contact on a call or unknown to routing', async () => {
    const { standings } = busyQueue();
    expect(await standings.standingOf(TENANT, 'busy-1')).toBeUndefined();
    expect(await standings.standingOf(TENANT, 'nobody')).toBeUndefined();
  });
});
