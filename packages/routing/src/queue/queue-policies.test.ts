import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import type { RoutingCommand } from '../commands';
import { routingScenario } from '../routing-scenario';
import type { QueueConfig } from './queue-config';

const T0 = Date.UTC(2026, 0, 5, 9);
const queue = (queueId: string, extra: Partial<QueueConfig> = {}): RoutingCommand => ({
  type: 'ConfigureQueue',
  queue: { queueId, steps: [{ expression: '*' }], ...extra },
});
const agent = (agentId: string, queues = ['q1'], ready = true): RoutingCommand => ({
  type: 'LogInAgent',
  agentId,
  channels: [{ channel: 'voice', capacity: 1 }],
  skills: {},
  queues,
  ready,
});
const enqueue = (contactId: string, extra: object = {}): RoutingCommand => ({
  type: 'EnqueueContact',
  contactId,
  queueId: 'q1',
  ...extra,
});
const types = (events: readonly { type: string }[]) => events.map((e) => e.type);
const setup = (...commands: RoutingCommand[]) => routingScenario(new VirtualClock(T0)).given(...commands);

describe('queue policies: overflow', () => {
  it('sends a contact that waited the maximum to voicemail', () => {
    const s = setup(queue('q1', { maxWaitSeconds: 60, maxWaitAction: { kind: 'voicemail' } }), enqueue('c1'));
    const out = s.advance(60_000);
    expect(out.events).toEqual([
      {
        type: 'ContactOverflowed',
        data: {
          contactId: 'c1',
          queueId: 'q1',
          reason: 'max-wait',
          action: { kind: 'voicemail' },
          at: T0 + 60_000,
        },
      },
    ]);
    expect(out.effects).toEqual([{ type: 'SendToVoicemail', contactId: 'c1', queueId: 'q1' }]);
    expect(s.engine.contact('c1')).toBeUndefined();
  });

  it('turns away a contact when the queue is full, hanging up with a prompt', () => {
    const s = setup(
      queue('q1', { maxLength: 1, maxLengthAction: { kind: 'hang-up', prompt: 'busy' } }),
      enqueue('c1'),
    );
    const out = s.when(enqueue('c2'));
    expect(types(out.events)).toEqual(['ContactQueued', 'ContactOverflowed']);
    expect(out.effects).toEqual([{ type: 'HangUp', contactId: 'c2', prompt: 'busy' }]);
    expect(s.engine.waitingContacts('q1').map((c) => c.contactId)).toEqual(['c1']);
  });

  it('overflows into another queue keeping the original arrival time', () => {
    const s = setup(
      queue('q2'),
      queue('q1', { maxWaitSeconds: 30, maxWaitAction: { kind: 'queue', queueId: 'q2' } }),
    );
    s.given({ type: 'EnqueueContact', contactId: 'later', queueId: 'q2' });
    s.given(enqueue('c1', { arrivedAt: T0 - 120_000 }));
    const out = s.advance(30_000);
    expect(types(out.events)).toEqual(['ContactOverflowed', 'ContactQueued']);
    expect(s.engine.contact('c1')).toMatchObject({ queueId: 'q2', arrivedAt: T0 - 120_000 });
    expect(s.engine.waitingContacts('q2').map((c) => c.contactId)).toEqual(['c1', 'later']);
  });

  it('applies the closed action while the business-hours input says closed', () => {
    const s = setup(queue('q1', { closedAction: { kind: 'voicemail' } }));
    s.given({ type: 'SetQueueOpen', queueId: 'q1', open: false });
    expect(s.when({ type: 'SetQueueOpen', queueId: 'q1', open: false }).events).toEqual([]);
    const closed = s.when(enqueue('c1'));
    expect(closed.events[0]).toMatchObject({ type: 'ContactOverflowed', data: { reason: 'closed' } });
    expect(closed.effects).toEqual([{ type: 'SendToVoicemail', contactId: 'c1', queueId: 'q1' }]);
    s.given({ type: 'SetQueueOpen', queueId: 'q1', open: true });
    expect(types(s.when(enqueue('c2')).events)).toEqual(['ContactQueued']);
    expect(s.when({ type: 'SetQueueOpen', queueId: 'nope', open: true }).rejection?.code).toBe(
      'ROUTING.UNKNOWN_QUEUE',
    );
  });

  it('lets a ringing contact ring on past its maximum wait, then overflows it if unanswered', () => {
    const s = setup(queue('q1', { maxWaitSeconds: 30, ringTimeoutSeconds: 20 }), enqueue('c1'));
    s.advance(25_000);
    s.given(agent('a1'));
    expect(s.advance(10_000).events).toEqual([]);
    const out = s.advance(10_000);
    expect(types(out.events)).toEqual(['ContactOfferTimedOut', 'AgentBecameNotReady', 'ContactOverflowed']);
  });

  it('ends an overflow loop between closed queues with a hang-up', () => {
    const s = setup(queue('q2'), queue('q1', { closedAction: { kind: 'queue', queueId: 'q2' } }));
    s.given({
      type: 'ConfigureQueue',
      queue: { queueId: 'q2', steps: [{ expression: '*' }], closedAction: { kind: 'queue', queueId: 'q1' } },
    });
    s.given(
      { type: 'SetQueueOpen', queueId: 'q1', open: false },
      { type: 'SetQueueOpen', queueId: 'q2', open: false },
    );
    const out = s.when(enqueue('c1'));
    expect(out.events.at(-1)).toMatchObject({
      type: 'ContactOverflowed',
      data: { action: { kind: 'hang-up', prompt: 'overflow-loop' } },
    });
    expect(out.events.length).toBeLessThan(12);
  });
});

describe('queue policies: callbacks and virtual hold', () => {
  it('a caller who asks for a callback keeps their place; the agent is reserved and the server dials', () => {
    const s = setup(queue('q1'), enqueue('c1', { callbackNumber: '13800138000' }), enqueue('c2'));
    const out = s.when({ type: 'RequestCallback', contactId: 'c1' });
    expect(types(out.events)).toEqual(['ContactCallbackRequested']);
    expect(out.effects).toEqual([{ type: 'HangUp', contactId: 'c1', prompt: 'callback-confirmed' }]);
    const offered = s.when(agent('a1'));
    expect(offered.events[2]).toMatchObject({
      type: 'ContactOffered',
      data: { contactId: 'c1', kind: 'callback' },
    });
    expect(offered.effects).toEqual([
      {
        type: 'PlaceCallback',
        contactId: 'c1',
        agentId: 'a1',
        callbackNumber: '13800138000',
        until: T0 + 60_000,
      },
    ]);
    expect(s.when({ type: 'RequestCallback', contactId: 'c1' }).rejection?.code).toBe(
      'ROUTING.ALREADY_A_CALLBACK',
    );
    expect(s.when({ type: 'RequestCallback', contactId: 'c2' }).rejection?.code).toBe(
      'ROUTING.INVALID_CONTACT',
    );
  });

  it('retries a failed callback after the retry delay in its original place, then gives up', () => {
    const s = setup(
      queue('q1', { callback: { maxAttempts: 2, retrySeconds: 300 } }),
      enqueue('c1', { callbackNumber: '1' }),
    );
    s.given({ type: 'RequestCallback', contactId: 'c1' }, agent('a1'));
    const failed = s.when({ type: 'ReportCallbackFailed', contactId: 'c1' });
    expect(failed.events[0]).toMatchObject({
      type: 'ContactCallbackFailed',
      data: { attempt: 1, retryAt: T0 + 300_000 },
    });
    expect(s.engine.agentStatus('a1')).toBe('ready');
    expect(s.engine.contact('c1')?.status).toBe('retry-pending');
    const retried = s.advance(300_000);
    expect(types(retried.events)).toEqual(['ContactCallbackRetried', 'ContactOffered']);
    const last = s.when({ type: 'ReportCallbackFailed', contactId: 'c1' });
    expect(last.events[0]).toMatchObject({ data: { attempt: 2, retryAt: null } });
    expect(s.engine.contact('c1')).toBeUndefined();
  });

  it('treats an expired dial as a failed attempt, not as RONA', () => {
    const s = setup(
      queue('q1', { callback: { dialTimeoutSeconds: 45 } }),
      enqueue('c1', { callbackNumber: '1' }),
    );
    s.given({ type: 'RequestCallback', contactId: 'c1' }, agent('a1'));
    expect(types(s.advance(45_000).events)).toEqual(['ContactCallbackFailed']);
    expect(s.engine.agentStatus('a1')).toBe('ready');
  });

  it('turns an abandoned caller into a callback in their original place when the queue says so', () => {
    const s = setup(
      queue('q1', { callback: { onAbandon: true, minWaitSeconds: 10 } }),
      enqueue('first', { callbackNumber: '1' }),
    );
    s.advance(1_000);
    s.given(enqueue('second'));
    s.advance(20_000);
    const out = s.when({ type: 'AbandonContact', contactId: 'first' });
    expect(types(out.events)).toEqual(['ContactAbandoned', 'ContactQueued']);
    expect(out.events[1]).toMatchObject({
      data: { contactId: 'first:callback', kind: 'callback', originContactId: 'first', arrivedAt: T0 },
    });
    expect(s.engine.waitingContacts('q1').map((c) => c.contactId)).toEqual(['first:callback', 'second']);
  });

  it('does not call back short abandons or callers without a number', () => {
    const s = setup(
      queue('q1', { callback: { onAbandon: true, minWaitSeconds: 10 } }),
      enqueue('quick', { callbackNumber: '1' }),
      enqueue('anon'),
    );
    s.advance(5_000);
    expect(types(s.when({ type: 'AbandonContact', contactId: 'quick' }).events)).toEqual([
      'ContactAbandoned',
    ]);
    s.advance(10_000);
    expect(types(s.when({ type: 'AbandonContact', contactId: 'anon' }).events)).toEqual(['ContactAbandoned']);
  });

  it('turns a contact that waited too long into a callback that keeps its place', () => {
    const s = setup(
      queue('q1', { maxWaitSeconds: 60, maxWaitAction: { kind: 'callback', prompt: 'we-call-you' } }),
      enqueue('c1', { callbackNumber: '1' }),
      enqueue('c2'),
    );
    const out = s.advance(60_000);
    expect(types(out.events)).toEqual(['ContactOverflowed', 'ContactQueued', 'ContactOverflowed']);
    expect(out.effects).toEqual([
      { type: 'HangUp', contactId: 'c1', prompt: 'we-call-you' },
      { type: 'HangUp', contactId: 'c2', prompt: 'we-call-you' },
    ]);
    expect(out.events[2]).toMatchObject({ data: { contactId: 'c2', action: { kind: 'hang-up' } } });
    expect(s.engine.waitingContacts('q1').map((c) => [c.contactId, c.kind])).toEqual([['c1', 'callback']]);
  });
});

describe('queue policies: commands refused', () => {
  it('refuses contact commands in the wrong state with stable codes', () => {
    const s = setup(queue('q1'), enqueue('c1'), agent('a1', ['q1'], false));
    const code = (c: RoutingCommand) => s.when(c).rejection?.code;
    expect(code(enqueue('c1'))).toBe('ROUTING.CONTACT_ALREADY_EXISTS');
    expect(code({ type: 'EnqueueContact', contactId: 'x', queueId: 'nope' })).toBe('ROUTING.UNKNOWN_QUEUE');
    expect(code(enqueue('x', { priority: 1.5 }))).toBe('ROUTING.INVALID_CONTACT');
    expect(code(enqueue('x', { arrivedAt: T0 + 1 }))).toBe('ROUTING.INVALID_CONTACT');
    expect(code({ type: 'AnswerContact', contactId: 'c1', agentId: 'a1' })).toBe(
      'ROUTING.CONTACT_NOT_OFFERED',
    );
    expect(code({ type: 'EndContact', contactId: 'c1' })).toBe('ROUTING.CONTACT_NOT_CONNECTED');
    expect(code({ type: 'RetrieveContact', contactId: 'c1' })).toBe('ROUTING.CONTACT_NOT_HELD');
    expect(code({ type: 'ReportCallbackFailed', contactId: 'c1' })).toBe('ROUTING.NOT_A_CALLBACK');
    expect(code({ type: 'AbandonContact', contactId: 'zz' })).toBe('ROUTING.UNKNOWN_CONTACT');
    expect(code(agent('a2', ['nope']))).toBe('ROUTING.UNKNOWN_QUEUE');
    s.given(agent('a2'));
    expect(code({ type: 'AnswerContact', contactId: 'c1', agentId: 'a1' })).toBe(
      'ROUTING.OFFERED_TO_ANOTHER_AGENT',
    );
  });
});
