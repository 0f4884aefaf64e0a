import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import { RoutingCode } from '../routing-codes';
import type { StrategyConfig } from './queue-config';

/** What a strategy may know about a ready agent on the queue's channel. */
export interface StrategyAgentView {
  readonly skills: ReadonlyMap<string, number>;
  /** When the channel last became available (ready with free capacity). */
  readonly idleSince: number;
  readonly activeContacts: number;
  readonly capacity: number;
  /** Contacts answered on this channel since local midnight. */
  readonly handledToday: number;
  /** Sequence of the last offer this queue made to the agent (0: never): round-robin memory. */
  readonly lastOfferFromQueue: number;
  occupancy(windowMinutes: number, now: number): number;
}

/**
 * Ranks ready agents for one queue: the agent with the smallest key gets the next contact. Keys
 * are computed when an agent enters the queue's ready set (becomes available, or its load changes),
 * not continuously, which is what lets each queue keep its ready agents in one ordered index.
 */
export interface RoutingStrategy {
  readonly kind: string;
  /** Two numbers compared in order; ties go to the agent that logged in first. */
  key(agent: StrategyAgentView, now: number): readonly [number, number];
}

/** Builds a strategy from a queue's config, or says why it cannot. */
export type StrategyFactory = (config: StrategyConfig) => Result<RoutingStrategy, Rejection>;

const longestIdle: RoutingStrategy = { kind: 'longest-idle', key: (a) => [a.idleSince, 0] };

/** The built-in strategies; pass more to the engine to plug in your own. */
export const BUILT_IN_STRATEGIES: Readonly<Record<string, StrategyFactory>> = {
  'longest-idle': () => ok(longestIdle),
  'least-occupied': (config) => {
    const window = config.windowMinutes ?? 30;
    if (!(window >= 1 && window <= 60))
      return reject(RoutingCode.InvalidQueue, 'least-occupied needs windowMinutes from 1 to 60');
    return ok({
      kind: 'least-occupied',
      // Load first so chat agents fill evenly, then occupancy, both scaled into one number.
      key: (a, now) => [a.activeContacts / a.capacity + a.occupancy(window, now) / 1024, a.idleSince],
    });
  },
  'highest-skill': (config) => {
    const skill = config.skill;
    if (skill === undefined || skill === '')
      return reject(RoutingCode.InvalidQueue, 'highest-skill needs the skill to rank by');
    return ok({ kind: 'highest-skill', key: (a) => [-(a.skills.get(skill) ?? 0), a.idleSince] });
  },
  'round-robin': () => ok({ kind: 'round-robin', key: (a) => [a.lastOfferFromQueue, 0] }),
  'fewest-contacts-today': () =>
    ok({ kind: 'fewest-contacts-today', key: (a) => [a.handledToday, a.idleSince] }),
};

/** Looks a strategy up by `kind` in a registry and builds it. */
export function buildStrategy(
  registry: Readonly<Record<string, StrategyFactory>>,
  config: StrategyConfig,
): Result<RoutingStrategy, Rejection> {
  const factory = Object.hasOwn(registry, config.kind) ? registry[config.kind] : undefined;
  if (factory === undefined)
    return reject(RoutingCode.UnknownStrategy, `no routing strategy '${config.kind}'`, {
      kind: config.kind,
      known: Object.keys(registry),
    });
  return factory(config);
}
