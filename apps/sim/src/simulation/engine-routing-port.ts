import {
  RoutingEngine,
  type RoutingCommand,
  type RoutingEngineOptions,
  type RoutingEvent,
} from '@switchboard/routing';
import { type RoutingPortFactory, type SimCommand, type SimEvent } from './routing-port';
import type { Scenario } from './scenario';

/** Engine options for a run: everything but the clock, which the port drives. */
export type EngineRoutingOptions = Omit<RoutingEngineOptions, 'clock'>;

/**
 * The simulator's routing port over the real `@switchboard/routing` engine — the same code the
 * server runs. The engine reads time from a clock port; here that clock is the simulation's virtual
 * time, set before each call. Events go to the sink in the order the engine emitted them; effects
 * (ring the phone, stop ringing) are what the simulator models itself, so they are not needed.
 */
export function engineRoutingPort(options: EngineRoutingOptions = {}): RoutingPortFactory {
  return (sink) => {
    let now = 0;
    const engine = new RoutingEngine({ ...options, clock: { now: () => now } });
    const forward = (events: readonly RoutingEvent[]): void => {
      for (const event of events) {
        const known = asSimEvent(event);
        if (known !== undefined) sink.onEvent(known);
        else sink.onOtherEvent(event);
      }
    };
    return {
      execute(command: SimCommand, at: number) {
        now = at;
        const result = engine.execute(command satisfies RoutingCommand);
        if (!result.ok) return result.error;
        forward(result.value.events);
        return undefined;
      },
      advanceTo(at: number) {
        now = at;
        forward(engine.tick(at).events);
      },
      nextDeadline: () => engine.nextDueAt(),
    };
  };
}

/**
 * Engine options that catch scenario mistakes up front: a routing step naming a skill no agent
 * group has (`skills.aplliances`) is rejected when the queue is configured, instead of leaving its
 * contacts waiting for nobody.
 */
export function engineOptionsFor(scenario: Scenario): EngineRoutingOptions {
  const knownSkills = new Set(scenario.agentGroups.flatMap((g) => Object.keys(g.skills)));
  const knownAgentAttributes = new Set(scenario.agentGroups.flatMap((g) => Object.keys(g.attributes)));
  return { knownSkills, knownAgentAttributes };
}

/**
 * The events the simulator reacts to, or undefined. Returning the narrowed engine event as a
 * {@link SimEvent} without a cast is the compile-time proof that the engine's events carry what
 * the simulator reads: if routing renames such a field, this stops compiling.
 */
function asSimEvent(event: RoutingEvent): SimEvent | undefined {
  switch (event.type) {
    case 'AgentLoggedIn':
    case 'AgentLoggedOut':
    case 'AgentBecameReady':
    case 'AgentBecameNotReady':
    case 'AgentWrapUpEnded':
    case 'ContactQueued':
    case 'ContactOffered':
    case 'ContactOfferTimedOut':
    case 'ContactOfferRejected':
    case 'ContactOfferRescinded':
    case 'ContactAnswered':
    case 'ContactEnded':
    case 'ContactAbandoned':
    case 'ContactOverflowed':
      return event;
    default:
      return undefined;
  }
}
