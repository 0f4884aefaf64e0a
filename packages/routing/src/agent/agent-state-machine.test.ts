import { given } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../events';
import { channelStatus, findChannel, isAvailable } from './agent-state';
import { agentStateMachine } from './agent-state-machine';

const at = 1_000;
const loggedIn: RoutingEvent = {
  type: 'AgentLoggedIn',
  data: {
    agentId: 'a1',
    at,
    channels: [
      { channel: 'voice', capacity: 1 },
      { channel: 'chat', capacity: 3 },
    ],
    skills: { sales: 5 },
    attributes: {},
    queues: ['q1'],
  },
};
const ready: RoutingEvent = { type: 'AgentBecameReady', data: { agentId: 'a1', channel: 'voice', at } };
const offered = (contactId = 'c1', channel = 'voice'): RoutingEvent => ({
  type: 'ContactOffered',
  data: { contactId, queueId: 'q1', agentId: 'a1', channel, kind: 'inbound', expiresAt: at + 20_000, at },
});
const answered: RoutingEvent = {
  type: 'ContactAnswered',
  data: { contactId: 'c1', queueId: 'q1', agentId: 'a1', kind: 'inbound', at },
};
const ended = (wrapUpUntil: number | null, maxExtensionMs = 60_000): RoutingEvent => ({
  type: 'ContactEnded',
  data: { contactId: 'c1', queueId: 'q1', agentId: 'a1', wrapUpUntil, autoReady: true, maxExtensionMs, at },
});
const voice = (s: { state: Parameters<typeof findChannel>[0] }) => findChannel(s.state, 'voice');

describe('agent state machine', () => {
  it('logs in not ready (reason login) on every channel, or ready when asked', () => {
    const out = given(agentStateMachine).when({
      type: 'LogInAgent',
      agentId: 'a1',
      channels: [{ channel: 'voice', capacity: 1 }],
      skills: {},
      queues: [],
      at,
    });
    expect(out.events.map((e) => e.type)).toEqual(['AgentLoggedIn']);
    expect(channelStatus(voice(out))).toBe('not-ready');
    expect(voice(out)?.reason).toBe('login');
    const eager = given(agentStateMachine).when({
      type: 'LogInAgent',
      agentId: 'a1',
      channels: [{ channel: 'voice', capacity: 1 }],
      skills: {},
      queues: [],
      ready: true,
      at,
    });
    expect(channelStatus(voice(eager))).toBe('ready');
  });

  it('rejects a second login, bad capacities and skill levels outside 1–10', () => {
    expect(
      given(agentStateMachine, [loggedIn]).when({
        type: 'LogInAgent',
        agentId: 'a1',
        channels: [{ channel: 'voice', capacity: 1 }],
        skills: {},
        queues: [],
        at,
      }).rejection?.code,
    ).toBe('ROUTING.AGENT_ALREADY_LOGGED_IN');
    const login = (capacity: number, level: number) =>
      given(agentStateMachine).when({
        type: 'LogInAgent',
        agentId: 'a1',
        channels: [{ channel: 'voice', capacity }],
        skills: { s: level },
        queues: [],
        at,
      }).rejection?.code;
    expect(login(0, 5)).toBe('ROUTING.INVALID_AGENT');
    expect(login(1, 11)).toBe('ROUTING.INVALID_AGENT');
    expect(login(1, 0)).toBe('ROUTING.INVALID_AGENT');
    expect(login(1.5, 3)).toBe('ROUTING.INVALID_AGENT');
  });

  it('rejects commands for an agent who is not logged in', () => {
    expect(given(agentStateMachine).when({ type: 'SetAgentReady', agentId: 'a1', at }).rejection?.code).toBe(
      'ROUTING.AGENT_LOGGED_OUT',
    );
    expect(given(agentStateMachine).when({ type: 'LogOutAgent', agentId: 'a1', at }).rejection?.code).toBe(
      'ROUTING.AGENT_LOGGED_OUT',
    );
  });

  it('goes ready and not ready with reason codes, rejecting no-op transitions', () => {
    const s = given(agentStateMachine, [loggedIn, ready]);
    expect(s.when({ type: 'SetAgentReady', agentId: 'a1', channel: 'voice', at }).rejection?.code).toBe(
      'ROUTING.AGENT_ALREADY_READY',
    );
    const lunch = s.when({ type: 'SetAgentNotReady', agentId: 'a1', channel: 'voice', reason: 'lunch', at });
    expect(voice(lunch)?.reason).toBe('lunch');
    const again = given(agentStateMachine, [loggedIn, ready, ...lunch.events]);
    expect(
      again.when({ type: 'SetAgentNotReady', agentId: 'a1', channel: 'voice', reason: 'lunch', at }).rejection
        ?.code,
    ).toBe('ROUTING.AGENT_ALREADY_NOT_READY');
    expect(
      voice(again.when({ type: 'SetAgentNotReady', agentId: 'a1', channel: 'voice', reason: 'training', at }))
        ?.reason,
    ).toBe('training');
    expect(s.when({ type: 'SetAgentNotReady', agentId: 'a1', reason: '', at }).rejection?.code).toBe(
      'ROUTING.INVALID_AGENT',
    );
    expect(s.when({ type: 'SetAgentReady', agentId: 'a1', channel: 'fax', at }).rejection?.code).toBe(
      'ROUTING.UNKNOWN_CHANNEL',
    );
  });

  it('walks reserved → busy → held → busy → wrap-up → ready', () => {
    const held: RoutingEvent = { type: 'ContactHeld', data: { contactId: 'c1', agentId: 'a1', at } };
    const retrieved: RoutingEvent = {
      type: 'ContactRetrieved',
      data: { contactId: 'c1', agentId: 'a1', at },
    };
    const statuses = [
      [offered()],
      [offered(), answered],
      [offered(), answered, held],
      [offered(), answered, held, retrieved],
      [offered(), answered, ended(at + 30_000)],
    ].map((events) => channelStatus(voice(given(agentStateMachine, [loggedIn, ready, ...events]))));
    expect(statuses).toEqual(['reserved', 'busy', 'busy', 'busy', 'wrap-up']);
    const wrap = given(agentStateMachine, [loggedIn, ready, offered(), answered, ended(at + 30_000)]);
    expect(isAvailable(voice(wrap))).toBe(false);
    const done = wrap.when({ type: 'CompleteWrapUp', agentId: 'a1', at });
    expect(done.events.map((e) => e.type)).toEqual(['AgentWrapUpEnded']);
    expect(channelStatus(voice(done))).toBe('ready');
  });

  it('ends zero-second wrap-up at once', () => {
    expect(
      channelStatus(voice(given(agentStateMachine, [loggedIn, ready, offered(), answered, ended(at)]))),
    ).toBe('ready');
  });

  it('extends timed wrap-up up to the maximum and refuses beyond it or when untimed', () => {
    const wrap = given(agentStateMachine, [loggedIn, ready, offered(), answered, ended(at + 30_000, 60_000)]);
    const ext = wrap.when({ type: 'ExtendWrapUp', agentId: 'a1', seconds: 45, at });
    expect(ext.events[0]).toMatchObject({ type: 'AgentWrapUpExtended', data: { until: at + 75_000 } });
    const more = given(agentStateMachine, [
      loggedIn,
      ready,
      offered(),
      answered,
      ended(at + 30_000, 60_000),
      ...ext.events,
    ]);
    expect(more.when({ type: 'ExtendWrapUp', agentId: 'a1', seconds: 30, at }).rejection?.code).toBe(
      'ROUTING.WRAP_UP_NOT_EXTENDABLE',
    );
    expect(more.when({ type: 'ExtendWrapUp', agentId: 'a1', seconds: 15, at }).rejection).toBeUndefined();
    const untimed = given(agentStateMachine, [loggedIn, ready, offered(), answered, ended(null)]);
    expect(untimed.when({ type: 'ExtendWrapUp', agentId: 'a1', seconds: 10, at }).rejection?.code).toBe(
      'ROUTING.WRAP_UP_NOT_EXTENDABLE',
    );
    expect(
      given(agentStateMachine, [loggedIn, ready]).when({ type: 'CompleteWrapUp', agentId: 'a1', at })
        .rejection?.code,
    ).toBe('ROUTING.NOT_IN_WRAP_UP');
  });

  it('logging out during an offer rescinds it; logging out while busy is refused', () => {
    const ringing = given(agentStateMachine, [loggedIn, ready, offered()]).when({
      type: 'LogOutAgent',
      agentId: 'a1',
      at,
    });
    expect(ringing.events.map((e) => e.type)).toEqual(['ContactOfferRescinded', 'AgentLoggedOut']);
    expect(ringing.events[0]).toMatchObject({ data: { reason: 'agent-logged-out', contactId: 'c1' } });
    expect(ringing.state.loggedIn).toBe(false);
    const busy = given(agentStateMachine, [loggedIn, ready, offered(), answered]).when({
      type: 'LogOutAgent',
      agentId: 'a1',
      at,
    });
    expect(busy.rejection?.code).toBe('ROUTING.AGENT_HAS_ACTIVE_CONTACTS');
    const wrapping = given(agentStateMachine, [loggedIn, ready, offered(), answered, ended(null)]).when({
      type: 'LogOutAgent',
      agentId: 'a1',
      at,
    });
    expect(wrapping.events.map((e) => e.type)).toEqual(['AgentWrapUpEnded', 'AgentLoggedOut']);
  });

  it('fills a chat channel up to its capacity and stays available until then', () => {
    const chat = (events: RoutingEvent[]) =>
      findChannel(
        given(agentStateMachine, [
          loggedIn,
          { type: 'AgentBecameReady', data: { agentId: 'a1', channel: 'chat', at } },
          ...events,
        ]).state,
        'chat',
      );
    expect(isAvailable(chat([offered('c1', 'chat'), offered('c2', 'chat')]))).toBe(true);
    expect(isAvailable(chat([offered('c1', 'chat'), offered('c2', 'chat'), offered('c3', 'chat')]))).toBe(
      false,
    );
  });

  it('a not-ready request while busy keeps the contact and holds new offers back', () => {
    const s = given(agentStateMachine, [loggedIn, ready, offered(), answered]).when({
      type: 'SetAgentNotReady',
      agentId: 'a1',
      channel: 'voice',
      reason: 'break',
      at,
    });
    expect(channelStatus(voice(s))).toBe('busy');
    const after = given(agentStateMachine, [loggedIn, ready, offered(), answered, ...s.events, ended(at)]);
    expect(channelStatus(voice(after))).toBe('not-ready');
  });

  it('changes skills and queues, validating levels', () => {
    const s = given(agentStateMachine, [loggedIn]);
    expect(
      s.when({ type: 'ChangeAgentProfile', agentId: 'a1', skills: { sales: 9 }, at }).state.profile.skills,
    ).toEqual({ sales: 9 });
    expect(
      s.when({ type: 'ChangeAgentProfile', agentId: 'a1', skills: { sales: 99 }, at }).rejection?.code,
    ).toBe('ROUTING.INVALID_AGENT');
  });
});
