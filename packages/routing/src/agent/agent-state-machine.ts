import { ok, reject, type Decider, type Rejection, type Result } from '@switchboard/kernel';
import type { AgentCommand } from '../commands';
import type { AgentProfile, ChannelCapacity, RoutingEvent } from '../events';
import { RoutingCode } from '../routing-codes';
import { evolveAgent } from './agent-evolve';
import {
  LOGGED_OUT_AGENT,
  findChannel,
  type AgentState,
  type ChannelState,
  type WorkItem,
} from './agent-state';

/** A command stamped with the time the engine handles it. */
export type Timed<C> = C & { readonly at: number };

type Decision = Result<RoutingEvent[], Rejection>;

/**
 * The agent state machine, per channel (one machine per agent stream):
 *
 * ```
 *               LogInAgent                 SetAgentReady
 *  logged-out ────────────▶ not-ready ◀──────────────────▶ ready
 *      ▲                     ▲  ▲ RONA     SetAgentNotReady  │ ContactOffered
 *      │ LogOutAgent         │  └───────────── reserved ◀───┘
 *      │ (rescinds offers)   │ no auto-ready      │ ContactAnswered
 *      │                     │                    ▼
 *      └──────────── wrap-up ◀─── ContactEnded ── busy ⇄ held
 *                       │ timer / CompleteWrapUp
 *                       └──────────────▶ ready (auto-ready)
 * ```
 * Presence (ready / not ready) and work (reserved, busy, held, wrap-up items, up to the channel's
 * capacity) are separate: an agent may go not ready while busy, meaning "no new contacts after this".
 * Offers, answers and ends are decided by the engine from contact commands; this machine folds them.
 */
export const agentStateMachine: Decider<Timed<AgentCommand>, RoutingEvent, AgentState> = {
  initialState: LOGGED_OUT_AGENT,
  decide: decideAgent,
  evolve: evolveAgent,
};

export function decideAgent(command: Timed<AgentCommand>, state: AgentState): Decision {
  if (command.type === 'LogInAgent') return logIn(command, state);
  if (!state.loggedIn)
    return reject(RoutingCode.AgentLoggedOut, `agent ${command.agentId} is not logged in`, {
      agentId: command.agentId,
    });
  switch (command.type) {
    case 'LogOutAgent':
      return logOut(command.at, state);
    case 'SetAgentReady':
      return setReady(command, state);
    case 'SetAgentNotReady':
      return setNotReady(command, state);
    case 'ChangeAgentProfile':
      return changeProfile(command, state);
    case 'ExtendWrapUp':
      return extendWrapUp(command, state);
    case 'CompleteWrapUp': {
      const found = wrapUpItem(state, command.contactId);
      if (!found.ok) return found;
      return ok([
        {
          type: 'AgentWrapUpEnded',
          data: { agentId: state.agentId, contactId: found.value.contactId, at: command.at },
        },
      ]);
    }
  }
}

function logIn(command: Timed<Extract<AgentCommand, { type: 'LogInAgent' }>>, state: AgentState): Decision {
  if (state.loggedIn)
    return reject(RoutingCode.AgentAlreadyLoggedIn, `agent ${command.agentId} is already logged in`);
  const invalid = validateChannels(command.channels) ?? validateSkills(command.skills);
  if (invalid !== undefined) return reject(RoutingCode.InvalidAgent, invalid, { agentId: command.agentId });
  if (command.agentId === '') return reject(RoutingCode.InvalidAgent, 'agent id must not be empty');
  const { agentId, at } = command;
  const events: RoutingEvent[] = [
    {
      type: 'AgentLoggedIn',
      data: {
        agentId,
        at,
        channels: command.channels.map((c) => ({ channel: c.channel, capacity: c.capacity })),
        skills: { ...command.skills },
        attributes: { ...command.attributes },
        queues: [...new Set(command.queues)],
      },
    },
  ];
  if (command.ready === true)
    for (const c of command.channels)
      events.push({ type: 'AgentBecameReady', data: { agentId, channel: c.channel, at } });
  return ok(events);
}

function logOut(at: number, state: AgentState): Decision {
  const { agentId } = state;
  const events: RoutingEvent[] = [];
  for (const channel of state.channels) {
    for (const item of channel.items) {
      if (item.phase === 'busy' || item.phase === 'held')
        return reject(
          RoutingCode.AgentHasActiveContacts,
          `agent ${agentId} still handles ${item.contactId}`,
          {
            agentId,
            contactId: item.contactId,
          },
        );
      const contactId = item.contactId;
      events.push(
        item.phase === 'reserved'
          ? { type: 'ContactOfferRescinded', data: { contactId, agentId, reason: 'agent-logged-out', at } }
          : { type: 'AgentWrapUpEnded', data: { agentId, contactId, at } },
      );
    }
  }
  events.push({ type: 'AgentLoggedOut', data: { agentId, at } });
  return ok(events);
}

function targetChannels(
  state: AgentState,
  channel: string | undefined,
): Result<readonly ChannelState[], Rejection> {
  if (channel === undefined) return ok(state.channels);
  const found = findChannel(state, channel);
  if (found === undefined)
    return reject(RoutingCode.UnknownChannel, `agent ${state.agentId} is not logged in on ${channel}`, {
      channel,
    });
  return ok([found]);
}

function setReady(command: Timed<{ channel?: string }>, state: AgentState): Decision {
  const targets = targetChannels(state, command.channel);
  if (!targets.ok) return targets;
  const events: RoutingEvent[] = targets.value
    .filter((c) => !c.ready)
    .map((c) => ({
      type: 'AgentBecameReady',
      data: { agentId: state.agentId, channel: c.channel, at: command.at },
    }));
  if (events.length === 0)
    return reject(RoutingCode.AgentAlreadyReady, `agent ${state.agentId} is already ready`);
  return ok(events);
}

function setNotReady(command: Timed<{ channel?: string; reason: string }>, state: AgentState): Decision {
  if (command.reason === '') return reject(RoutingCode.InvalidAgent, 'a not-ready reason code is required');
  const targets = targetChannels(state, command.channel);
  if (!targets.ok) return targets;
  const { agentId } = state;
  const events: RoutingEvent[] = targets.value
    .filter((c) => c.ready || c.reason !== command.reason)
    .map((c) => ({
      type: 'AgentBecameNotReady',
      data: { agentId, channel: c.channel, reason: command.reason, at: command.at },
    }));
  if (events.length === 0)
    return reject(
      RoutingCode.AgentAlreadyNotReady,
      `agent ${agentId} is already not ready (${command.reason})`,
    );
  return ok(events);
}

function changeProfile(
  command: Timed<Extract<AgentCommand, { type: 'ChangeAgentProfile' }>>,
  state: AgentState,
): Decision {
  const profile: AgentProfile = {
    skills: command.skills ?? state.profile.skills,
    attributes: command.attributes ?? state.profile.attributes,
    queues: command.queues === undefined ? state.profile.queues : [...new Set(command.queues)],
  };
  const invalid = validateSkills(profile.skills);
  if (invalid !== undefined) return reject(RoutingCode.InvalidAgent, invalid, { agentId: state.agentId });
  return ok([{ type: 'AgentProfileChanged', data: { agentId: state.agentId, at: command.at, ...profile } }]);
}

function wrapUpItem(state: AgentState, contactId: string | undefined): Result<WorkItem, Rejection> {
  for (const channel of state.channels)
    for (const item of channel.items)
      if (item.phase === 'wrap-up' && (contactId === undefined || item.contactId === contactId))
        return ok(item);
  return reject(RoutingCode.NotInWrapUp, `agent ${state.agentId} has no contact in wrap-up`, {
    agentId: state.agentId,
    contactId: contactId ?? null,
  });
}

function extendWrapUp(command: Timed<{ seconds: number; contactId?: string }>, state: AgentState): Decision {
  const found = wrapUpItem(state, command.contactId);
  if (!found.ok) return found;
  const item = found.value;
  const ms = command.seconds * 1000;
  if (!(ms > 0) || item.wrapUpUntil === null || item.extendedMs + ms > item.maxExtensionMs)
    return reject(
      RoutingCode.WrapUpNotExtendable,
      `wrap-up of ${item.contactId} cannot be extended by ${command.seconds} s`,
      {
        contactId: item.contactId,
        extendedMs: item.extendedMs,
        maxExtensionMs: item.maxExtensionMs,
      },
    );
  return ok([
    {
      type: 'AgentWrapUpExtended',
      data: {
        agentId: state.agentId,
        contactId: item.contactId,
        until: item.wrapUpUntil + ms,
        at: command.at,
      },
    },
  ]);
}

/** Why a channel list is invalid, or undefined when it is fine. */
export function validateChannels(channels: readonly ChannelCapacity[]): string | undefined {
  if (channels.length === 0) return 'an agent logs in on at least one channel';
  const names = new Set(channels.map((c) => c.channel));
  if (names.size !== channels.length) return 'each channel may appear once';
  const bad = channels.find(
    (c) => c.channel === '' || !Number.isInteger(c.capacity) || c.capacity < 1 || c.capacity > 100,
  );
  return bad === undefined ? undefined : `channel '${bad.channel}' needs a capacity from 1 to 100`;
}

/** Skill levels are integers 1–10, as agents and supervisors see them. */
export function validateSkills(skills: Readonly<Record<string, number>>): string | undefined {
  for (const [name, level] of Object.entries(skills))
    if (name === '' || !Number.isInteger(level) || level < 1 || level > 10)
      return `skill '${name}' needs a level from 1 to 10, got ${String(level)}`;
  return undefined;
}
