import type { AgentProfile } from '../events';

/** Where one contact stands on an agent's channel. */
export type WorkPhase = 'reserved' | 'busy' | 'held' | 'wrap-up';

/** A contact occupying one unit of a channel's capacity, from offer to the end of wrap-up. */
export interface WorkItem {
  readonly contactId: string;
  readonly queueId: string;
  readonly phase: WorkPhase;
  readonly since: number;
  /** Wrap-up end; null while not in wrap-up or for untimed wrap-up. */
  readonly wrapUpUntil: number | null;
  readonly autoReady: boolean;
  readonly maxExtensionMs: number;
  readonly extendedMs: number;
}

/** One channel of a logged-in agent: presence (ready or not, with a reason) and the work on it. */
export interface ChannelState {
  readonly channel: string;
  readonly capacity: number;
  readonly ready: boolean;
  /** Not-ready reason code (`break`, `lunch`, `RONA`, `after-call-work`…); null when ready. */
  readonly reason: string | null;
  readonly since: number;
  readonly items: readonly WorkItem[];
}

/** The state of one agent stream. */
export interface AgentState {
  readonly agentId: string;
  readonly loggedIn: boolean;
  readonly since: number;
  readonly channels: readonly ChannelState[];
  readonly profile: AgentProfile;
}

/** What a supervisor sees for an agent on a channel. */
export type AgentStatus = 'logged-out' | 'ready' | 'not-ready' | 'reserved' | 'busy' | 'wrap-up';

/** Every status, in wallboard order. */
export const AGENT_STATUSES: readonly AgentStatus[] = [
  'ready',
  'reserved',
  'busy',
  'wrap-up',
  'not-ready',
  'logged-out',
];

/** A stream with no events yet. */
export const LOGGED_OUT_AGENT: AgentState = {
  agentId: '',
  loggedIn: false,
  since: 0,
  channels: [],
  profile: { skills: {}, attributes: {}, queues: [] },
};

/**
 * The displayed status of a channel. With capacity above one several phases coexist; a ringing
 * offer wins (it needs the agent's attention now), then live contacts, then wrap-up.
 */
export function channelStatus(channel: ChannelState | undefined): AgentStatus {
  if (channel === undefined) return 'logged-out';
  let busy = false;
  let wrapUp = false;
  for (const item of channel.items) {
    if (item.phase === 'reserved') return 'reserved';
    if (item.phase === 'wrap-up') wrapUp = true;
    else busy = true;
  }
  if (busy) return 'busy';
  if (wrapUp) return 'wrap-up';
  return channel.ready ? 'ready' : 'not-ready';
}

/** True when the channel can take one more offer now. */
export function isAvailable(channel: ChannelState | undefined): boolean {
  return channel !== undefined && channel.ready && channel.items.length < channel.capacity;
}

export function findChannel(state: AgentState, channel: string): ChannelState | undefined {
  // A plain loop: called on every agent state change, where a capturing callback allocates.
  for (const c of state.channels) if (c.channel === channel) return c;
  return undefined;
}

/** The channel and item holding a contact, if this agent holds it. */
export function findItem(
  state: AgentState,
  contactId: string,
): { channel: ChannelState; item: WorkItem } | undefined {
  for (const channel of state.channels) {
    const item = channel.items.find((i) => i.contactId === contactId);
    if (item !== undefined) return { channel, item };
  }
  return undefined;
}
