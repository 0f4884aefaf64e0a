/** The one line of figures the load prints: what it saw, for the closing note of a run. */
import type { QueueStatistics } from '@switchboard/contracts';
import { maxConcurrentCalls, type CallRecord } from './call-ledger';

/** What the figures are made of. */
export interface LoadFigureInputs {
  readonly calls: readonly CallRecord[];
  readonly queues: readonly QueueStatistics[];
  readonly ronas: number;
  readonly sipp: { readonly successful: number; readonly failed: number };
  readonly setupMs: number;
  readonly loadMs: number;
}

/** `hotline load: calls=… answered=… abandoned=… … max_concurrent=… mean_wait_s=… asa_s=…`. */
export function loadFigures(o: LoadFigureInputs): string {
  const count = (x: CallRecord['outcome']) => o.calls.filter((c) => c.outcome === x).length;
  const sum = (f: (q: QueueStatistics) => number) => o.queues.reduce((n, q) => n + f(q), 0);
  const offered = sum((q) => q.today.offered);
  const answered = sum((q) => q.today.answered);
  // Per-queue means weighted back into sums over both queues.
  const waitSeconds = sum((q) => (q.today.meanWaitSeconds ?? 0) * q.today.offered);
  const answeredWaitSeconds = sum((q) => (q.today.asaSeconds ?? 0) * q.today.answered);
  const mean = (x: number, n: number) => (n === 0 ? 'n/a' : (x / n).toFixed(1));
  return [
    `hotline load: calls=${o.calls.length} answered=${count('answered')} abandoned=${count('abandoned')}`,
    `callback=${count('callback')} voicemail=${count('voicemail')}`,
    `max_concurrent=${maxConcurrentCalls(o.calls)}`,
    `mean_wait_s=${mean(waitSeconds, offered)} asa_s=${mean(answeredWaitSeconds, answered)}`,
    `rona=${o.ronas} sipp_successful=${o.sipp.successful} sipp_failed=${o.sipp.failed}`,
    `setup_s=${(o.setupMs / 1000).toFixed(0)} load_s=${(o.loadMs / 1000).toFixed(0)}`,
  ].join(' ');
}
