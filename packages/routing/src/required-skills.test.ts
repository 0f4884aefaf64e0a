import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import type { RoutingCommand } from './commands';
import type { RoutingEvent } from './events';
import type { QueueConfig } from './queue/queue-config';
import { RoutingEngine } from './routing-engine';
import { routingScenario } from './routing-scenario';

const T0 = Date.UTC(2026, 0, 5, 9);
const queue = (queueId: string, extra: Partial<QueueConfig> = {}): RoutingCommand => ({
  type: 'ConfigureQueue',
  queue: { queueId, steps: [{ expression: 'skills.sales >= 1' }], ...extra },
});
const agent = (
  agentId: string,
  skills: Record<string, number>,
  extra: { queues?: string[]; ready?: boolean } = {},
): RoutingCommand => ({
  type: 'LogInAgent',
  agentId,
  channels: [{ channel: 'voice', capacity: 1 }],
  skills,
  queues: extra.queues ?? ['q1'],
  ready: extra.ready ?? true,
});
const enqueue = (contactId: string, extra: object = {}): RoutingCommand => ({
  type: 'EnqueueContact',
  contactId,
  queueId: 'q1',
  ...extra,
});
const vip = (contactId: string, extra: object = {}) =>
  enqueue(contactId, { requiredSkills: { vip_service: 3 }, ...extra });
const offersOf = (events: readonly RoutingEvent[]) =>
  events.flatMap((e) => (e.type === 'ContactOffered' ? [[e.data.contactId, e.data.agentId]] : []));
const queuedOf = (events: readonly RoutingEvent[]) =>
  events.flatMap((e) => (e.type === 'ContactQueued' ? [e.data] : []));

function setup(...commands: RoutingCommand[]) {
  const clock = new VirtualClock(T0);
  const s = routingScenario(clock).given(...commands);
  return { clock, s, engine: s.engine };
}

describe('contact skill requirements: matching', () => {
  it('skips the unqualified agent first in line and offers to the qualified one', () => {
    const { s, clock, engine } = setup(queue('q1'), agent('novice', { sales: 9, vip_service: 2 }));
    clock.advance(5_000);
    s.given(agent('expert', { sales: 2, vip_service: 3 }));
    const out = s.when(vip('c1'));
    expect(offersOf(out.events)).toEqual([['c1', 'expert']]);
    expect(engine.agentStatus('novice')).toBe('ready');
    // Without a requirement the longest-idle agent is still the one chosen.
    expect(offersOf(s.when(enqueue('c2')).events)).toEqual([['c2', 'novice']]);
    expect(engine.checkInvariants()).toEqual([]);
  });

  it('requires every listed skill on top of the queue step expression', () => {
    const { s } = setup(
      queue('q1'),
      agent('no-sales', { vip_service: 9, english: 9 }),
      agent('no-english', { sales: 5, vip_service: 9 }),
      agent('low-english', { sales: 5, vip_service: 9, english: 1 }),
    );
    const out = s.when(enqueue('c1', { requiredSkills: { english: 2, vip_service: 3 } }));
    expect(offersOf(out.events)).toEqual([]);
    expect(offersOf(s.when(agent('both', { sales: 1, vip_service: 3, english: 2 })).events)).toEqual([
      ['c1', 'both'],
    ]);
  });

  it('waits when no ready agent qualifies, without holding up the contacts behind it', () => {
    const { s, engine } = setup(queue('q1'), vip('c1', { priority: 5 }), enqueue('c2'));
    expect(engine.contact('c1')?.status).toBe('waiting');
    expect(engine.queuePosition('c1')).toBe(1);
    // An unqualified agent takes the next contact it may serve, not the one at the head.
    expect(offersOf(s.when(agent('novice', { sales: 5 })).events)).toEqual([['c2', 'novice']]);
    expect(engine.contact('c1')?.status).toBe('waiting');
    expect(engine.checkInvariants()).toEqual([]);
    // A qualified agent becoming ready takes it at once.
    s.given(agent('expert', { sales: 5, vip_service: 4 }, { ready: false }));
    expect(offersOf(s.when({ type: 'SetAgentReady', agentId: 'expert' }).events)).toEqual([['c1', 'expert']]);
  });

  it('offers the waiting contact when an agent gains the skill, and not after the holder logs out', () => {
    const { s, engine } = setup(queue('q1'), agent('a1', { sales: 5 }), agent('a2', { sales: 5 }));
    s.given({ type: 'SetAgentNotReady', agentId: 'a2', reason: 'break' });
    s.given(agent('holder', { sales: 1, vip_service: 5 }, { ready: false }));
    s.given({ type: 'LogOutAgent', agentId: 'holder' });
    expect(offersOf(s.when(vip('c1')).events)).toEqual([]);
    const gained = s.when({
      type: 'ChangeAgentProfile',
      agentId: 'a1',
      skills: { sales: 5, vip_service: 3 },
    });
    expect(offersOf(gained.events)).toEqual([['c1', 'a1']]);
    expect(engine.checkInvariants()).toEqual([]);
  });

  it('a qualified agent takes the better of the contacts with and without requirements', () => {
    const { s, clock } = setup(queue('q1'));
    s.given(
      enqueue('plain-early', { arrivedAt: T0 - 60_000 }),
      vip('vip-late'),
      vip('vip-high', { priority: 2 }),
    );
    clock.advance(1_000);
    const order = ['e1', 'e2', 'e3'].map(
      (a) => offersOf(s.when(agent(a, { sales: 1, vip_service: 3 })).events)[0]?.[0],
    );
    expect(order).toEqual(['vip-high', 'plain-early', 'vip-late']);
  });

  it('contacts with different requirements wait in their own lines and reach their own agents', () => {
    const { s, engine } = setup(queue('q1'));
    s.given(vip('v1'), enqueue('e1', { requiredSkills: { english: 2 } }), vip('v2'));
    expect(engine.waitingContacts('q1').map((c) => c.contactId)).toEqual(['v1', 'e1', 'v2']);
    expect(offersOf(s.when(agent('en', { sales: 1, english: 5 })).events)).toEqual([['e1', 'en']]);
    expect(offersOf(s.when(agent('vip', { sales: 1, vip_service: 5 })).events)).toEqual([['v1', 'vip']]);
    expect(engine.state.queues.get('q1')?.gated[0]?.map((l) => l.requirement.skills)).toEqual([
      { vip_service: 3 },
    ]);
    expect(engine.checkInvariants()).toEqual([]);
  });

  it('a rejected offer goes to another qualified agent, never to an unqualified one', () => {
    const { s, clock } = setup(queue('q1'), agent('x1', { sales: 1, vip_service: 3 }));
    clock.advance(1_000);
    s.given(
      agent('novice', { sales: 9 }),
      agent('x2', { sales: 1, vip_service: 3 }, { ready: false }),
      vip('c1'),
    );
    const out = s.when({ type: 'RejectOffer', contactId: 'c1', agentId: 'x1' });
    expect(offersOf(out.events)).toEqual([]);
    expect(offersOf(s.when({ type: 'SetAgentReady', agentId: 'x2' }).events)).toEqual([['c1', 'x2']]);
  });
});

describe('contact skill requirements: the contact keeps them', () => {
  it('through routing steps: a widened step still requires the skills', () => {
    const stepped = queue('q1', {
      steps: [{ expression: 'skills.sales >= 8', timeoutSeconds: 20 }, { expression: '*' }],
    });
    const { s } = setup(stepped, agent('junior', { sales: 2 }), vip('c1'));
    const out = s.advance(20_000);
    expect(out.events.map((e) => e.type)).toEqual(['ContactRoutingStepAdvanced']);
    expect(s.engine.contact('c1')).toMatchObject({ step: 1, requiredSkills: { vip_service: 3 } });
    expect(offersOf(s.when(agent('vip', { vip_service: 3 })).events)).toEqual([['c1', 'vip']]);
  });

  it('through overflow into another queue, keeping the original arrival', () => {
    const { s } = setup(
      queue('spill', { steps: [{ expression: '*' }] }),
      queue('q1', { maxWaitSeconds: 60, maxWaitAction: { kind: 'queue', queueId: 'spill' } }),
      agent('novice', { sales: 5 }, { queues: ['spill'] }),
      vip('c1'),
    );
    const out = s.advance(60_000);
    expect(out.events.map((e) => e.type)).toEqual(['ContactOverflowed', 'ContactQueued']);
    expect(queuedOf(out.events)[0]).toMatchObject({
      queueId: 'spill',
      arrivedAt: T0,
      requiredSkills: { vip_service: 3 },
    });
    expect(s.engine.contact('c1')?.status).toBe('waiting');
    expect(offersOf(s.when(agent('vip', { vip_service: 3 }, { queues: ['spill'] })).events)).toEqual([
      ['c1', 'vip'],
    ]);
  });

  it('into the automatic callback of a caller who hung up', () => {
    const { s, clock } = setup(queue('q1', { callback: { onAbandon: true, minWaitSeconds: 0 } }));
    s.given(vip('c1', { callbackNumber: '13800138000' }), agent('novice', { sales: 5 }));
    clock.advance(10_000);
    const out = s.when({ type: 'AbandonContact', contactId: 'c1' });
    expect(queuedOf(out.events)).toEqual([
      expect.objectContaining({
        contactId: 'c1:callback',
        kind: 'callback',
        requiredSkills: { vip_service: 3 },
      }),
    ]);
    expect(offersOf(out.events)).toEqual([]);
  });
});

describe('contact skill requirements: indexes', () => {
  it('survive a queue reconfiguration: the contact stays in its line and still needs the skill', () => {
    const { s, engine } = setup(queue('q1'), agent('novice', { sales: 5 }), vip('c1'));
    s.given(queue('q1', { steps: [{ expression: '*' }] }));
    expect(engine.contact('c1')?.status).toBe('waiting');
    expect(engine.state.queues.get('q1')?.gatedCount).toBe(1);
    expect(engine.checkInvariants()).toEqual([]);
    expect(offersOf(s.when(agent('vip', { vip_service: 3 })).events)).toEqual([['c1', 'vip']]);
  });

  it('the self-check finds a contact missing from its line, and repair offers it to a qualified agent', () => {
    const { engine } = setup(queue('q1'), vip('c1'), agent('vip', { sales: 1, vip_service: 3 }));
    const c1 = engine.state.contacts.get('c1');
    expect(c1?.status).toBe('offered');
    if (c1) {
      engine.state.contacts.delete('c1');
      engine.state.contacts.set('c1', { ...c1, status: 'waiting', agentId: null, indexedAt: -1 });
    }
    expect(engine.checkInvariants().map((v) => v.kind)).toEqual(
      expect.arrayContaining(['reservation-without-offer', 'contact-not-indexed']),
    );
    const repaired = engine.repair();
    expect(offersOf(repaired.events)).toEqual([['c1', 'vip']]);
    expect(engine.checkInvariants()).toEqual([]);
  });
});

describe('contact skill requirements: events and replay', () => {
  it('ContactQueued carries the requirement with sorted codes, and nothing when there is none', () => {
    const { s } = setup(queue('q1'));
    const [withSkills] = queuedOf(
      s.when(enqueue('c1', { requiredSkills: { vip_service: 3, english: 2 } })).events,
    );
    expect(Object.entries(withSkills?.requiredSkills ?? {})).toEqual([
      ['english', 2],
      ['vip_service', 3],
    ]);
    for (const none of [undefined, {}]) {
      const [plain] = queuedOf(s.when(enqueue(`plain-${String(none)}`, { requiredSkills: none })).events);
      expect(plain).toBeDefined();
      expect(plain && 'requiredSkills' in plain).toBe(false);
    }
    expect(s.engine.contact('c1')?.requiredSkills).toEqual({ english: 2, vip_service: 3 });
    expect(s.engine.contact('plain-undefined')?.requiredSkills).toBeNull();
  });

  it('does not share the caller-owned requirement object', () => {
    const asked: Record<string, number> = { vip_service: 3 };
    const { s, engine } = setup(queue('q1'), enqueue('c1', { requiredSkills: asked }));
    asked['vip_service'] = 1;
    expect(offersOf(s.when(agent('low', { sales: 1, vip_service: 1 })).events)).toEqual([]);
    expect(engine.contact('c1')?.requiredSkills).toEqual({ vip_service: 3 });
  });

  it('replaying the log rebuilds the same contacts and lines, and decides the same afterwards', () => {
    const { s, clock } = setup(
      queue('q1'),
      agent('novice', { sales: 5 }),
      vip('c1'),
      enqueue('c2'),
      enqueue('c3', { requiredSkills: { english: 2 } }),
      vip('c4', { priority: 1 }),
    );
    const replayed = new RoutingEngine({ clock });
    replayed.replay(s.log);
    const view = (engine: RoutingEngine) => ({
      waiting: engine.waitingContacts('q1'),
      lines: engine.state.queues
        .get('q1')
        ?.gated[0]?.map((l) => [l.requirement.key, [...l.contacts].map((c) => c.id)]),
      gatedCount: engine.state.queues.get('q1')?.gatedCount,
    });
    expect(view(replayed)).toEqual(view(s.engine));
    expect(replayed.contact('c4')?.requiredSkills).toEqual({ vip_service: 3 });
    expect(replayed.checkInvariants()).toEqual([]);
    const expert = agent('expert', { sales: 1, vip_service: 3 });
    const live = s.engine.execute(expert);
    const again = replayed.execute(expert);
    expect(live.ok && offersOf(live.value.events)).toEqual([['c4', 'expert']]);
    expect(again.ok && again.value.events).toEqual(live.ok && live.value.events);
  });
});

describe('contact skill requirements: validation', () => {
  it.each([
    ['an empty code', { '': 3 }],
    ['a blank code', { '  ': 3 }],
    ['level 0', { vip_service: 0 }],
    ['level 11', { vip_service: 11 }],
    ['a fractional level', { vip_service: 2.5 }],
    ['a level that is not a number', { vip_service: '3' }],
    ['NaN', { vip_service: Number.NaN }],
    ['a list', [3]],
    ['null', null],
    ['too many skills', Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`s${i}`, 1]))],
  ])('rejects %s with ROUTING.INVALID_CONTACT, changing nothing', (_what, requiredSkills) => {
    const { s, engine } = setup(queue('q1'), agent('a1', { sales: 1, vip_service: 3 }));
    const before = s.log.length;
    const out = s.when(enqueue('c1', { requiredSkills }));
    expect(out.rejection?.code).toBe('ROUTING.INVALID_CONTACT');
    expect(out.rejection?.message).toMatch(/required/);
    expect(engine.contact('c1')).toBeUndefined();
    expect(s.log.length).toBe(before);
  });

  it('accepts levels 1 and 10, and rejects skills outside knownSkills when the engine has them', () => {
    const { s } = setup(queue('q1'));
    expect(s.when(enqueue('c1', { requiredSkills: { a: 1, b: 10 } })).rejection).toBeUndefined();
    const known = routingScenario(new VirtualClock(T0), { knownSkills: new Set(['sales', 'vip_service']) });
    known.given(queue('q1'));
    expect(known.when(enqueue('c1', { requiredSkills: { vip_servise: 3 } })).rejection).toMatchObject({
      code: 'ROUTING.UNKNOWN_SKILL',
      details: { code: 'vip_servise' },
    });
    expect(known.when(vip('c2')).rejection).toBeUndefined();
  });
});

describe('contact skill requirements: expected wait', () => {
  it('counts only the staffed members who meet the requirement', () => {
    const { s, engine } = setup(
      queue('q1'),
      agent('busy-vip', { sales: 1, vip_service: 5 }),
      agent('away-vip', { sales: 1, vip_service: 5 }, { ready: false }),
      enqueue('first'),
      agent('novice', { sales: 5 }),
      vip('c1'),
      enqueue('c2'),
    );
    s.given({ type: 'AnswerContact', contactId: 'first', agentId: 'busy-vip' });
    expect(engine.staffedAgentsFor('c1')).toBe(1);
    expect(engine.staffedAgentsFor('c2')).toBe(2);
    expect(engine.staffedAgentsFor('nobody')).toBeUndefined();
  });
});
