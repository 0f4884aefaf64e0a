import { unwrap } from '@switchboard/kernel';
import { describe, expect, it } from 'vitest';
import { engineRoutingPort } from './engine-routing-port';
import type { SimEvent } from './routing-port';
import { parseScenario } from './scenario-parser';
import { runSimulation, SIMULATION_EPOCH_MS } from './simulation';

/** Runs a scenario on the routing engine; returns the report and the agent/contact events seen. */
function simulate(json: Record<string, unknown>) {
  const events: SimEvent[] = [];
  const run = unwrap(
    runSimulation(unwrap(parseScenario(json)), {
      routing: engineRoutingPort(),
      onEvent: (e) => events.push(e),
    }),
  );
  const seconds = (e: SimEvent): number => (e.data.at - SIMULATION_EPOCH_MS) / 1000;
  const of = (type: SimEvent['type'], agentId?: string) =>
    events.filter(
      (e) =>
        e.type === type && (agentId === undefined || ('agentId' in e.data && e.data.agentId === agentId)),
    );
  return { report: run.report, events, seconds, of };
}

/** One queue with exactly `counts[i]` calls in interval i and a fixed handle and wrap-up time. */
function scenario(
  counts: number[],
  intervalSeconds: number,
  agentGroups: unknown[],
  handle = 400,
  wrap = 60,
) {
  return {
    intervals: { seconds: intervalSeconds, count: counts.length },
    queues: [
      {
        id: 'q',
        arrivals: { kind: 'empirical', counts },
        handleTime: { kind: 'fixed', value: handle },
        wrapUpTime: { kind: 'fixed', value: wrap },
      },
    ],
    agentGroups,
  };
}

describe('agent shifts and breaks', () => {
  it('agents log in at the start of their shift and out at its end', () => {
    const { report, of, seconds } = simulate(
      scenario([0, 0, 0, 0], 900, [{ id: 'day', count: 3, queues: ['q'], shift: { start: 900, end: 2700 } }]),
    );
    expect(report.intervals.map((i) => i.agentsLoggedIn)).toEqual([0, 3, 3, 0]);
    expect(of('AgentLoggedIn').map(seconds)).toEqual([900, 900, 900]);
    expect(of('AgentLoggedOut').map(seconds)).toEqual([2700, 2700, 2700]);
  });

  it('an agent whose shift ends mid-call takes no new contact, finishes it and wrap-up, then logs out', () => {
    const { report, of, seconds } = simulate(
      scenario(
        [1, 5, 0, 0],
        600,
        [{ id: 'a', count: 1, queues: ['q'], shift: { start: 0, end: 600 } }],
        1200,
        60,
      ),
    );
    const [answered] = of('ContactAnswered');
    const handledUntil = seconds(answered!) + 1260;
    const notReady = of('AgentBecameNotReady');
    expect(notReady.map((e) => [seconds(e), e.type === 'AgentBecameNotReady' && e.data.reason])).toEqual([
      [600, 'end-of-shift'],
    ]);
    expect(seconds(of('AgentWrapUpEnded')[0]!)).toBeCloseTo(handledUntil, 6);
    expect(seconds(of('AgentLoggedOut')[0]!)).toBeCloseTo(handledUntil, 6);
    // The five callers of the second interval never reach an agent, and nothing else is answered.
    expect(of('ContactAnswered')).toHaveLength(1);
    expect(report.totals).toMatchObject({ offered: 6, answered: 1, unresolved: 5, aht: 1260 });
  });

  it('a break due mid-call starts when wrap-up ends and lasts its full length; an idle agent goes at once', () => {
    const { of, seconds } = simulate(
      scenario([1, 0, 0, 0, 0, 0], 300, [
        { id: 'a', count: 2, queues: ['q'], breaks: [{ start: 300, durationSeconds: 600 }] },
      ]),
    );
    const answered = of('ContactAnswered')[0]!;
    const busyAgent = answered.type === 'ContactAnswered' ? answered.data.agentId : '';
    const idleAgent = busyAgent === 'a-1' ? 'a-2' : 'a-1';
    const wrapEnd = seconds(answered) + 460;
    expect(of('AgentBecameNotReady', busyAgent).map(seconds)).toEqual([300]);
    expect(of('AgentBecameReady', busyAgent).map(seconds).slice(1)).toEqual([wrapEnd + 600]);
    expect(of('AgentBecameNotReady', idleAgent).map(seconds)).toEqual([300]);
    expect(of('AgentBecameReady', idleAgent).map(seconds).slice(1)).toEqual([900]);
  });

  it('staggers a group break so the team does not leave the phones at once', () => {
    const { of, seconds } = simulate(
      scenario([0, 0, 0, 0], 900, [
        {
          id: 't',
          count: 4,
          queues: ['q'],
          breaks: [{ start: 600, durationSeconds: 300, staggerSeconds: 1200 }],
        },
      ]),
    );
    expect(
      of('AgentBecameNotReady').map((e) => [e.type === 'AgentBecameNotReady' && e.data.agentId, seconds(e)]),
    ).toEqual([
      ['t-1', 600],
      ['t-2', 900],
      ['t-3', 1200],
      ['t-4', 1500],
    ]);
    expect(of('AgentBecameReady').map(seconds).slice(4)).toEqual([900, 1200, 1500, 1800]);
  });

  it('agents on break are neither handling nor available, so occupancy ignores break time', () => {
    const { report } = simulate(
      scenario([0, 0], 900, [
        { id: 'a', count: 1, queues: ['q'], breaks: [{ start: 0, durationSeconds: 900 }] },
      ]),
    );
    expect(report.intervals.map((i) => i.occupancy)).toEqual([null, 0]);
    expect(report.intervals.map((i) => i.agentsLoggedIn)).toEqual([1, 1]);
  });
});
