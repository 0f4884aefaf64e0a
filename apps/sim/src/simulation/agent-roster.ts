import type { ScenarioAgentGroup } from './scenario';

/** What a planned step of an agent's day does. */
export const ShiftStepKind = { logIn: 0, startBreak: 1, logOut: 2 } as const;
export type ShiftStepKind = (typeof ShiftStepKind)[keyof typeof ShiftStepKind];

/** One planned step of one agent's day, seconds from the simulation start. */
export interface ShiftStep {
  readonly atSeconds: number;
  readonly agent: number;
  readonly kind: ShiftStepKind;
  /** Break length, for `startBreak`. */
  readonly durationSeconds: number;
}

/** One simulated agent: its id and the group it belongs to. */
export interface RosterAgent {
  readonly id: string;
  readonly group: ScenarioAgentGroup;
}

/** The agents of a scenario and the steps of their day (log in, breaks, log out), in time order. */
export interface Roster {
  readonly agents: readonly RosterAgent[];
  readonly steps: readonly ShiftStep[];
}

/**
 * Expands agent groups into agents (`<group>-1` … `<group>-<count>`) and their planned day. A
 * group's breaks are staggered: agent i of n takes a break at `start + (i / n) · staggerSeconds`, so
 * a whole team does not leave the phones at once. A shift without an end lasts until the run ends.
 */
export function buildRoster(groups: readonly ScenarioAgentGroup[]): Roster {
  const agents: RosterAgent[] = [];
  const steps: ShiftStep[] = [];
  for (const group of groups) {
    for (let i = 0; i < group.count; i++) {
      const agent = agents.length;
      agents.push({ id: `${group.id}-${i + 1}`, group });
      const { start, end } = group.shift;
      steps.push({ atSeconds: start, agent, kind: ShiftStepKind.logIn, durationSeconds: 0 });
      for (const b of group.breaks) {
        const atSeconds = b.start + (i / group.count) * b.staggerSeconds;
        steps.push({ atSeconds, agent, kind: ShiftStepKind.startBreak, durationSeconds: b.durationSeconds });
      }
      if (end !== null) steps.push({ atSeconds: end, agent, kind: ShiftStepKind.logOut, durationSeconds: 0 });
    }
  }
  // Stable sort: at equal times the order above (log in before breaks before log out) holds.
  steps.sort((a, b) => a.atSeconds - b.atSeconds);
  return { agents, steps };
}
