import { ok } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import type { RoutingCommand } from '../commands';
import { routingScenario } from '../routing-scenario';
import type { StrategyConfig } from './queue-config';
import { OccupancyMeter } from '../agent/occupancy-meter';

const T0 = Date.UTC(2026, 0, 5, 9);
const login = (agentId: string, sales = 5): RoutingCommand => ({
  type: 'LogInAgent',
  agentId,
  channels: [{ channel: 'voice', capacity: 1 }],
  skills: { sales },
  queues: ['q1'],
  ready: true,
});

/** Offers `n` contacts one by one; each is answered and ended at once (no wrap-up). */
function serve(s: ReturnType<typeof routingScenario>, n: number, talkMs = 0): string[] {
  const agents: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `c${s.log.length}-${i}`;
    const offer = s
      .when({ type: 'EnqueueContact', contactId: id, queueId: 'q1' })
      .events.find((e) => e.type === 'ContactOffered');
    const agentId = (offer?.data as { agentId: string }).agentId;
    agents.push(agentId);
    s.given({ type: 'AnswerContact', contactId: id, agentId });
    if (talkMs > 0) s.advance(talkMs);
    s.given({ type: 'EndContact', contactId: id });
  }
  return agents;
}

function scenario(strategy: StrategyConfig, agents: RoutingCommand[], clock = new VirtualClock(T0)) {
  return routingScenario(clock).given(
    {
      type: 'ConfigureQueue',
      queue: {
        queueId: 'q1',
        steps: [{ expression: 'skills.sales >= 1' }],
        strategy,
        wrapUp: { seconds: 0 },
      },
    },
    ...agents,
  );
}

describe('routing strategies', () => {
  it('longest idle: the agent free the longest gets the next contact', () => {
    const clock = new VirtualClock(T0);
    const s = scenario({ kind: 'longest-idle' }, [login('a1')], clock);
    clock.advance(1_000);
    s.given(login('a2'));
    clock.advance(1_000);
    s.given(login('a3'));
    expect(serve(s, 4, 10)).toEqual(['a1', 'a2', 'a3', 'a1']);
  });

  it('round robin: takes turns in login order regardless of idle time', () => {
    const s = scenario({ kind: 'round-robin' }, [login('a1'), login('a2'), login('a3')]);
    expect(serve(s, 6)).toEqual(['a1', 'a2', 'a3', 'a1', 'a2', 'a3']);
  });

  it('highest skill level first', () => {
    const s = scenario({ kind: 'highest-skill', skill: 'sales' }, [
      login('low', 2),
      login('top', 9),
      login('mid', 5),
    ]);
    expect(serve(s, 3)).toEqual(['top', 'top', 'top']);
  });

  it('fewest contacts today, counting from local midnight', () => {
    const clock = new VirtualClock(T0);
    const s = scenario({ kind: 'fewest-contacts-today' }, [login('a1')], clock);
    serve(s, 3);
    s.given(login('a2'));
    expect(serve(s, 3)).toEqual(['a2', 'a2', 'a2']);
    expect(serve(s, 2)).toEqual(['a1', 'a2']);
  });

  it('least occupied over a window: the agent who handled less recently goes first', () => {
    const clock = new VirtualClock(T0);
    const s = scenario({ kind: 'least-occupied', windowMinutes: 30 }, [login('busy')], clock);
    serve(s, 1, 600_000);
    s.given(login('fresh'));
    clock.advance(60_000);
    expect(serve(s, 1)).toEqual(['fresh']);
  });

  it('plugs in a custom strategy by kind', () => {
    const clock = new VirtualClock(T0);
    const s = routingScenario(clock, {
      strategies: { 'reverse-login': () => ok({ kind: 'reverse-login', key: (a) => [-a.idleSince, 0] }) },
    }).given(
      {
        type: 'ConfigureQueue',
        queue: { queueId: 'q1', steps: [{ expression: '*' }], strategy: { kind: 'reverse-login' } },
      },
      login('a1'),
    );
    clock.advance(1_000);
    s.given(login('a2'));
    expect(serve(s, 1)).toEqual(['a2']);
  });
});

describe('OccupancyMeter', () => {
  it('measures handle / (handle + available) over a sliding window', () => {
    const m = new OccupancyMeter();
    m.switchTo('available', 0);
    m.switchTo('handling', 60_000);
    m.switchTo('available', 240_000);
    expect(m.occupancy(5, 300_000)).toBeCloseTo(180 / 300);
    m.switchTo('away', 300_000);
    expect(m.occupancy(60, 300_000 + 3_600_000 * 2)).toBe(0);
  });
});
