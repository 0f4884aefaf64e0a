import { describe, expect, it } from 'vitest';
import { arrivalRateFromVolume } from './arrival-rate';
import { erlangA } from './erlang-a';
import { erlangC } from './erlang-c';
import { requiredAgentsErlangA, requiredAgentsErlangC } from './required-agents';
import { scheduledAgents } from './shrinkage';

const example = { arrivalRate: 100 / 1800, averageHandleTime: 180, targetTime: 20 };

const slC = (agents: number, input = example) => {
  const r = erlangC({ ...input, agents });
  return r.ok ? r.value.serviceLevel : 0;
};

describe('requiredAgentsErlangC', () => {
  it('staffs the classic example at 14 agents for 80 % in 20 s', () => {
    const r = requiredAgentsErlangC({ ...example, serviceLevel: 0.8 });
    expect(r.ok && r.value.agents).toBe(14);
    expect(r.ok && r.value.serviceLevel).toBeCloseTo(0.888350019179467, 12);
    expect(slC(13)).toBeLessThan(0.8);
  });

  it('finds the smallest count at 19,500 erlangs', () => {
    const big = { arrivalRate: 19500 / 300, averageHandleTime: 300, targetTime: 20 };
    const r = requiredAgentsErlangC({ ...big, serviceLevel: 0.9 });
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value.serviceLevel).toBeGreaterThanOrEqual(0.9);
    expect(slC(r.value.agents - 1, big)).toBeLessThan(0.9);
    expect(r.value.agents).toBeGreaterThan(19500);
    expect(r.value.agents).toBeLessThan(19700);
  });

  it('agrees with a linear scan', () => {
    for (const [load, target, goal] of [
      [0.3, 10, 0.5],
      [4.2, 30, 0.9],
      [57, 15, 0.8],
      [230, 60, 0.95],
    ] as const) {
      const input = { arrivalRate: load / 200, averageHandleTime: 200, targetTime: target };
      let n = Math.floor(load) + 1;
      while (slC(n, input) < goal) n++;
      const r = requiredAgentsErlangC({ ...input, serviceLevel: goal });
      expect(r.ok && r.value.agents).toBe(n);
    }
  });

  it('rejects goals outside (0, 1) and loads beyond the agent maximum', () => {
    const code = (serviceLevel: number, arrivalRate = example.arrivalRate) => {
      const r = requiredAgentsErlangC({ ...example, arrivalRate, serviceLevel });
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code(0)).toBe('WORKFORCE.INVALID_SERVICE_LEVEL');
    expect(code(1)).toBe('WORKFORCE.INVALID_SERVICE_LEVEL');
    expect(code(1.5)).toBe('WORKFORCE.INVALID_SERVICE_LEVEL');
    expect(code(0.8, 25000 / 180)).toBe('WORKFORCE.TARGET_UNREACHABLE');
    expect(code(0.8, 0)).toBe('WORKFORCE.INVALID_ARRIVAL_RATE');
  });
});

describe('requiredAgentsErlangA', () => {
  const withPatience = { ...example, patience: 120 };
  const measure = (agents: number, input = withPatience) => {
    const r = erlangA({ ...input, agents });
    if (!r.ok) throw new Error(r.error.code);
    return r.value;
  };

  it('needs fewer agents than Erlang C when callers give up', () => {
    const r = requiredAgentsErlangA({ ...withPatience, serviceLevel: 0.8 });
    expect(r.ok && r.value.agents).toBe(12);
    expect(measure(11).serviceLevel).toBeLessThan(0.8);
  });

  it('adds agents until the abandonment cap holds too', () => {
    const r = requiredAgentsErlangA({ ...withPatience, serviceLevel: 0.8, maxAbandonRate: 0.02 });
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value.pAbandon).toBeLessThanOrEqual(0.02);
    expect(measure(r.value.agents - 1).pAbandon).toBeGreaterThan(0.02);
    expect(r.value.agents).toBeGreaterThan(12);
  });

  it('may staff below the offered load at 19,500 erlangs (80-digit reference: 17,652 falls short)', () => {
    const big = { arrivalRate: 19500 / 300, averageHandleTime: 300, targetTime: 20, patience: 180 };
    const r = requiredAgentsErlangA({ ...big, serviceLevel: 0.8 });
    expect(r.ok && r.value.agents).toBe(17653);
    expect(measure(17652, big).serviceLevel).toBeCloseTo(0.799728416224211, 9);
  });

  it('rejects bad goals and unreachable ones with codes', () => {
    const code = (extra: Partial<Parameters<typeof requiredAgentsErlangA>[0]>) => {
      const r = requiredAgentsErlangA({ ...withPatience, serviceLevel: 0.8, ...extra });
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code({ maxAbandonRate: 0 })).toBe('WORKFORCE.INVALID_ABANDON_RATE');
    expect(code({ serviceLevel: -0.1 })).toBe('WORKFORCE.INVALID_SERVICE_LEVEL');
    expect(code({ patience: 0 })).toBe('WORKFORCE.INVALID_PATIENCE');
    expect(code({ arrivalRate: 30000 / 180, serviceLevel: 0.95 })).toBe('WORKFORCE.TARGET_UNREACHABLE');
  });
});

describe('scheduledAgents and arrivalRateFromVolume', () => {
  it('grosses agents up for shrinkage, exact quotients not rounded up', () => {
    expect(scheduledAgents(14, 0.3)).toEqual({ ok: true, value: 20 });
    expect(scheduledAgents(12, 0.25)).toEqual({ ok: true, value: 16 });
    expect(scheduledAgents(12, 0)).toEqual({ ok: true, value: 12 });
    const bad = (s: number) => {
      const r = scheduledAgents(10, s);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(bad(1)).toBe('WORKFORCE.INVALID_SHRINKAGE');
    expect(bad(-0.1)).toBe('WORKFORCE.INVALID_SHRINKAGE');
  });

  it('turns a forecast volume into a rate per second', () => {
    expect(arrivalRateFromVolume(100, 1800)).toEqual({ ok: true, value: 100 / 1800 });
    const code = (calls: number, interval: number) => {
      const r = arrivalRateFromVolume(calls, interval);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code(-1, 1800)).toBe('WORKFORCE.INVALID_CALL_VOLUME');
    expect(code(100, 0)).toBe('WORKFORCE.INVALID_INTERVAL');
  });
});
