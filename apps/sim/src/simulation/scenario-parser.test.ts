import { describe, expect, it } from 'vitest';
import type { ScenarioProblem } from './scenario-fields';
import { parseScenario } from './scenario-parser';

/** A small valid scenario; tests break one thing at a time. */
function minimal(): Record<string, unknown> {
  return {
    intervals: { seconds: 1800, count: 2 },
    queues: [
      {
        id: 'sales',
        arrivals: { kind: 'poisson', callsPerInterval: 100 },
        handleTime: { kind: 'exponential', mean: 180 },
      },
    ],
    agentGroups: [{ id: 'team', count: 5, skills: { sales: 5 }, queues: ['sales'] }],
  };
}

function problemsOf(json: unknown): ScenarioProblem[] {
  const result = parseScenario(json);
  if (result.ok) throw new Error('expected the scenario to be rejected');
  expect(result.error.code).toBe('SIM.INVALID_SCENARIO');
  return result.error.details?.['problems'] as ScenarioProblem[];
}

describe('parseScenario', () => {
  it('fills in defaults for a minimal scenario', () => {
    const result = parseScenario(minimal());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const s = result.value;
    expect(s).toMatchObject({
      seed: 1,
      startClockSeconds: 0,
      intervalSeconds: 1800,
      intervalCount: 2,
      shortAbandonSeconds: 0,
    });
    expect(s.eventLog).toBeNull();
    const q = s.queues[0]!;
    expect(q.arrivals).toEqual({ kind: 'poisson', callsPerInterval: [100, 100] });
    expect(q.wrapUpTime).toEqual({ kind: 'fixed', value: 0 });
    expect(q.patience).toBeNull();
    expect(q.serviceLevelSeconds).toBe(20);
    expect(q.routing.steps).toEqual([{ expression: '*' }]);
    expect(q.contactTypes).toEqual([{ share: 1, priority: 0, attributes: {} }]);
    expect(s.agentGroups[0]!.shift).toEqual({ start: 0, end: null });
  });

  it('reads clock times against the start of the day, past midnight included', () => {
    const json = minimal();
    json['start'] = '18:00';
    json['agentGroups'] = [
      {
        id: 'late',
        count: 1,
        queues: ['sales'],
        shift: { start: '19:30', end: '01:00' },
        breaks: [{ start: '22:00', durationSeconds: 600, staggerSeconds: 1200 }],
      },
    ];
    const result = parseScenario(json);
    if (!result.ok) throw new Error(result.error.message);
    const g = result.value.agentGroups[0]!;
    expect(g.shift).toEqual({ start: 5400, end: 7 * 3600 });
    expect(g.breaks).toEqual([{ start: 4 * 3600, durationSeconds: 600, staggerSeconds: 1200 }]);
  });

  it('names the field of an absurd handle time', () => {
    const json = minimal();
    (json['queues'] as Record<string, unknown>[])[0]!['handleTime'] = { kind: 'exponential', mean: 0 };
    expect(problemsOf(json)).toEqual([
      { field: 'queues[0].handleTime.mean', message: 'must be greater than 0, got 0' },
    ]);
  });

  it('lists every problem at once, each with its field', () => {
    const json = minimal();
    json['intervals'] = { seconds: 1800, count: 3 };
    json['seed'] = -1;
    json['queues'] = [
      {
        id: 'sales',
        arrivals: { kind: 'empirical', counts: [10, 20] },
        handleTime: { kind: 'lognormal', mean: 200 },
        patience: { kind: 'gamma', mean: 60 },
        contactTypes: [{ share: 0.5 }, { share: 0.4 }],
      },
    ];
    json['agentGroups'] = [{ id: 'team', count: 0, skills: { sales: 11 }, queues: ['sales', 'support'] }];
    const fields = problemsOf(json).map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'seed',
        'queues[0].arrivals.counts',
        'queues[0].handleTime.sd',
        'queues[0].patience.kind',
        'queues[0].contactTypes',
        'agentGroups[0].count',
        'agentGroups[0].skills.sales',
      ]),
    );
    expect(problemsOf(json).find((p) => p.field === 'queues[0].arrivals.counts')?.message).toBe(
      'must have one value per interval (3), got 2',
    );
  });

  it('rejects unknown fields so a misspelt option is not silently ignored', () => {
    const json = minimal();
    (json['queues'] as Record<string, unknown>[])[0]!['wrapupTime'] = { kind: 'fixed', value: 30 };
    const [problem] = problemsOf(json);
    expect(problem?.field).toBe('queues[0].wrapupTime');
    expect(problem?.message).toMatch(/unknown field; expected one of .*'wrapUpTime'/);
  });

  it('rejects references to queues that do not exist', () => {
    const json = minimal();
    (json['agentGroups'] as Record<string, unknown>[])[0]!['queues'] = ['sales', 'support'];
    (json['queues'] as Record<string, unknown>[])[0]!['routing'] = {
      steps: [{ expression: '*' }],
      maxWaitSeconds: 300,
      maxWaitAction: { kind: 'queue', queueId: 'overflow' },
    };
    expect(problemsOf(json)).toEqual([
      { field: 'agentGroups[0].queues[1]', message: "unknown queue 'support'" },
      { field: 'queues[0].routing.maxWaitAction.queueId', message: "unknown queue 'overflow'" },
    ]);
  });

  it('requires a timeout on every routing step but the last, and a shift that ends after it starts', () => {
    const json = minimal();
    (json['queues'] as Record<string, unknown>[])[0]!['routing'] = {
      steps: [{ expression: 'skills.sales >= 7' }, { expression: 'skills.sales >= 1' }],
    };
    (json['agentGroups'] as Record<string, unknown>[])[0]!['shift'] = { start: 3600, end: '00:30' };
    expect(problemsOf(json)).toEqual([
      {
        field: 'queues[0].routing.steps[0].timeoutSeconds',
        message: 'is required on every step but the last',
      },
      { field: 'agentGroups[0].shift.end', message: 'must be after the shift start' },
    ]);
  });

  it('rejects what is not a scenario at all', () => {
    expect(problemsOf([1, 2])).toEqual([{ field: '(scenario)', message: 'must be an object, got an array' }]);
    expect(problemsOf({}).map((p) => p.field)).toEqual(['intervals', 'queues', 'agentGroups']);
  });

  it('rejects duplicate ids and too many agents', () => {
    const json = minimal();
    json['agentGroups'] = [
      { id: 'team', count: 15_000, queues: ['sales'] },
      { id: 'team', count: 15_000, queues: ['sales'] },
    ];
    expect(problemsOf(json)).toEqual([
      { field: 'agentGroups[1].id', message: "duplicate id 'team'" },
      { field: 'agentGroups', message: 'at most 20000 agents in all, got 30000' },
    ]);
  });
});
