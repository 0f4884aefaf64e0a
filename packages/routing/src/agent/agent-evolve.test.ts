import { describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../events';
import { evolveAgent } from './agent-evolve';
import { LOGGED_OUT_AGENT, type AgentState } from './agent-state';

const at = 1_000;
const voice = { agentId: 'a1', channel: 'voice', at };
const contact = { contactId: 'c1', queueId: 'q1', agentId: 'a1', at };
const lifecycle: RoutingEvent[] = [
  {
    type: 'AgentLoggedIn',
    data: {
      ...voice,
      channels: [
        { channel: 'voice', capacity: 1 },
        { channel: 'chat', capacity: 2 },
      ],
      skills: { sales: 5 },
      attributes: { languages: ['zh'] },
      queues: ['q1'],
    },
  },
  { type: 'AgentBecameReady', data: voice },
  {
    type: 'ContactOffered',
    data: { ...contact, channel: 'voice', kind: 'inbound', expiresAt: at + 20_000 },
  },
  { type: 'ContactAnswered', data: { ...contact, kind: 'inbound' } },
  { type: 'ContactHeld', data: contact },
  { type: 'ContactRetrieved', data: contact },
  {
    type: 'ContactEnded',
    data: { ...contact, wrapUpUntil: at + 30_000, autoReady: false, maxExtensionMs: 60_000 },
  },
  { type: 'AgentWrapUpExtended', data: { ...contact, until: at + 45_000 } },
  { type: 'AgentBecameNotReady', data: { ...voice, reason: 'break' } },
  { type: 'AgentWrapUpEnded', data: contact },
];

describe('evolveAgent', () => {
  it('never changes a state it was given: every step returns new objects along the changed path', () => {
    let state: AgentState = LOGGED_OUT_AGENT;
    for (const event of lifecycle) {
      const snapshot = structuredClone(state);
      const next = evolveAgent(state, event);
      expect(state).toEqual(snapshot);
      expect(next).not.toBe(state);
      state = next;
    }
  });

  it('carries every other field of the agent, channel and work item through each change', () => {
    const states = lifecycle.reduce<AgentState[]>(
      (all, e) => [...all, evolveAgent(all.at(-1) ?? LOGGED_OUT_AGENT, e)],
      [],
    );
    const [, , offered, answered, , , ended, extended, notReady, done] = states as AgentState[];
    const item = (s: AgentState | undefined) => s?.channels[0]?.items[0];
    expect(offered?.channels[1]).toBe(states[1]?.channels[1]);
    expect(item(answered)).toEqual({ ...item(offered), phase: 'busy' });
    expect(item(ended)).toEqual({
      ...item(answered),
      phase: 'wrap-up',
      wrapUpUntil: at + 30_000,
      autoReady: false,
      maxExtensionMs: 60_000,
    });
    expect(item(extended)).toEqual({ ...item(ended), wrapUpUntil: at + 45_000, extendedMs: 15_000 });
    expect(notReady?.channels[0]).toMatchObject({ ready: false, reason: 'break', items: [item(extended)] });
    expect(done?.channels[0]?.items).toEqual([]);
    expect(done?.profile).toBe(states[0]?.profile);
  });

  it('returns the same state for events about a contact or channel the agent does not hold', () => {
    const state = lifecycle.slice(0, 2).reduce(evolveAgent, LOGGED_OUT_AGENT);
    expect(
      evolveAgent(state, { type: 'ContactAnswered', data: { ...contact, contactId: 'c9', kind: 'inbound' } }),
    ).toBe(state);
    expect(evolveAgent(state, { type: 'AgentBecameReady', data: { ...voice, channel: 'email' } })).toBe(
      state,
    );
  });
});
