import type { TenantId } from '@switchboard/kernel';
import { routingScenario, type RoutingCommand, type RoutingEvent } from '@switchboard/routing';
import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { StatisticsProjection } from '../../apps/server/src/realtime/statistics-projection';
import type { LoggedEvent } from '../../apps/server/test/support/event-log';
import { isVoicemailContact, queueTotals, voicemailContactsWaiting } from './queue-totals';

const DAY_START = Date.UTC(2026, 0, 5);
const TENANT = 'tenant-1' as TenantId;

const enqueue = (contactId: string, attributes: Record<string, string> = {}): RoutingCommand => ({
  type: 'EnqueueContact',
  contactId,
  queueId: 'q1',
  attributes,
  callbackNumber: '13800138000',
});

/**
 * One agent: c1 answered, c2 abandoned after 11 s, and two voicemail contacts behind them, the
 * first answered once the agent is free again, the second still waiting.
 */
function dayWithVoicemail() {
  const clock = new VirtualClock(DAY_START + 9 * 3_600_000);
  const s = routingScenario(clock).given(
    {
      type: 'ConfigureQueue',
      queue: {
        queueId: 'q1',
        steps: [{ expression: 'skills.sales >= 1' }],
        wrapUp: { seconds: 10, autoReady: true },
      },
    },
    {
      type: 'LogInAgent',
      agentId: 'a1',
      channels: [{ channel: 'voice', capacity: 1 }],
      skills: { sales: 3 },
      queues: ['q1'],
      ready: true,
    },
    enqueue('c1'),
  );
  s.advance(4_000);
  s.given({ type: 'AnswerContact', contactId: 'c1', agentId: 'a1' });
  s.advance(1_000);
  s.given(enqueue('c2'));
  s.advance(1_000);
  s.given(enqueue('vm-1', { voicemailFor: 'c0' }));
  s.advance(10_000);
  s.given({ type: 'AbandonContact', contactId: 'c2' });
  s.advance(1_000);
  s.given(enqueue('vm-2', { voicemailFor: 'c2' }));
  s.advance(30_000);
  s.given({ type: 'EndContact', contactId: 'c1' });
  s.advance(15_000);
  expect(s.engine.contact('vm-1')?.status).toBe('offered');
  s.given({ type: 'AnswerContact', contactId: 'vm-1', agentId: 'a1' });
  const projection = new StatisticsProjection();
  projection.fold(
    TENANT,
    s.log.map((e, i) => ({ ...e, metadata: metadata(e, i) })),
    false,
  );
  const logged: LoggedEvent[] = s.log.map((e, i) => ({
    position: i + 1,
    streamId: streamOf(e),
    type: e.type,
    data: e.data as unknown as Record<string, unknown>,
  }));
  return { logged, figures: projection.queues(TENANT, clock.now()) };
}

const streamOf = (e: RoutingEvent): string =>
  'contactId' in e.data
    ? `contact-${e.data.contactId}`
    : 'agentId' in e.data
      ? `agent-${e.data.agentId}`
      : 'queues';
const metadata = (e: RoutingEvent, i: number) => ({
  eventId: `e${i}`,
  streamId: streamOf(e),
  tenantId: TENANT,
  occurredAt: new Date(e.data.at).toISOString(),
  correlationId: `c${i}`,
  causationId: `c${i}`,
});

describe('queue totals recomputed from the event log', () => {
  it('leaves voicemail contacts out of the callers’ figures, exactly as the wallboard does', () => {
    const { logged, figures } = dayWithVoicemail();
    const totals = queueTotals(logged, DAY_START);
    expect(totals.get('q1')).toMatchObject({ offered: 2, answered: 1, abandoned: 1, asaSeconds: 4 });
    expect(figures.map((q) => [q.queueId, q.today])).toEqual([['q1', totals.get('q1')]]);
  });

  it('counts the voicemail contacts still waiting among the wallboard’s callbacks waiting', () => {
    const { logged, figures } = dayWithVoicemail();
    expect(logged.filter(isVoicemailContact).map((e) => e.data.contactId)).toEqual(['vm-1', 'vm-2']);
    expect(voicemailContactsWaiting(logged)).toEqual(new Map([['q1', 1]]));
    expect(figures[0]?.callbacksWaiting).toBe(1);
  });

  it('follows a voicemail contact to the queue it overflows to, and drops one given up on', () => {
    const event = (type: string, data: Record<string, unknown>): LoggedEvent => ({
      position: 0,
      streamId: `contact-${String(data.contactId)}`,
      type,
      data: { at: 0, ...data },
    });
    const queued = (contactId: string, queueId: string, attributes: object) =>
      event('ContactQueued', { contactId, queueId, kind: 'inbound', attributes });
    const log = [
      queued('vm-1', 'q1', { voicemailFor: 'c1' }),
      queued('vm-2', 'q1', { voicemailFor: 'c2' }),
      queued('caller', 'q1', { vip: '1' }),
      event('ContactOverflowed', { contactId: 'vm-1', queueId: 'q1' }),
      queued('vm-1', 'q2', { voicemailFor: 'c1' }),
      event('ContactCallbackFailed', { contactId: 'vm-2', retryAt: null }),
      // An outcome in another queue than the contact's is not its own.
      event('ContactAnswered', { contactId: 'vm-1', queueId: 'q1' }),
    ];
    expect(voicemailContactsWaiting(log)).toEqual(new Map([['q2', 1]]));
    expect(
      isVoicemailContact(event('ContactQueued', { kind: 'callback', attributes: { voicemailFor: 'c1' } })),
    ).toBe(false);
  });
});
