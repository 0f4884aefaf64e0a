import type { Rejection } from './rejection';
import type { Result } from './result';

/**
 * The shape of every piece of business logic (after emmett): `decide` turns a command into events or
 * a rejection without changing anything; `evolve` folds one event into the state. Replaying the
 * events of a stream through `evolve` from `initialState` rebuilds the state exactly.
 */
export interface Decider<Command, Event, State> {
  readonly initialState: State;
  decide(command: Command, state: State): Result<readonly Event[], Rejection>;
  evolve(state: State, event: Event): State;
}

/** Folds events into a state with a decider's `evolve`. */
export function fold<Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve'>,
  state: State,
  events: readonly Event[],
): State {
  let s = state;
  for (const e of events) s = decider.evolve(s, e);
  return s;
}
