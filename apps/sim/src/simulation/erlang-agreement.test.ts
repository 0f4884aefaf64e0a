import { unwrap } from '@switchboard/kernel';
import { erlangA, erlangC } from '@switchboard/workforce';
import { describe, expect, it } from 'vitest';
import { engineRoutingPort } from './engine-routing-port';
import type { SimEvent } from './routing-port';
import { parseScenario } from './scenario-parser';
import { runSimulation, SIMULATION_EPOCH_MS } from './simulation';

/**
 * The simulator against queueing theory: M/M/c runs against Erlang C and M/M/c+M runs against
 * Erlang A, both from packages/workforce, through the real routing engine. Precision comes from
 * batch means: one long stationary run cut into one-hour batches (several relaxation times of these
 * queues, so batch means are close to independent), the first batch dropped as warm-up. Each
 * figure's 99 % confidence interval, mean ± t·s/√k, must contain the formula's value.
 */

const HOUR = 3600;
/** Student t, 99 % two-sided, for 100 or more batches (df 99: 2.626); rounded up. */
const T_99 = 2.63;

interface QueueModel {
  readonly agents: number;
  readonly averageHandleTime: number;
  readonly arrivalRate: number;
  readonly patience: number | null;
  readonly targetTime: number;
  readonly hours: number;
  readonly seed: number;
}

type Figure = 'serviceLevel' | 'asa' | 'pWait' | 'pAbandon' | 'meanWait';

/** Per-batch figures of one long run. */
function simulateBatches(model: QueueModel): Record<Figure, number[]> {
  const parsed = parseScenario({
    seed: model.seed,
    intervals: { seconds: HOUR, count: model.hours },
    serviceLevel: { thresholdSeconds: model.targetTime },
    queues: [
      {
        id: 'q',
        arrivals: { kind: 'poisson', callsPerInterval: model.arrivalRate * HOUR },
        handleTime: { kind: 'exponential', mean: model.averageHandleTime },
        patience: model.patience === null ? null : { kind: 'exponential', mean: model.patience },
      },
    ],
    agentGroups: [{ id: 'a', count: model.agents, queues: ['q'] }],
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  // P(wait) is not a report figure: count contacts answered the instant they arrived.
  const queuedAt = new Map<string, number>();
  const immediate = new Array<number>(model.hours).fill(0);
  const onEvent = (e: SimEvent): void => {
    if (e.type === 'ContactQueued') queuedAt.set(e.data.contactId, e.data.at);
    if (e.type !== 'ContactAnswered' && e.type !== 'ContactAbandoned') return;
    const t = queuedAt.get(e.data.contactId) as number;
    queuedAt.delete(e.data.contactId);
    if (e.type === 'ContactAnswered' && e.data.at === t)
      immediate[Math.floor((t - SIMULATION_EPOCH_MS) / 1000 / HOUR)]!++;
  };
  const run = unwrap(runSimulation(parsed.value, { routing: engineRoutingPort(), onEvent }));
  const batches = run.report.intervals.slice(1);
  return {
    serviceLevel: batches.map((b) => b.serviceLevel as number),
    asa: batches.map((b) => b.asa as number),
    meanWait: batches.map((b) => b.meanWait as number),
    pAbandon: batches.map((b) => b.abandonRate as number),
    pWait: batches.map((b) => 1 - (immediate[b.interval] as number) / b.offered),
  };
}

function confidenceInterval(xs: readonly number[]): { mean: number; halfWidth: number } {
  const k = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / k;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (k - 1);
  return { mean, halfWidth: (T_99 * Math.sqrt(variance)) / Math.sqrt(k) };
}

function expectAgreement(batches: Record<Figure, number[]>, theory: Partial<Record<Figure, number>>): void {
  for (const [figure, expected] of Object.entries(theory) as [Figure, number][]) {
    const { mean, halfWidth } = confidenceInterval(batches[figure]);
    const line = `${figure}: simulated ${mean.toFixed(4)} ± ${halfWidth.toFixed(4)}, formula ${expected.toFixed(4)}`;
    expect(Math.abs(mean - expected) <= halfWidth, line).toBe(true);
    // The interval must be tight enough for the comparison to mean something: within 15 %.
    expect(halfWidth, line).toBeLessThan(0.15 * expected);
  }
}

describe('simulator agrees with queueing theory', () => {
  it('M/M/c runs match Erlang C: service level, probability of waiting, ASA', () => {
    const model: QueueModel = {
      agents: 5,
      averageHandleTime: 60,
      arrivalRate: 3 / 60,
      patience: null,
      targetTime: 20,
      hours: 401,
      seed: 3,
    };
    const theory = unwrap(erlangC(model));
    expectAgreement(simulateBatches(model), {
      serviceLevel: theory.serviceLevel,
      pWait: theory.pWait,
      asa: theory.asa,
    });
  });

  it('M/M/c+M runs match Erlang A: abandonment, ASA, mean wait, service level', () => {
    const model: QueueModel = {
      agents: 10,
      averageHandleTime: 60,
      arrivalRate: 10 / 60,
      patience: 90,
      targetTime: 20,
      hours: 101,
      seed: 4,
    };
    const theory = unwrap(erlangA({ ...model, patience: 90 }));
    expectAgreement(simulateBatches(model), {
      pAbandon: theory.pAbandon,
      asa: theory.asa,
      meanWait: theory.meanWait,
      serviceLevel: theory.serviceLevel,
    });
  });
});
