/** The agent desktop's view of an agent's routing state (`@switchboard/contracts` shape). */
import type { AgentStateView } from '@switchboard/contracts';
import { channelStatus, type AgentState } from '@switchboard/routing';

/** Maps the engine's agent state (undefined: logged out) to the API shape. */
export function agentStateView(agentId: string, state: AgentState | undefined): AgentStateView {
  if (state === undefined || !state.loggedIn)
    return { agentId, loggedIn: false, since: null, channels: [], queues: [] };
  return {
    agentId,
    loggedIn: true,
    since: state.since,
    queues: [...state.profile.queues],
    channels: state.channels.map((c) => ({
      channel: c.channel,
      capacity: c.capacity,
      status: channelStatus(c),
      ready: c.ready,
      reason: c.reason,
      since: c.since,
      contacts: c.items.map((i) => ({
        contactId: i.contactId,
        queueId: i.queueId,
        phase: i.phase,
        since: i.since,
        wrapUpUntil: i.wrapUpUntil,
      })),
    })),
  };
}
