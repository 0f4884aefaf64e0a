import type { Clock, Rejection } from '@switchboard/kernel';
import type { RoutingCommand } from './commands';
import type { RoutingEffect } from './effects';
import type { RoutingEvent } from './events';
import { RoutingEngine, type RoutingEngineOptions } from './routing-engine';

/** A clock a scenario can move, such as testkit's `VirtualClock`. */
export interface AdvanceableClock extends Clock {
  advanceTo(targetMs: number): void;
}

/** What a step of a scenario produced. */
export interface ScenarioStep {
  readonly events: readonly RoutingEvent[];
  readonly effects: readonly RoutingEffect[];
  readonly rejection: Rejection | undefined;
}

/**
 * Given/when/then for the whole engine: `given` runs setup commands (failing loudly if one is
 * rejected), `when` runs the command under test, `advance` moves the clock and fires due timers in
 * order exactly as a server or the simulator would. Also checks that a rejection changed nothing.
 */
export function routingScenario(clock: AdvanceableClock, options: Omit<RoutingEngineOptions, 'clock'> = {}) {
  const engine = new RoutingEngine({ ...options, clock });
  const log: RoutingEvent[] = [];
  const run = (command: RoutingCommand): ScenarioStep => {
    const before = log.length;
    const result = engine.execute(command);
    if (!result.ok) return { events: [], effects: [], rejection: result.error };
    log.push(...result.value.events);
    return { events: log.slice(before), effects: result.value.effects, rejection: undefined };
  };
  const scenario = {
    engine,
    /** Every event so far, in order. */
    log,
    given(...commands: RoutingCommand[]) {
      for (const command of commands) {
        const step = run(command);
        if (step.rejection)
          throw new Error(
            `given ${command.type} was rejected: ${step.rejection.code} ${step.rejection.message}`,
          );
      }
      return scenario;
    },
    when: run,
    /** Moves time forward by `ms`, ticking at every deadline on the way. */
    advance(ms: number): ScenarioStep {
      const target = clock.now() + ms;
      const events: RoutingEvent[] = [];
      const effects: RoutingEffect[] = [];
      for (let due = engine.nextDueAt(); due !== undefined && due <= target; due = engine.nextDueAt()) {
        clock.advanceTo(Math.max(due, clock.now()));
        const out = engine.tick();
        events.push(...out.events);
        effects.push(...out.effects);
      }
      clock.advanceTo(target);
      log.push(...events);
      return { events, effects, rejection: undefined };
    },
  };
  return scenario;
}
