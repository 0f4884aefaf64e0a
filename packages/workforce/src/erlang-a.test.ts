import { seededRandom } from '@switchboard/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erlangA, type ErlangAInput, type ErlangAResult } from './erlang-a';
import { erlangC } from './erlang-c';

const run = (input: ErlangAInput): ErlangAResult => {
  const r = erlangA(input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

const example = { arrivalRate: 100 / 1800, averageHandleTime: 180, targetTime: 20, patience: 120 };

/**
 * References computed in 80-digit arithmetic twice, by independent routes that agree to all printed
 * digits: (1) the truncated birth–death chain with the hypoexponential density of the virtual wait,
 * state by state; (2) the incomplete-gamma closed forms of Garnett, Mandelbaum & Reiman (2002) and
 * Mandelbaum & Zeltyn (2007), with ASA by numerical quadrature.
 */
const references: ReadonlyArray<{ input: ErlangAInput; expected: ErlangAResult }> = [
  {
    input: { ...example, agents: 11 },
    expected: {
      pWait: 0.382816491479932,
      serviceLevel: 0.742208984389389,
      asa: 9.7825175186691,
      occupancy: 0.823495423420494,
      pAbandon: 0.0941550342374565,
      meanWait: 11.2986041084948,
    },
  },
  {
    input: { ...example, agents: 8 },
    expected: {
      pWait: 0.722626463338783,
      serviceLevel: 0.403213027380247,
      asa: 29.2679871647223,
      occupancy: 0.927522023390302,
      pAbandon: 0.257982381287758,
      meanWait: 30.957885754531,
    },
  },
  {
    input: { ...example, agents: 3 },
    expected: {
      pWait: 0.989655388703369,
      serviceLevel: 0.0229010973539741,
      asa: 118.096089137445,
      occupancy: 0.995873461067464,
      pAbandon: 0.701237961679761,
      meanWait: 84.1485554015713,
    },
  },
  {
    input: { arrivalRate: 1 / 60, averageHandleTime: 60, agents: 1, targetTime: 10, patience: 30 },
    expected: {
      pWait: 0.58518034113623,
      serviceLevel: 0.473155968982734,
      asa: 6.55135617078893,
      occupancy: 0.58518034113623,
      pAbandon: 0.41481965886377,
      meanWait: 12.4445897659131,
    },
  },
  {
    input: { arrivalRate: 19500 / 300, averageHandleTime: 300, agents: 20000, targetTime: 20, patience: 180 },
    expected: {
      pWait: 0.00017680952581247,
      serviceLevel: 0.999999510771967,
      asa: 8.78332112161865e-5,
      occupancy: 0.974999523002667,
      pAbandon: 4.89228033413474e-7,
      meanWait: 8.80610460144253e-5,
    },
  },
  {
    input: { arrivalRate: 19500 / 300, averageHandleTime: 300, agents: 17653, targetTime: 20, patience: 180 },
    expected: {
      pWait: 1,
      serviceLevel: 0.800806304632269,
      asa: 17.9030734876697,
      occupancy: 1,
      pAbandon: 0.0947179487179487,
      meanWait: 17.0492307692308,
    },
  },
];

/** FCFS M/M/n+M by direct simulation: each caller takes the first agent to free up, if patient enough. */
function simulate(input: ErlangAInput, arrivals: number, seed: number) {
  const random = seededRandom(seed);
  const exponential = (mean: number) => -Math.log(1 - random.next()) * mean;
  const freeAt = new Array<number>(input.agents).fill(0);
  let now = 0;
  const totals = { waited: 0, inTime: 0, answered: 0, answerWait: 0, abandoned: 0, wait: 0 };
  for (let i = 0; i < arrivals; i++) {
    now += exponential(1 / input.arrivalRate);
    let first = 0;
    for (let a = 1; a < freeAt.length; a++) if ((freeAt[a] as number) < (freeAt[first] as number)) first = a;
    const wait = Math.max(0, (freeAt[first] as number) - now);
    const patience = exponential(input.patience);
    if (wait > 0) totals.waited++;
    if (wait > patience) {
      totals.abandoned++;
      totals.wait += patience;
      continue;
    }
    freeAt[first] = now + wait + exponential(input.averageHandleTime);
    totals.answered++;
    totals.answerWait += wait;
    totals.wait += wait;
    if (wait <= input.targetTime) totals.inTime++;
  }
  return {
    pWait: totals.waited / arrivals,
    serviceLevel: totals.inTime / arrivals,
    asa: totals.answerWait / totals.answered,
    pAbandon: totals.abandoned / arrivals,
    meanWait: totals.wait / arrivals,
  };
}

describe('erlangA', () => {
  it.each(references)('matches the 80-digit reference for $input.agents agents', ({ input, expected }) => {
    const actual = run(input);
    for (const key of Object.keys(expected) as Array<keyof ErlangAResult>) {
      expect(relative(actual[key], expected[key]), key).toBeLessThan(1e-9);
    }
  });

  it('agrees with a direct simulation of the queue, abandoners counted as failures', () => {
    const input = { ...example, agents: 10 };
    const simulated = simulate(input, 400_000, 7);
    const exact = run(input);
    expect(Math.abs(simulated.pWait - exact.pWait)).toBeLessThan(0.01);
    expect(Math.abs(simulated.serviceLevel - exact.serviceLevel)).toBeLessThan(0.01);
    expect(Math.abs(simulated.pAbandon - exact.pAbandon)).toBeLessThan(0.01);
    expect(relative(simulated.asa, exact.asa)).toBeLessThan(0.04);
    expect(relative(simulated.meanWait, exact.meanWait)).toBeLessThan(0.04);
  });

  it('tends to Erlang C as patience grows, with a gap shrinking like 1/patience', () => {
    const c = erlangC({ ...example, agents: 11 });
    if (!c.ok) throw new Error(c.error.code);
    const gaps = [1e3, 1e4, 1e5, 1e6].map((patience) => {
      const a = run({ ...example, agents: 11, patience });
      return Math.abs(a.serviceLevel - c.value.serviceLevel) + Math.abs(a.pWait - c.value.pWait);
    });
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeLessThan((gaps[i - 1] as number) / 4);
    const far = run({ ...example, agents: 11, patience: 1e6 });
    expect(far.pWait).toBeCloseTo(c.value.pWait, 3);
    expect(far.serviceLevel).toBeCloseTo(c.value.serviceLevel, 3);
    // Near saturation (ρ = 0.91) ASA is the slowest measure to converge: 0.4 % at 10^6 s.
    expect(relative(far.asa, c.value.asa)).toBeLessThan(1e-2);
  });

  it('keeps a heavily overloaded 20,000-agent queue finite and near its fluid limit', () => {
    // 25,000 erlangs on 20,000 agents: a fifth must abandon; waits settle at patience·ln(λ/nμ).
    const r = run({
      arrivalRate: 25000 / 300,
      averageHandleTime: 300,
      agents: 20000,
      targetTime: 20,
      patience: 3600,
    });
    expect(r.pAbandon).toBeCloseTo(0.2, 12);
    expect(relative(r.asa, 803.309284736363)).toBeLessThan(1e-10);
    expect(r.serviceLevel).toBeLessThan(1e-13);
    expect(r.occupancy).toBe(1);
  });

  it('gives consistent measures without NaN across the documented ranges', () => {
    const logUniform = (lo: number, hi: number) =>
      fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map(Math.exp);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20000 }),
        logUniform(1e-3, 1e3),
        logUniform(1, 3600),
        logUniform(1, 3600),
        logUniform(1e-2, 600),
        (agents, perAgentLoad, averageHandleTime, patience, targetTime) => {
          // A hair inside the documented maxima (1e6 erlangs, 1e4 arrivals/s): dividing the load by
          // the AHT and multiplying back can land one ulp above a maximum and be refused.
          const inside = 1 - 1e-12;
          const load = Math.min(agents * perAgentLoad, 1e6 * inside, 1e4 * inside * averageHandleTime);
          const r = run({
            arrivalRate: load / averageHandleTime,
            averageHandleTime,
            agents,
            targetTime,
            patience,
          });
          for (const v of Object.values(r)) expect(Number.isFinite(v)).toBe(true);
          for (const p of [r.pWait, r.serviceLevel, r.pAbandon, r.occupancy]) {
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(1);
          }
          // Answered = carried load / offered load; answered and abandoned share every contact.
          expect(Math.abs((r.occupancy * agents) / load + r.pAbandon - 1)).toBeLessThan(1e-9);
          expect(r.serviceLevel).toBeLessThanOrEqual(1 - r.pAbandon + 1e-12);
          expect(r.serviceLevel).toBeGreaterThanOrEqual(1 - r.pWait - 1e-12);
          expect(r.pAbandon).toBeLessThanOrEqual(r.pWait + 1e-12);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('stays finite at every corner of the documented ranges', () => {
    for (const arrivalRate of [1e-9, 1e4])
      for (const averageHandleTime of [1e-3, 1e6])
        for (const patience of [1e-3, 1e6])
          for (const agents of [1, 20000])
            for (const targetTime of [0, 1e6]) {
              if (arrivalRate * averageHandleTime > 1e6) continue;
              const r = run({ arrivalRate, averageHandleTime, agents, targetTime, patience });
              for (const v of Object.values(r)) expect(Number.isFinite(v)).toBe(true);
            }
  });

  it('rejects bad patience and the shared queue inputs with codes', () => {
    const code = (input: ErlangAInput) => {
      const r = erlangA(input);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code({ ...example, agents: 5 })).toBe('ok');
    expect(code({ ...example, agents: 5, patience: 0 })).toBe('WORKFORCE.INVALID_PATIENCE');
    expect(code({ ...example, agents: 5, patience: -3 })).toBe('WORKFORCE.INVALID_PATIENCE');
    expect(code({ ...example, agents: 5, patience: Infinity })).toBe('WORKFORCE.INVALID_PATIENCE');
    expect(code({ ...example, agents: 5, patience: 1e-4 })).toBe('WORKFORCE.INVALID_PATIENCE');
    expect(code({ ...example, agents: 5, arrivalRate: 1e-10 })).toBe('WORKFORCE.INVALID_ARRIVAL_RATE');
    expect(code({ ...example, agents: 5, arrivalRate: 0 })).toBe('WORKFORCE.INVALID_ARRIVAL_RATE');
    expect(code({ ...example, agents: 5, averageHandleTime: 0 })).toBe('WORKFORCE.INVALID_HANDLE_TIME');
    expect(code({ ...example, agents: 20_001 })).toBe('WORKFORCE.TOO_MANY_AGENTS');
  });
});
