import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { IntervalStatistics, type StatisticsSetup } from './interval-statistics';
import { SIM_EVENT_TYPES, type AnyRoutingEvent, type SimEvent } from './routing-port';
import type { SimulationReport } from './simulation-report';

/** Rejection code of an event log that cannot be read back. */
export const EVENT_LOG_INVALID = 'SIM.EVENT_LOG_INVALID';

/** One event as one line of the JSON-lines event log. */
export function eventLogLine(event: AnyRoutingEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/**
 * Recomputes a run's report from its event log (the lines a run wrote through `onLogEvent`): the
 * `SimulationStarted` header gives the intervals, queues and thresholds, the routing events are
 * projected exactly as during the run, and `SimulationEnded` closes it. Same log, same report.
 */
export function reportFromEventLog(lines: Iterable<string>): Result<SimulationReport, Rejection> {
  let stats: IntervalStatistics | undefined;
  let lineNumber = 0;
  for (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let event: AnyRoutingEvent;
    try {
      event = JSON.parse(line) as AnyRoutingEvent;
    } catch {
      return invalid(lineNumber, 'is not JSON');
    }
    if (event.type === 'SimulationStarted') {
      stats = new IntervalStatistics(event.data as StatisticsSetup);
      continue;
    }
    if (stats === undefined) return invalid(lineNumber, 'comes before the SimulationStarted header');
    if (event.type === 'SimulationEnded') {
      stats.close((event.data as { at: number }).at);
      return ok(stats.report());
    }
    if (SIM_EVENT_TYPES.has(event.type)) stats.apply(event as SimEvent);
  }
  return invalid(lineNumber, 'ends the log without a SimulationEnded footer');
}

function invalid(line: number, what: string): Result<never, Rejection> {
  return err(rejection(EVENT_LOG_INVALID, `event log line ${line} ${what}`, { line }));
}
