import { readFileSync } from 'node:fs';
import { unwrap } from '@switchboard/kernel';
import { describe, expect, it } from 'vitest';
import { engineOptionsFor, engineRoutingPort } from './engine-routing-port';
import { eventLogLine, reportFromEventLog } from './event-log';
import { fifoRoutingDouble } from './fifo-routing-double';
import type { AnyRoutingEvent, RoutingPortFactory } from './routing-port';
import type { Scenario } from './scenario';
import { parseScenario } from './scenario-parser';
import { runSimulation } from './simulation';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/tv-shopping.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

function tvShopping(seed?: number): Scenario {
  return unwrap(parseScenario(seed === undefined ? fixture : { ...fixture, seed }));
}

function runWithLog(
  scenario: Scenario,
  routing: RoutingPortFactory = engineRoutingPort(engineOptionsFor(scenario)),
) {
  const lines: string[] = [];
  const run = unwrap(
    runSimulation(scenario, { routing, onLogEvent: (e: AnyRoutingEvent) => lines.push(eventLogLine(e)) }),
  );
  return { run, lines };
}

describe('runSimulation', () => {
  it('is deterministic: the same seed gives the same report and the same event log', () => {
    const a = runWithLog(tvShopping());
    const b = runWithLog(tvShopping());
    expect(b.run.report).toEqual(a.run.report);
    expect(b.lines).toEqual(a.lines);
    const other = runWithLog(tvShopping(7));
    expect(other.run.report.totals.offered).not.toBe(a.run.report.totals.offered);
  });

  it('recomputes exactly the same report from its event log', () => {
    const { run, lines } = runWithLog(tvShopping());
    expect(lines[0]).toMatch(/^\{"type":"SimulationStarted"/);
    expect(lines.at(-1)).toMatch(/^\{"type":"SimulationEnded"/);
    expect(unwrap(reportFromEventLog(lines))).toEqual(run.report);
  });

  it('reports a TV-shopping spike: the spike interval offers most and serves worst', () => {
    const { report } = runWithLog(tvShopping()).run;
    const orders = report.intervals.map((i) => i.queues['orders']!);
    // The empirical profile is replayed exactly (short abandons are arrivals too, just not offered).
    expect(orders.map((o) => o.offered + o.shortAbandoned)).toEqual([
      60, 70, 85, 420, 380, 210, 130, 95, 75, 60, 45, 30,
    ]);
    const spike = orders[3]!;
    expect(spike.abandonRate!).toBeGreaterThan(orders[1]!.abandonRate!);
    expect(spike.serviceLevel!).toBeLessThan(orders[1]!.serviceLevel!);
    const t = report.totals;
    expect(t.offered).toBe(t.answered + t.abandoned + t.overflowed + t.unresolved);
  });

  it('drives its own machinery the same way through the FIFO test double (one queue, no skills)', () => {
    const scenario = unwrap(
      parseScenario({
        seed: 9,
        intervals: { seconds: 1800, count: 4 },
        queues: [
          {
            id: 'q',
            arrivals: { kind: 'poisson', callsPerInterval: [100, 200, 150, 50] },
            handleTime: { kind: 'lognormal', mean: 120, sd: 60 },
            wrapUpTime: { kind: 'exponential', mean: 20 },
            patience: { kind: 'exponential', mean: 60 },
          },
        ],
        agentGroups: [
          {
            id: 'a',
            count: 8,
            queues: ['q'],
            breaks: [{ start: 1800, durationSeconds: 600, staggerSeconds: 1800 }],
          },
        ],
      }),
    );
    const engine = runWithLog(scenario).run.report;
    const double = runWithLog(scenario, fifoRoutingDouble).run.report;
    // With one skill-less queue and longest-idle routing the real engine and the double agree.
    expect(double).toEqual(engine);
  });

  it('rejects a routing step the engine refuses, naming the scenario field', () => {
    const json = structuredClone(fixture) as { queues: { routing: { steps: { expression: string }[] } }[] };
    json.queues[1]!.routing.steps[0]!.expression = 'skills.servce >= 1';
    const scenario = unwrap(parseScenario(json));
    const result = runSimulation(scenario, { routing: engineRoutingPort(engineOptionsFor(scenario)) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('SIM.ROUTING_REJECTED');
    expect(result.error.message).toMatch(/^queues\[1\]\.routing: ROUTING\.UNKNOWN_SKILL: /);
  });

  it('follows overflow to another queue and counts the contact under the queue it entered first', () => {
    const scenario = unwrap(
      parseScenario({
        intervals: { seconds: 1800, count: 2 },
        queues: [
          {
            id: 'front',
            arrivals: { kind: 'empirical', counts: [20, 0] },
            handleTime: { kind: 'fixed', value: 10 },
            routing: {
              steps: [{ expression: '*' }],
              maxWaitSeconds: 30,
              maxWaitAction: { kind: 'queue', queueId: 'back' },
            },
          },
          {
            id: 'back',
            arrivals: { kind: 'empirical', counts: [0, 0] },
            handleTime: { kind: 'fixed', value: 10 },
          },
        ],
        agentGroups: [{ id: 'b', count: 5, queues: ['back'] }],
      }),
    );
    const { report } = runWithLog(scenario).run;
    expect(report.totals.queues['front']).toMatchObject({
      offered: 20,
      answered: 20,
      answeredWithinThreshold: 0,
    });
    expect(report.totals.queues['back']!.offered).toBe(0);
    expect(report.totals.asa!).toBeGreaterThanOrEqual(30);
  });

  it('counts ringing as waiting: the answer delay is part of every answered wait', () => {
    const scenario = unwrap(
      parseScenario({
        answerDelaySeconds: 4,
        intervals: { seconds: 3600, count: 1 },
        queues: [
          { id: 'q', arrivals: { kind: 'empirical', counts: [3] }, handleTime: { kind: 'fixed', value: 1 } },
        ],
        agentGroups: [{ id: 'a', count: 3, queues: ['q'] }],
      }),
    );
    const totals = runWithLog(scenario).run.report.totals;
    expect(totals.answered).toBe(3);
    expect(totals.asa).toBeCloseTo(4, 9);
    expect(totals.aht).toBeCloseTo(1, 9);
  });
});
