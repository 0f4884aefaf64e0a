import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erlangB } from './erlang-b';
import { erlangC, type ErlangCInput, type ErlangCResult } from './erlang-c';

const run = (input: ErlangCInput): ErlangCResult => {
  const r = erlangC(input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

// The classic staffing example: 100 calls per half hour, AHT 180 s, 20 s threshold (A = 10 erlangs).
const example = { arrivalRate: 100 / 1800, averageHandleTime: 180, targetTime: 20 };

describe('erlangC', () => {
  it('reproduces the classic example (references in 80-digit arithmetic)', () => {
    const eleven = run({ ...example, agents: 11 });
    expect(eleven.pWait).toBeCloseTo(0.682118204689332, 14);
    expect(eleven.serviceLevel).toBeCloseTo(0.389613811729153, 14);
    expect(eleven.asa).toBeCloseTo(122.78127684408, 10);
    expect(eleven.occupancy).toBeCloseTo(10 / 11, 15);
    const fourteen = run({ ...example, agents: 14 });
    expect(fourteen.pWait).toBeCloseTo(0.17413193359505, 14);
    expect(fourteen.serviceLevel).toBeCloseTo(0.888350019179467, 14);
    expect(fourteen.asa).toBeCloseTo(7.83593701177724, 12);
  });

  it('stays finite and accurate at 20,000 agents', () => {
    const big = run({ arrivalRate: 19500 / 300, averageHandleTime: 300, agents: 20000, targetTime: 20 });
    expect(big.pWait / 0.00019588568163769).toBeCloseTo(1, 10);
    expect(big.asa / 0.000117531408982614).toBeCloseTo(1, 10);
    expect(big.serviceLevel).toBeCloseTo(1, 12);
    const tight = run({ arrivalRate: 19990 / 300, averageHandleTime: 300, agents: 20000, targetTime: 20 });
    expect(tight.pWait).toBeCloseTo(0.914337976586201, 10);
    expect(tight.serviceLevel).toBeCloseTo(0.530563230239023, 10);
    expect(tight.asa).toBeCloseTo(27.430139297586, 7);
    const idle = run({ arrivalRate: 1 / 300, averageHandleTime: 300, agents: 20000, targetTime: 0 });
    expect(idle.pWait).toBe(0);
    expect(idle.serviceLevel).toBe(1);
  });

  it('relates to Erlang B as C = n·B / (n − A(1 − B)) and its measures are consistent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.double({ min: 0.01, max: 0.999, noNaN: true }),
        fc.double({ min: 0, max: 600, noNaN: true }),
        (agents, rho, target) => {
          const load = agents * rho;
          const r = run({ arrivalRate: load / 240, averageHandleTime: 240, agents, targetTime: target });
          const b = erlangB(load, agents);
          if (!b.ok) throw new Error(b.error.code);
          const B = b.value.blocking;
          expect(r.pWait).toBeCloseTo((agents * B) / (agents - load * (1 - B)), 10);
          expect(r.pWait).toBeGreaterThanOrEqual(B);
          expect(r.serviceLevel).toBeGreaterThanOrEqual(1 - r.pWait - 1e-12);
          expect(r.serviceLevel).toBeLessThanOrEqual(1);
          const asa = (r.pWait * 240) / (agents - load);
          expect(Math.abs(r.asa - asa)).toBeLessThanOrEqual(1e-12 * asa);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects a load the agents cannot carry, and bad inputs, with codes', () => {
    const code = (input: ErlangCInput) => {
      const r = erlangC(input);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code({ ...example, agents: 10 })).toBe('WORKFORCE.UNSTABLE_QUEUE');
    expect(code({ ...example, agents: 9 })).toBe('WORKFORCE.UNSTABLE_QUEUE');
    expect(code({ ...example, agents: 11, arrivalRate: 0 })).toBe('WORKFORCE.INVALID_ARRIVAL_RATE');
    expect(code({ ...example, agents: 11, arrivalRate: -1 })).toBe('WORKFORCE.INVALID_ARRIVAL_RATE');
    expect(code({ ...example, agents: 11, arrivalRate: 1e5 })).toBe('WORKFORCE.INVALID_ARRIVAL_RATE');
    expect(code({ ...example, agents: 11, averageHandleTime: 0 })).toBe('WORKFORCE.INVALID_HANDLE_TIME');
    expect(code({ ...example, agents: 11, averageHandleTime: 2e6 })).toBe('WORKFORCE.INVALID_HANDLE_TIME');
    expect(code({ ...example, agents: 11, targetTime: -1 })).toBe('WORKFORCE.INVALID_TARGET_TIME');
    expect(code({ ...example, agents: 0 })).toBe('WORKFORCE.INVALID_AGENTS');
    expect(code({ ...example, agents: 25_000 })).toBe('WORKFORCE.TOO_MANY_AGENTS');
    expect(code({ arrivalRate: 9000, averageHandleTime: 600, agents: 100, targetTime: 20 })).toBe(
      'WORKFORCE.INVALID_TRAFFIC',
    );
  });
});
