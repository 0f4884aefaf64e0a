import fc from 'fast-check';
import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import type { RoutingCommand } from '../commands';
import { RoutingEngine } from '../routing-engine';
import { RoutingStatistics } from '../statistics/routing-statistics';
import { routingScenario } from '../routing-scenario';

const T0 = Date.UTC(2026, 0, 5, 9);
const AGENTS = ['a0', 'a1', 'a2', 'a3', 'a4'];
const CONTACTS = Array.from({ length: 12 }, (_, i) => `c${i}`);
const QUEUES = ['sales', 'vip', 'chat'];

const setup: RoutingCommand[] = [
  { type: 'ConfigureQueue', queue: { queueId: 'overflow', steps: [{ expression: '*' }], maxLength: 3 } },
  {
    type: 'ConfigureQueue',
    queue: {
      queueId: 'sales',
      steps: [{ expression: 'skills.sales >= 7', timeoutSeconds: 10 }, { expression: 'skills.sales >= 1' }],
      strategy: { kind: 'round-robin' },
      maxWaitSeconds: 90,
      maxWaitAction: { kind: 'queue', queueId: 'overflow' },
      maxLength: 5,
      maxLengthAction: { kind: 'callback' },
      wrapUp: { seconds: 5, maxExtensionSeconds: 10, autoReady: false },
      callback: { onAbandon: true, maxAttempts: 2, retrySeconds: 20 },
    },
  },
  {
    type: 'ConfigureQueue',
    queue: {
      queueId: 'vip',
      steps: [
        { expression: 'languages has contact.language and skills.vip >= 1', timeoutSeconds: 15 },
        { expression: '*' },
      ],
      strategy: { kind: 'highest-skill', skill: 'vip' },
      ringTimeoutSeconds: 8,
      wrapUp: { seconds: null },
      weight: 2,
    },
  },
  {
    type: 'ConfigureQueue',
    queue: {
      queueId: 'chat',
      channel: 'chat',
      steps: [{ expression: '*' }],
      strategy: { kind: 'least-occupied' },
    },
  },
];

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const agentId = pick(AGENTS);
const contactId = pick(CONTACTS);

/** Commands, plus `null` for "let time pass"; agent ids for answers come from the live offer. */
type Step = { command: RoutingCommand; useOffer: boolean } | { advance: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ advance: fc.integer({ min: 1, max: 12_000 }) }), weight: 1 },
  {
    weight: 4,
    arbitrary: fc
      .oneof(
        fc.record({
          type: fc.constant('LogInAgent' as const),
          agentId,
          channels: fc.constantFrom(
            [{ channel: 'voice', capacity: 1 }],
            [
              { channel: 'voice', capacity: 1 },
              { channel: 'chat', capacity: 2 },
            ],
          ),
          skills: fc.record(
            { sales: fc.integer({ min: 1, max: 10 }), vip: fc.integer({ min: 1, max: 10 }) },
            { requiredKeys: [] },
          ),
          attributes: fc.record({ languages: fc.constantFrom(['zh'], ['en'], ['zh', 'en']) }),
          queues: fc.subarray(QUEUES),
          ready: fc.boolean(),
        }),
        fc.record({
          type: fc.constantFrom('LogOutAgent' as const, 'SetAgentReady' as const, 'CompleteWrapUp' as const),
          agentId,
        }),
        fc.record({
          type: fc.constant('SetAgentNotReady' as const),
          agentId,
          reason: pick(['break', 'lunch']),
        }),
        fc.record({
          type: fc.constant('ExtendWrapUp' as const),
          agentId,
          seconds: fc.integer({ min: 1, max: 8 }),
        }),
        fc.record({
          type: fc.constant('ChangeAgentProfile' as const),
          agentId,
          skills: fc.record(
            { sales: fc.integer({ min: 1, max: 10 }), vip: fc.integer({ min: 1, max: 10 }) },
            { requiredKeys: ['sales'] },
          ),
          queues: fc.subarray(QUEUES),
        }),
        fc.record(
          {
            type: fc.constant('EnqueueContact' as const),
            contactId,
            queueId: pick(QUEUES),
            priority: fc.integer({ min: 0, max: 3 }),
            attributes: fc.record({ language: pick(['zh', 'en']) }),
            callbackNumber: pick(['1380000', '1390000']),
            // Mostly valid levels; 0 and 11 check that a rejected requirement changes nothing.
            requiredSkills: fc.record(
              { sales: fc.integer({ min: 0, max: 11 }), vip: fc.integer({ min: 1, max: 10 }) },
              { requiredKeys: [] },
            ),
          },
          { requiredKeys: ['type', 'contactId', 'queueId', 'priority', 'attributes', 'callbackNumber'] },
        ),
        fc.record({
          type: fc.constantFrom(
            'AbandonContact' as const,
            'HoldContact' as const,
            'RetrieveContact' as const,
            'EndContact' as const,
            'RequestCallback' as const,
            'ReportCallbackFailed' as const,
          ),
          contactId,
        }),
        fc.record({
          type: fc.constant('ChangeContactPriority' as const),
          contactId,
          priority: fc.integer({ min: -2, max: 5 }),
        }),
        fc.record({ type: fc.constant('SetQueueOpen' as const), queueId: pick(QUEUES), open: fc.boolean() }),
        fc.record({
          type: fc.constantFrom('AnswerContact' as const, 'RejectOffer' as const),
          contactId,
          agentId,
        }),
        fc.record({ type: fc.constant('AnswerContact' as const), contactId, agentId }),
        fc.record({ type: fc.constantFrom('EndContact' as const, 'HoldContact' as const), contactId }),
      )
      .chain((command) =>
        fc.record({ command: fc.constant(command as RoutingCommand), useOffer: fc.boolean() }),
      ),
  },
);

/**
 * Random contact ids rarely hit a contact in the right state; half the time, aim a contact command
 * at a contact that can take it (ringing for answers, connected for hold and end), agent included.
 */
function aimAtLiveContact(engine: RoutingEngine, command: RoutingCommand): RoutingCommand {
  if (!('contactId' in command) || command.type === 'EnqueueContact') return command;
  const wanted = ['AnswerContact', 'RejectOffer', 'ReportCallbackFailed'].includes(command.type)
    ? ['offered']
    : ['connected', 'held'];
  const live = [...engine.state.contacts.values()].filter((c) => wanted.includes(c.status));
  const target = live[Number((command.contactId ?? 'c0').slice(1)) % Math.max(1, live.length)];
  if (target === undefined) return command;
  return 'agentId' in command
    ? { ...command, contactId: target.id, agentId: target.agentId ?? '' }
    : { ...command, contactId: target.id };
}

/** Everything observable about the engine's state and indexes, as a comparable value. */
function fingerprint(engine: RoutingEngine, withTimers: boolean): unknown {
  const st = engine.state;
  const agents = [...st.agents.values()].map((a) => ({
    state: a.state,
    memberships: a.memberships.map((m) => ({
      q: m.queue.id,
      eligible: m.eligible,
      entries: m.entries.map((e) => e && [e.k1, e.k2]),
      lastOffer: m.lastOffer,
    })),
    channels: [...a.channels].map(([c, r]) => [c, r.available, r.idleSince, r.handledToday]),
  }));
  const contacts = [...st.contacts.values()].map((c) => [
    engine.contact(c.id),
    c.indexedAt,
    c.offerCount,
    c.attempts,
    [...(c.declinedBy ?? [])],
  ]);
  const queues = [...st.queues.values()].map((q) => ({
    id: q.id,
    open: q.open,
    live: q.liveCount,
    waiting: q.waiting.map((w) => [...w].map((c) => c.id)),
    gated: q.gated.map((lines) => lines.map((l) => [l.requirement.key, [...l.contacts].map((c) => c.id)])),
    gatedCount: q.gatedCount,
    ready: q.ready.map((r) => [...r].map((e) => e.membership.agent.id)),
  }));
  return { agents, contacts, queues, ...(withTimers && { timers: st.timers.size }) };
}

describe('routing invariants under random command sequences', () => {
  it('hold after every command and tick; rejections change nothing; replay rebuilds the same state', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 150, size: 'max' }), (steps) => {
        const clock = new VirtualClock(T0);
        const s = routingScenario(clock).given(...setup);
        const stats = new RoutingStatistics();
        for (const st of steps) {
          if ('advance' in st) s.advance(st.advance);
          else {
            const command = st.useOffer ? aimAtLiveContact(s.engine, st.command) : st.command;
            const before = fingerprint(s.engine, true);
            const out = s.when(command);
            if (out.rejection) {
              expect(out.rejection.code).toMatch(/^ROUTING\./);
              expect(fingerprint(s.engine, true)).toEqual(before);
            }
          }
          expect(s.engine.checkInvariants()).toEqual([]);
        }
        for (const e of s.log) stats.apply(e);
        for (const q of QUEUES) {
          const figures = stats.queue(q, clock.now());
          expect(figures?.waiting).toBeGreaterThanOrEqual(0);
          for (const n of Object.values(figures?.agents ?? {})) expect(n).toBeGreaterThanOrEqual(0);
        }
        const replayed = new RoutingEngine({ clock });
        replayed.replay(s.log);
        expect(fingerprint(replayed, false)).toEqual(fingerprint(s.engine, false));
        expect(replayed.checkInvariants()).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('invariant checker and repair', () => {
  function busyCenter() {
    const clock = new VirtualClock(T0);
    const s = routingScenario(clock).given(
      ...setup,
      {
        type: 'LogInAgent',
        agentId: 'a1',
        channels: [{ channel: 'voice', capacity: 1 }],
        skills: { sales: 8 },
        queues: ['sales'],
        ready: true,
      },
      {
        type: 'LogInAgent',
        agentId: 'a2',
        channels: [{ channel: 'voice', capacity: 1 }],
        skills: { sales: 8 },
        queues: ['sales'],
      },
      { type: 'EnqueueContact', contactId: 'c1', queueId: 'sales' },
      { type: 'EnqueueContact', contactId: 'c2', queueId: 'sales' },
    );
    return { clock, s, engine: s.engine };
  }

  it('finds an agent stuck reserved with no live offer and repairs it', () => {
    const { engine } = busyCenter();
    const c1 = engine.state.contacts.get('c1');
    if (c1) {
      c1.status = 'waiting';
      c1.agentId = null;
    }
    expect(engine.checkInvariants().map((v) => v.kind)).toContain('reservation-without-offer');
    const repaired = engine.repair();
    expect(repaired.events.map((e) => e.type)).toEqual(['ContactOfferRescinded', 'ContactOffered']);
    expect(repaired.events[0]).toMatchObject({ data: { reason: 'repair' } });
    expect(engine.checkInvariants()).toEqual([]);
  });

  it('finds a waiting contact missing from every queue index and a missed match, and repairs both', () => {
    const { engine, s } = busyCenter();
    const c2 = engine.state.contacts.get('c2');
    if (c2) engine.state.unindexContact(c2);
    expect(engine.checkInvariants().map((v) => v.kind)).toEqual(['contact-not-indexed']);
    s.given({ type: 'SetAgentReady', agentId: 'a2' });
    expect(engine.checkInvariants().map((v) => v.kind)).toEqual([
      'contact-not-indexed',
      'ready-agent-with-eligible-contact',
    ]);
    const repaired = engine.repair();
    expect(repaired.events.map((e) => e.type)).toEqual(['ContactOffered']);
    expect(engine.checkInvariants()).toEqual([]);
  });

  it('bounds the naive eligibility scan when asked', () => {
    const { engine } = busyCenter();
    expect(engine.checkInvariants({ maxEvaluations: 0 })).toEqual([]);
  });
});
