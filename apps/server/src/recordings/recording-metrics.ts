/**
 * Recording outcomes for `/metrics`. A center that must record every call (compliance) learns of a
 * full disk or a broken recordings folder from a rising `failed` count, not from a log line.
 */
import { Counter, type Registry } from 'prom-client';
import type { RecordingStatus } from './recordings-tables';

/** Registers `recordings_closed_total{status}` (complete, failed, recovered) and counts into it. */
export function registerRecordingMetrics(
  registry: Registry,
): (status: Exclude<RecordingStatus, 'recording'>) => void {
  const closed = new Counter({
    name: 'recordings_closed_total',
    help: 'Call recordings closed: complete, failed (never started or broke off), recovered after a crash',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  // Every status shows from the first scrape, zero until it happens, so a rate can be taken at once.
  for (const status of ['complete', 'failed', 'recovered'] as const) closed.inc({ status }, 0);
  return (status) => closed.inc({ status });
}
