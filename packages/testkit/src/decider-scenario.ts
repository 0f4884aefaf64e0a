import { fold, type Decider, type Rejection } from '@switchboard/kernel';

/** What happened when a command met a state built from past events. */
export interface ScenarioOutcome<Event, State> {
  readonly events: readonly Event[];
  readonly rejection: Rejection | undefined;
  /** The state after the new events (unchanged when rejected). */
  readonly state: State;
}

/**
 * Given/when/then for deciders: `given(decider, pastEvents).when(command)`; the test asserts on the
 * outcome. A rejected command must leave the state exactly as it was, and this checks that it does.
 */
export function given<Command, Event, State>(
  decider: Decider<Command, Event, State>,
  past: readonly Event[] = [],
) {
  const before = fold(decider, decider.initialState, past);
  return {
    state: before,
    when(command: Command): ScenarioOutcome<Event, State> {
      const result = decider.decide(command, before);
      if (!result.ok) return { events: [], rejection: result.error, state: before };
      return { events: result.value, rejection: undefined, state: fold(decider, before, result.value) };
    },
  };
}
