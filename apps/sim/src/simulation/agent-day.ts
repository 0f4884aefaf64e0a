import type { RosterAgent } from './agent-roster';
import type { SimCommand } from './routing-port';

/** What an agent's day may do to the rest of the run. */
export interface AgentDayEffects {
  command(command: SimCommand, at: number): void;
  /** Schedules the end of a break; `generation` lets a superseded break end be recognised. */
  scheduleBreakEnd(agent: number, at: number, generation: number): void;
}

/** Not-ready reason of a planned break. */
export const BREAK_REASON = 'break';
/** Not-ready reason of an agent finishing the last contact of a shift. */
export const END_OF_SHIFT_REASON = 'end-of-shift';

/**
 * The planned day of each simulated agent against what actually happens on the phones. An agent
 * whose break or shift end falls due mid-call goes not ready at once ("no new contacts") and takes
 * the break, or logs out, when that contact's wrap-up ends; the break then lasts its full length.
 *
 * ```
 *  logged out ──shift start──▶ ready ⇄ handling
 *                                │ break due: not ready; break clock starts when free
 *                                ▼
 *                              break ──break over──▶ ready
 *  any state ──shift end──▶ not ready (end-of-shift) ──free──▶ logged out
 * ```
 */
export class AgentDay {
  private readonly ids: string[];
  private readonly index = new Map<string, number>();
  private readonly loggedIn: Uint8Array;
  private readonly busy: Uint8Array;
  private readonly onBreak: Uint8Array;
  private readonly leaving: Uint8Array;
  private readonly pendingBreakMs: Float64Array;
  private readonly breakGeneration: Int32Array;

  constructor(agents: readonly RosterAgent[]) {
    const n = agents.length;
    this.ids = agents.map((a) => a.id);
    this.ids.forEach((id, i) => this.index.set(id, i));
    this.loggedIn = new Uint8Array(n);
    this.busy = new Uint8Array(n);
    this.onBreak = new Uint8Array(n);
    this.leaving = new Uint8Array(n);
    this.pendingBreakMs = new Float64Array(n);
    this.breakGeneration = new Int32Array(n);
  }

  idOf(agent: number): string {
    return this.ids[agent] as string;
  }

  /** The index of an agent id; throws for an agent the run did not create (a routing bug). */
  indexOf(id: string): number {
    const i = this.index.get(id);
    if (i === undefined) throw new Error(`routing named an unknown agent '${id}'`);
    return i;
  }

  loggedInAgent(agent: number): void {
    this.loggedIn[agent] = 1;
  }

  loggedOut(agent: number): void {
    this.loggedIn[agent] = 0;
    this.busy[agent] = 0;
  }

  /** Routing offered the agent a contact: it is occupied until that contact's wrap-up ends. */
  took(agent: number): void {
    this.busy[agent] = 1;
  }

  /** The agent's contact is gone; true when a break or the end of the shift waits for this. */
  released(agent: number): boolean {
    this.busy[agent] = 0;
    return this.leaving[agent] === 1 || (this.pendingBreakMs[agent] as number) > 0;
  }

  /** A planned break falls due. */
  startBreak(agent: number, durationMs: number, now: number, effects: AgentDayEffects): void {
    if (this.loggedIn[agent] === 0 || this.leaving[agent] === 1) return;
    const generation = (this.breakGeneration[agent] as number) + 1;
    this.breakGeneration[agent] = generation;
    if (this.onBreak[agent] === 0) {
      this.onBreak[agent] = 1;
      effects.command({ type: 'SetAgentNotReady', agentId: this.idOf(agent), reason: BREAK_REASON }, now);
    }
    if (this.busy[agent] === 1) this.pendingBreakMs[agent] = durationMs;
    else effects.scheduleBreakEnd(agent, now + durationMs, generation);
  }

  /** A break's time is up (unless a later break or the end of the shift superseded it). */
  breakEnded(agent: number, generation: number, now: number, effects: AgentDayEffects): void {
    if (generation !== this.breakGeneration[agent] || this.onBreak[agent] === 0) return;
    if (this.loggedIn[agent] === 0 || this.leaving[agent] === 1) return;
    this.onBreak[agent] = 0;
    effects.command({ type: 'SetAgentReady', agentId: this.idOf(agent) }, now);
  }

  /** The shift is over: log out now, or after the contact in hand. */
  endShift(agent: number, now: number, effects: AgentDayEffects): void {
    if (this.loggedIn[agent] === 0 || this.leaving[agent] === 1) return;
    this.leaving[agent] = 1;
    const agentId = this.idOf(agent);
    if (this.busy[agent] === 0) effects.command({ type: 'LogOutAgent', agentId }, now);
    else effects.command({ type: 'SetAgentNotReady', agentId, reason: END_OF_SHIFT_REASON }, now);
  }

  /** The agent became free with a break or a log-out waiting for it. */
  freed(agent: number, now: number, effects: AgentDayEffects): void {
    if (this.busy[agent] === 1 || this.loggedIn[agent] === 0) return;
    if (this.leaving[agent] === 1) {
      effects.command({ type: 'LogOutAgent', agentId: this.idOf(agent) }, now);
      return;
    }
    const pending = this.pendingBreakMs[agent] as number;
    if (pending <= 0) return;
    this.pendingBreakMs[agent] = 0;
    effects.scheduleBreakEnd(agent, now + pending, this.breakGeneration[agent] as number);
  }
}
