import { rejection, type Rejection } from '@switchboard/kernel';
import type { RoutingEventSink, RoutingPort, SimCommand, SimEvent } from './routing-port';

interface DoubleAgent {
  readonly id: string;
  readonly queues: readonly string[];
  ready: boolean;
  contact: string | null;
  idleSince: number;
}

interface DoubleContact {
  readonly id: string;
  readonly queueId: string;
  readonly arrivedAt: number;
  agentId: string | null;
  phase: 'waiting' | 'offered' | 'connected' | 'wrap-up';
}

/**
 * TEST DOUBLE, not a routing engine: first come, first served per queue, longest-idle agent first,
 * target expressions ignored. It exists only so the simulator's own machinery (calendar, shifts,
 * statistics, event log) can be unit-tested in isolation; runs and the CLI use the real
 * `@switchboard/routing` engine through `engine-routing-port.ts`.
 */
export function fifoRoutingDouble(sink: RoutingEventSink): RoutingPort {
  const agents = new Map<string, DoubleAgent>();
  const contacts = new Map<string, DoubleContact>();
  const waiting: DoubleContact[] = [];
  const emit = (e: SimEvent): void => sink.onEvent(e);
  const refuse = (code: string, message: string): Rejection => rejection(code, message);

  function match(at: number): void {
    for (let i = 0; i < waiting.length;) {
      const c = waiting[i] as DoubleContact;
      let best: DoubleAgent | undefined;
      for (const a of agents.values())
        if (
          a.ready &&
          a.contact === null &&
          a.queues.includes(c.queueId) &&
          (!best || a.idleSince < best.idleSince)
        )
          best = a;
      if (best === undefined) {
        i++;
        continue;
      }
      waiting.splice(i, 1);
      best.contact = c.id;
      c.agentId = best.id;
      c.phase = 'offered';
      emit({ type: 'ContactOffered', data: { contactId: c.id, agentId: best.id, queueId: c.queueId, at } });
    }
  }

  function free(agent: DoubleAgent, at: number): void {
    agent.contact = null;
    agent.idleSince = at;
  }

  function execute(command: SimCommand, at: number): Rejection | undefined {
    switch (command.type) {
      case 'ConfigureQueue':
        sink.onOtherEvent({ type: 'QueueConfigured', data: { config: command.queue, at } });
        return undefined;
      case 'LogInAgent': {
        const agentId = command.agentId;
        agents.set(agentId, {
          id: agentId,
          queues: command.queues,
          ready: command.ready,
          contact: null,
          idleSince: at,
        });
        emit({ type: 'AgentLoggedIn', data: { agentId, at } });
        if (command.ready) emit({ type: 'AgentBecameReady', data: { agentId, at } });
        break;
      }
      case 'LogOutAgent': {
        const agent = agents.get(command.agentId);
        if (agent === undefined) return refuse('ROUTING.UNKNOWN_AGENT', command.agentId);
        if (agent.contact !== null) return refuse('ROUTING.AGENT_HAS_ACTIVE_CONTACTS', agent.contact);
        agents.delete(agent.id);
        emit({ type: 'AgentLoggedOut', data: { agentId: agent.id, at } });
        return undefined;
      }
      case 'SetAgentReady':
      case 'SetAgentNotReady': {
        const agent = agents.get(command.agentId);
        if (agent === undefined) return refuse('ROUTING.UNKNOWN_AGENT', command.agentId);
        agent.ready = command.type === 'SetAgentReady';
        if (agent.ready) agent.idleSince = at;
        const agentId = agent.id;
        emit(
          command.type === 'SetAgentReady'
            ? { type: 'AgentBecameReady', data: { agentId, at } }
            : { type: 'AgentBecameNotReady', data: { agentId, reason: command.reason, at } },
        );
        break;
      }
      default: {
        const refused = contactCommand(command, at);
        if (refused !== undefined) return refused;
      }
    }
    match(at);
    return undefined;
  }

  function contactCommand(command: SimCommand, at: number): Rejection | undefined {
    if (command.type === 'EnqueueContact') {
      const c: DoubleContact = {
        id: command.contactId,
        queueId: command.queueId,
        arrivedAt: at,
        agentId: null,
        phase: 'waiting',
      };
      contacts.set(c.id, c);
      waiting.push(c);
      emit({ type: 'ContactQueued', data: { contactId: c.id, queueId: c.queueId, arrivedAt: at, at } });
      return undefined;
    }
    const contactId = 'contactId' in command ? command.contactId : '';
    const c = contacts.get(contactId);
    if (c === undefined) return refuse('ROUTING.UNKNOWN_CONTACT', contactId);
    const agent = c.agentId === null ? undefined : agents.get(c.agentId);
    const agentId = c.agentId ?? '';
    switch (command.type) {
      case 'AnswerContact':
        c.phase = 'connected';
        emit({ type: 'ContactAnswered', data: { contactId, agentId, queueId: c.queueId, at } });
        return undefined;
      case 'AbandonContact':
        if (c.phase === 'offered' && agent) {
          free(agent, at);
          emit({ type: 'ContactOfferRescinded', data: { contactId, agentId, at } });
        }
        waiting.splice(waiting.indexOf(c), c.phase === 'waiting' ? 1 : 0);
        contacts.delete(contactId);
        emit({ type: 'ContactAbandoned', data: { contactId, queueId: c.queueId, at } });
        return undefined;
      case 'EndContact':
        c.phase = 'wrap-up';
        emit({ type: 'ContactEnded', data: { contactId, agentId, at } });
        return undefined;
      case 'CompleteWrapUp':
        contacts.delete(contactId);
        if (agent) free(agent, at);
        emit({ type: 'AgentWrapUpEnded', data: { agentId, contactId, at } });
        return undefined;
      default:
        return refuse('ROUTING.UNSUPPORTED', `the test double does not handle ${command.type}`);
    }
  }

  return { execute, advanceTo: () => undefined, nextDeadline: () => undefined };
}
