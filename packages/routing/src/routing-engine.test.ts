import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import type { RoutingCommand } from './commands';
import type { QueueConfig } from './queue/queue-config';
import { routingScenario } from './routing-scenario';

const T0 = Date.UTC(2026, 0, 5, 9);
const queue = (queueId: string, extra: Partial<QueueConfig> = {}): RoutingCommand => ({
  type: 'ConfigureQueue',
  queue: { queueId, steps: [{ expression: 'skills.sales >= 1' }], ...extra },
});
const agent = (
  agentId: string,
  skills: Record<string, number> = { sales: 5 },
  queues = ['q1'],
  extra: object = {},
): RoutingCommand => ({
  type: 'LogInAgent',
  agentId,
  channels: [{ channel: 'voice', capacity: 1 }],
  skills,
  queues,
  ready: true,
  ...extra,
});
const enqueue = (contactId: string, extra: object = {}): RoutingCommand => ({
  type: 'EnqueueContact',
  contactId,
  queueId: 'q1',
  ...extra,
});
const offersOf = (events: readonly { type: string; data: unknown }[]) =>
  events
    .filter((e) => e.type === 'ContactOffered')
    .map((e) => [(e.data as { contactId: string }).contactId, (e.data as { agentId: string }).agentId]);

function setup(...commands: RoutingCommand[]) {
  const clock = new VirtualClock(T0);
  const s = routingScenario(clock).given(...commands);
  return { clock, s, engine: s.engine };
}

describe('routing engine: offers', () => {
  it('offers a new contact to the ready agent with the skill and rings the agent', () => {
    const { s } = setup(queue('q1'), agent('a1', { support: 5 }), agent('a2'));
    const out = s.when(enqueue('c1'));
    expect(offersOf(out.events)).toEqual([['c1', 'a2']]);
    expect(out.effects).toEqual([
      { type: 'RingAgent', contactId: 'c1', agentId: 'a2', channel: 'voice', until: T0 + 20_000 },
    ]);
    expect(s.engine.agentStatus('a2')).toBe('reserved');
  });

  it('routes to the longest-idle agent with the skill', () => {
    const { s, clock } = setup(queue('q1'), agent('a1'));
    clock.advance(5_000);
    s.given(agent('a2'));
    expect(offersOf(s.when(enqueue('c1')).events)).toEqual([['c1', 'a1']]);
  });

  it('never gives one agent two contacts nor one contact two agents', () => {
    const { s, engine } = setup(queue('q1'), agent('a1'));
    expect(offersOf(s.when(enqueue('c1')).events)).toEqual([['c1', 'a1']]);
    expect(offersOf(s.when(enqueue('c2')).events)).toEqual([]);
    expect(engine.contact('c2')?.status).toBe('waiting');
    expect(offersOf(s.when(agent('a2')).events)).toEqual([['c2', 'a2']]);
    expect(engine.checkInvariants()).toEqual([]);
  });

  it('serves higher priority first, then by original arrival time', () => {
    const { s, clock } = setup(queue('q1'));
    s.given(
      enqueue('late', { arrivedAt: T0 }),
      enqueue('early', { arrivedAt: T0 - 60_000 }),
      enqueue('vip', { priority: 5 }),
    );
    clock.advance(1_000);
    expect(s.engine.waitingContacts('q1').map((c) => c.contactId)).toEqual(['vip', 'early', 'late']);
    expect(s.engine.queuePosition('late')).toBe(3);
    const order = ['a1', 'a2', 'a3'].map((a) => offersOf(s.when(agent(a)).events)[0]?.[0]);
    expect(order).toEqual(['vip', 'early', 'late']);
  });

  it('raises a waiting contact when its priority changes', () => {
    const { s } = setup(queue('q1'), enqueue('c1'), enqueue('c2'));
    s.given({ type: 'ChangeContactPriority', contactId: 'c2', priority: 9 });
    expect(offersOf(s.when(agent('a1')).events)).toEqual([['c2', 'a1']]);
  });

  it('RONA: the agent goes not ready (RONA) and the contact keeps its original place', () => {
    const { s, engine } = setup(queue('q1', { ringTimeoutSeconds: 15 }), enqueue('c1'), agent('a1'));
    s.given(enqueue('c2'));
    const out = s.advance(15_000);
    expect(out.events.map((e) => e.type)).toEqual(['ContactOfferTimedOut', 'AgentBecameNotReady']);
    expect(out.events[1]).toMatchObject({ data: { reason: 'RONA' } });
    expect(out.effects).toEqual([{ type: 'StopRinging', contactId: 'c1', agentId: 'a1' }]);
    expect(engine.agentStatus('a1')).toBe('not-ready');
    expect(engine.waitingContacts('q1').map((c) => c.contactId)).toEqual(['c1', 'c2']);
    expect(offersOf(s.when(agent('a2')).events)).toEqual([['c1', 'a2']]);
  });

  it('an answered offer does not time out later', () => {
    const { s } = setup(queue('q1'), enqueue('c1'), agent('a1'));
    s.given({ type: 'AnswerContact', contactId: 'c1', agentId: 'a1' });
    expect(s.advance(60_000).events).toEqual([]);
    expect(s.engine.agentStatus('a1')).toBe('busy');
  });

  it('a rejected offer goes back in line and to another agent, not again to the one who rejected it', () => {
    const { s, engine } = setup(queue('q1'), agent('a1'), enqueue('c1'));
    const out = s.when({ type: 'RejectOffer', contactId: 'c1', agentId: 'a1' });
    expect(out.events.map((e) => e.type)).toEqual(['ContactOfferRejected']);
    expect(engine.agentStatus('a1')).toBe('ready');
    expect(engine.contact('c1')?.status).toBe('waiting');
    expect(offersOf(s.when(agent('a2')).events)).toEqual([['c1', 'a2']]);
    expect(engine.checkInvariants()).toEqual([]);
  });

  it('a logout during an offer puts the contact back and offers it to the next agent', () => {
    const { s } = setup(
      queue('q1'),
      agent('a1'),
      enqueue('c1'),
      agent('a2', { sales: 5 }, ['q1'], { ready: false }),
    );
    const out = s.when({ type: 'LogOutAgent', agentId: 'a1' });
    expect(out.events.map((e) => e.type)).toEqual(['ContactOfferRescinded', 'AgentLoggedOut']);
    expect(offersOf(s.when({ type: 'SetAgentReady', agentId: 'a2' }).events)).toEqual([['c1', 'a2']]);
  });

  it('a caller who hangs up while ringing frees the agent', () => {
    const { s, engine } = setup(queue('q1'), agent('a1'), enqueue('c1'));
    const out = s.when({ type: 'AbandonContact', contactId: 'c1' });
    expect(out.events.map((e) => e.type)).toEqual(['ContactOfferRescinded', 'ContactAbandoned']);
    expect(engine.agentStatus('a1')).toBe('ready');
    expect(engine.contact('c1')).toBeUndefined();
  });

  it('fills a chat agent up to capacity, one contact per offer', () => {
    const chat = queue('chat', { channel: 'chat' });
    const { s } = setup(chat, {
      type: 'LogInAgent',
      agentId: 'a1',
      channels: [{ channel: 'chat', capacity: 3 }],
      skills: { sales: 3 },
      queues: ['chat'],
    });
    for (const id of ['c1', 'c2', 'c3', 'c4'])
      s.given({ type: 'EnqueueContact', contactId: id, queueId: 'chat' });
    const out = s.when({ type: 'SetAgentReady', agentId: 'a1' });
    expect(offersOf(out.events)).toEqual([
      ['c1', 'a1'],
      ['c2', 'a1'],
      ['c3', 'a1'],
    ]);
    expect(s.engine.contact('c4')?.status).toBe('waiting');
  });

  it('runs the answer → hold → end → wrap-up → auto-ready cycle and offers the next contact', () => {
    const { s, engine } = setup(
      queue('q1', { wrapUp: { seconds: 30 } }),
      agent('a1'),
      enqueue('c1'),
      enqueue('c2'),
    );
    s.given(
      { type: 'AnswerContact', contactId: 'c1', agentId: 'a1' },
      { type: 'HoldContact', contactId: 'c1' },
    );
    expect(s.when({ type: 'HoldContact', contactId: 'c1' }).rejection?.code).toBe(
      'ROUTING.CONTACT_ALREADY_HELD',
    );
    s.given({ type: 'RetrieveContact', contactId: 'c1' }, { type: 'EndContact', contactId: 'c1' });
    expect(engine.agentStatus('a1')).toBe('wrap-up');
    const out = s.advance(30_000);
    expect(out.events.map((e) => e.type)).toEqual(['AgentWrapUpEnded', 'ContactOffered']);
  });

  it('wrap-up without auto-ready leaves the agent not ready (after-call-work); extension moves the end', () => {
    const { s, engine } = setup(
      queue('q1', { wrapUp: { seconds: 30, autoReady: false, maxExtensionSeconds: 60 } }),
      agent('a1'),
      enqueue('c1'),
    );
    s.given(
      { type: 'AnswerContact', contactId: 'c1', agentId: 'a1' },
      { type: 'EndContact', contactId: 'c1' },
    );
    s.given({ type: 'ExtendWrapUp', agentId: 'a1', seconds: 20 });
    expect(s.advance(30_000).events).toEqual([]);
    const out = s.advance(20_000);
    expect(out.events.map((e) => e.type)).toEqual(['AgentWrapUpEnded', 'AgentBecameNotReady']);
    expect(engine.agentState('a1')?.channels[0]?.reason).toBe('after-call-work');
  });

  it('untimed wrap-up lasts until the agent completes it', () => {
    const { s, engine } = setup(queue('q1', { wrapUp: { seconds: null } }), agent('a1'), enqueue('c1'));
    s.given(
      { type: 'AnswerContact', contactId: 'c1', agentId: 'a1' },
      { type: 'EndContact', contactId: 'c1' },
    );
    s.advance(3_600_000);
    expect(engine.agentStatus('a1')).toBe('wrap-up');
    s.given({ type: 'CompleteWrapUp', agentId: 'a1' });
    expect(engine.agentStatus('a1')).toBe('ready');
  });
});

describe('routing engine: steps and expressions', () => {
  const stepped = queue('q1', {
    steps: [
      { expression: 'skills.sales >= 8', timeoutSeconds: 20 },
      { expression: 'skills.sales >= 3', timeoutSeconds: 40 },
      { expression: '*' },
    ],
  });

  it('widens the target step by step as timeouts pass (TaskRouter-style)', () => {
    const { s, engine } = setup(
      stepped,
      agent('junior', { sales: 4 }),
      agent('none', { support: 2 }),
      enqueue('c1'),
    );
    expect(engine.contact('c1')?.step).toBe(0);
    const second = s.advance(20_000);
    expect(second.events.map((e) => e.type)).toEqual(['ContactRoutingStepAdvanced', 'ContactOffered']);
    expect(offersOf(second.events)).toEqual([['c1', 'junior']]);
  });

  it('reaches the catch-all last step and stays there', () => {
    const { s, engine } = setup(stepped, agent('none', { support: 2 }), enqueue('c1'));
    const out = s.advance(60_000);
    expect(out.events.map((e) => e.type)).toEqual([
      'ContactRoutingStepAdvanced',
      'ContactRoutingStepAdvanced',
      'ContactOffered',
    ]);
    expect(engine.contact('c1')?.step).toBe(2);
  });

  it('evaluates contact-reading expressions per contact', () => {
    const lang = queue('q1', { steps: [{ expression: 'languages has contact.language' }] });
    const { s } = setup(lang, agent('zh', {}, ['q1'], { attributes: { languages: ['zh'] } }));
    s.given(enqueue('en', { attributes: { language: 'en' } }));
    expect(offersOf(s.when(enqueue('zh1', { attributes: { language: 'zh' } })).events)).toEqual([
      ['zh1', 'zh'],
    ]);
    expect(
      offersOf(s.when(agent('en-agent', {}, ['q1'], { attributes: { languages: ['en'] } })).events),
    ).toEqual([['en', 'en-agent']]);
  });

  it('re-evaluates eligibility when skills change', () => {
    const { s } = setup(queue('q1'), agent('a1', { support: 5 }), enqueue('c1'));
    expect(
      offersOf(s.when({ type: 'ChangeAgentProfile', agentId: 'a1', skills: { sales: 2 } }).events),
    ).toEqual([['c1', 'a1']]);
  });

  it('rejects invalid expressions and unknown skills with coded details, changing nothing', () => {
    const { s, engine } = setup();
    const bad = s.when(queue('q1', { steps: [{ expression: 'skills.sales >=' }] }));
    expect(bad.rejection?.code).toBe('ROUTING.EXPRESSION_SYNTAX');
    expect(bad.rejection?.message).toMatch(/^step 1: /);
    expect(engine.queueConfig('q1')).toBeUndefined();
    const known = routingScenario(new VirtualClock(T0), { knownSkills: new Set(['sales']) });
    expect(known.when(queue('q1', { steps: [{ expression: 'skills.salse >= 1' }] })).rejection?.code).toBe(
      'ROUTING.UNKNOWN_SKILL',
    );
  });

  it('rejects bad queue configurations', () => {
    const { s } = setup(queue('q1'));
    const code = (extra: Partial<QueueConfig>) => s.when(queue('q2', extra)).rejection?.code;
    expect(code({ steps: [] })).toBe('ROUTING.INVALID_QUEUE');
    expect(code({ steps: [{ expression: '*' }, { expression: '*' }] })).toBe('ROUTING.INVALID_QUEUE');
    expect(code({ maxWaitSeconds: -1 })).toBe('ROUTING.INVALID_QUEUE');
    expect(code({ maxWaitAction: { kind: 'queue', queueId: 'nowhere' } })).toBe('ROUTING.INVALID_QUEUE');
    expect(code({ maxWaitAction: { kind: 'queue', queueId: 'q2' } })).toBe('ROUTING.INVALID_QUEUE');
    expect(code({ serviceLevel: { thresholdSeconds: 20, targetPercent: 120 } })).toBe(
      'ROUTING.INVALID_QUEUE',
    );
    expect(code({ strategy: { kind: 'random' } })).toBe('ROUTING.UNKNOWN_STRATEGY');
    expect(code({ strategy: { kind: 'highest-skill' } })).toBe('ROUTING.INVALID_QUEUE');
    expect(code({})).toBeUndefined();
  });
});
