import { rejection, type Rejection } from '@switchboard/kernel';
import type { StatisticsSetup } from './interval-statistics';
import type { AnyRoutingEvent, RoutingPortFactory, SimEvent } from './routing-port';
import type { Scenario } from './scenario';
import { SimulationCode } from './scenario-parser';
import type { SimulationReport } from './simulation-report';

/** Virtual epoch of every run: Monday 2026-01-05 00:00 UTC (only the log's timestamps show it). */
export const SIMULATION_EPOCH_MS = Date.UTC(2026, 0, 5);

/** How a run is wired. */
export interface SimulationOptions {
  /** Builds the routing engine the run drives. */
  readonly routing: RoutingPortFactory;
  /**
   * Receives the event log: a `SimulationStarted` header (the statistics setup), every routing
   * event in order, and a `SimulationEnded` footer. {@link reportFromEventLog} recomputes the report.
   */
  readonly onLogEvent?: (event: AnyRoutingEvent) => void;
  /** Sees every event the simulator reacts to, as it happens. */
  readonly onEvent?: (event: SimEvent) => void;
}

/** A finished run: the report and what it took. */
export interface SimulationRun {
  readonly report: SimulationReport;
  readonly contacts: number;
  readonly calendarEvents: number;
  readonly routingEvents: number;
  /** Virtual time the run stopped at, seconds from the start. */
  readonly endSeconds: number;
}

/** What the statistics (and the event log's header) need to know about a scenario. */
export function statisticsSetupOf(scenario: Scenario, originMs: number): StatisticsSetup {
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    originMs,
    intervalSeconds: scenario.intervalSeconds,
    intervalCount: scenario.intervalCount,
    shortAbandonSeconds: scenario.shortAbandonSeconds,
    queues: scenario.queues.map((q) => ({ id: q.id, serviceLevelSeconds: q.serviceLevelSeconds })),
  };
}

/** A routing refusal of the scenario's configuration, naming the scenario field it came from. */
export function routingRejected(field: string, refused: Rejection): Rejection {
  return rejection(SimulationCode.routingRejected, `${field}: ${refused.code}: ${refused.message}`, {
    field,
    routing: refused,
  });
}
