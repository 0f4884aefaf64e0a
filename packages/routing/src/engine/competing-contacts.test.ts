import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import type { RoutingCommand } from '../commands';
import { routingScenario } from '../routing-scenario';
import { competeForAgents, includesRequirement } from './competing-contacts';
import { skillRequirementOf } from './skill-requirement';

const T0 = Date.UTC(2026, 0, 5, 9);
const req = (skills: Record<string, number>) => skillRequirementOf(skills);
const enqueue = (
  contactId: string,
  requiredSkills?: Record<string, number>,
  priority?: number,
): RoutingCommand => ({
  type: 'EnqueueContact',
  contactId,
  queueId: 'q1',
  ...(requiredSkills && { requiredSkills }),
  ...(priority !== undefined && { priority }),
});

/** A queue nobody staffs, so every contact waits and keeps its place. */
function waitingQueue(...contacts: RoutingCommand[]) {
  const clock = new VirtualClock(T0);
  const s = routingScenario(clock).given({
    type: 'ConfigureQueue',
    queue: { queueId: 'q1', steps: [{ expression: 'skills.sales >= 1' }] },
  });
  for (const c of contacts) {
    clock.advance(1_000);
    s.given(c);
  }
  return s.engine;
}

describe('which requirements compete for the same agents', () => {
  it('includes a requirement when every skill of it is there at least at its level', () => {
    expect(includesRequirement(req({ zh: 5, vip: 3 }), req({ zh: 4 }))).toBe(true);
    expect(includesRequirement(req({ zh: 5 }), req({ zh: 5 }))).toBe(true);
    expect(includesRequirement(req({ zh: 5 }), req({ zh: 6 }))).toBe(false);
    expect(includesRequirement(req({ zh: 5 }), req({ zh: 5, vip: 1 }))).toBe(false);
    expect(includesRequirement(req({ a: 1, c: 1 }), req({ b: 1 }))).toBe(false);
    expect(includesRequirement(req({ a: 1 }), req({ z: 1 }))).toBe(false);
    expect(includesRequirement(req({ zh: 1 }), null)).toBe(true);
    expect(includesRequirement(null, req({ zh: 1 }))).toBe(false);
    expect(includesRequirement(null, null)).toBe(true);
  });

  it('counts nested requirements and no requirement as competing, unrelated lines as not', () => {
    expect(competeForAgents(req({ zh: 5 }), null)).toBe(true);
    expect(competeForAgents(req({ zh: 5 }), req({ zh: 5 }))).toBe(true);
    expect(competeForAgents(req({ zh: 5 }), req({ zh: 5, vip: 3 }))).toBe(true);
    expect(competeForAgents(req({ zh: 5, vip: 3 }), req({ zh: 2 }))).toBe(true);
    expect(competeForAgents(req({ zh: 5 }), req({ en: 5 }))).toBe(false);
    expect(competeForAgents(req({ zh: 5 }), req({ zh: 3, vip: 1 }))).toBe(false);
  });
});

describe('place in line among competing contacts', () => {
  it('counts only the unrestricted contacts and its own line ahead of a contact with requirements', () => {
    const engine = waitingQueue(
      enqueue('plain-1'),
      enqueue('en-1', { english: 5 }),
      enqueue('zh-1', { mandarin: 5 }),
      enqueue('en-2', { english: 5 }),
      enqueue('plain-2'),
      enqueue('zh-2', { mandarin: 5 }),
    );
    expect(engine.queuePosition('zh-2')).toBe(6);
    expect(engine.competingQueuePosition('zh-2')).toBe(4); // plain-1, zh-1, plain-2
    expect(engine.competingQueuePosition('en-2')).toBe(3); // plain-1, en-1
    expect(engine.competingQueuePosition('zh-1')).toBe(2); // plain-1
  });

  it('counts stricter and looser lines ahead, and follows priority rather than arrival', () => {
    const engine = waitingQueue(
      enqueue('zh-vip', { mandarin: 5, vip: 3 }),
      enqueue('zh-any', { mandarin: 1 }),
      enqueue('en', { english: 5 }),
      enqueue('zh', { mandarin: 5 }),
      enqueue('zh-urgent', { mandarin: 5 }, 9),
    );
    expect(engine.competingQueuePosition('zh')).toBe(4); // zh-urgent, zh-vip, zh-any
    expect(engine.competingQueuePosition('zh-urgent')).toBe(1);
  });

  it('is the plain place in line for a contact without requirements', () => {
    const engine = waitingQueue(
      enqueue('zh', { mandarin: 5 }),
      enqueue('plain-1'),
      enqueue('en', { english: 5 }),
      enqueue('plain-2'),
    );
    expect(engine.competingQueuePosition('plain-2')).toBe(4);
    expect(engine.competingQueuePosition('plain-2')).toBe(engine.queuePosition('plain-2'));
  });

  it('has no place for a contact that is not waiting', () => {
    const engine = waitingQueue(enqueue('c1', { mandarin: 5 }));
    expect(engine.competingQueuePosition('unknown')).toBeUndefined();
    const clock = new VirtualClock(T0);
    const s = routingScenario(clock).given(
      { type: 'ConfigureQueue', queue: { queueId: 'q1', steps: [{ expression: 'skills.sales >= 1' }] } },
      {
        type: 'LogInAgent',
        agentId: 'a1',
        channels: [{ channel: 'voice', capacity: 1 }],
        skills: { sales: 3, mandarin: 5 },
        queues: ['q1'],
        ready: true,
      },
      enqueue('ringing', { mandarin: 5 }),
    );
    expect(s.engine.contact('ringing')?.status).toBe('offered');
    expect(s.engine.competingQueuePosition('ringing')).toBeUndefined();
  });
});
