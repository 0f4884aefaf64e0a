import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import { AgentDay } from './agent-day';
import { buildRoster, ShiftStepKind, type Roster, type ShiftStep } from './agent-roster';
import { ContactPhase, ContactTable } from './contact-table';
import { EventCalendar } from './event-calendar';
import { ImmediateQueue } from './immediate-queue';
import { IntervalStatistics } from './interval-statistics';
import type { AnyRoutingEvent, RoutingEventSink, RoutingPort, SimCommand, SimEvent } from './routing-port';
import { horizonSeconds, type Scenario } from './scenario';
import { buildQueues, queueConfigOf, type SimulationQueue } from './simulation-queue';
import {
  routingRejected,
  SIMULATION_EPOCH_MS,
  statisticsSetupOf,
  type SimulationOptions,
  type SimulationRun,
} from './simulation-setup';

export type { SimulationOptions, SimulationRun } from './simulation-setup';
export { SIMULATION_EPOCH_MS } from './simulation-setup';

/** Calendar event kinds. */
const Kind = {
  arrival: 1,
  answer: 2,
  talkEnd: 3,
  wrapEnd: 4,
  abandon: 5,
  routingWake: 6,
  shiftStep: 7,
  breakEnd: 8,
  agentFreed: 9,
} as const;

/**
 * Runs a scenario on a virtual clock against a routing engine: callers arrive, routing offers them
 * to agents, agents answer, talk, wrap up, go on break and end their shifts, callers lose patience.
 * Deterministic: the same scenario (seed included) and engine give the same report, event for event.
 *
 * Rejects with `SIM.ROUTING_REJECTED` when routing refuses the scenario's queues or agents.
 */
export function runSimulation(
  scenario: Scenario,
  options: SimulationOptions,
): Result<SimulationRun, Rejection> {
  const simulation = new Simulation(scenario, options);
  const setup = simulation.configure();
  if (setup !== undefined) return err(setup);
  return ok(simulation.run());
}

class Simulation implements RoutingEventSink {
  private readonly calendar = new EventCalendar();
  private readonly contacts = new ContactTable();
  private readonly queues: SimulationQueue[];
  private readonly queueIndex = new Map<string, number>();
  private readonly roster: Roster;
  private readonly agents: AgentDay;
  private readonly stats: IntervalStatistics;
  private readonly routing: RoutingPort;
  private readonly originMs: number;
  private readonly soon = new ImmediateQueue();
  private wakeAt = Infinity;
  private calendarEvents = 0;
  private routingEvents = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly options: SimulationOptions,
  ) {
    this.originMs = SIMULATION_EPOCH_MS + scenario.startClockSeconds * 1000;
    this.queues = buildQueues(scenario);
    this.queues.forEach((q) => this.queueIndex.set(q.spec.id, q.index));
    this.roster = buildRoster(scenario.agentGroups);
    this.agents = new AgentDay(this.roster.agents);
    this.stats = new IntervalStatistics(statisticsSetupOf(scenario, this.originMs));
    this.routing = options.routing(this);
  }

  /** Configures routing's queues and plans the first events; a rejection names the field. */
  configure(): Rejection | undefined {
    this.options.onLogEvent?.({
      type: 'SimulationStarted',
      data: { at: this.originMs, ...this.stats.setup },
    });
    // Overflow targets must exist when a queue names them: configure every queue without its
    // overflow-to-queue actions first, then again with them.
    for (const pass of [false, true])
      for (const q of this.queues) {
        const config = queueConfigOf(q.spec, this.scenario.shortAbandonSeconds, pass);
        if (config === undefined) continue;
        const refused = this.routing.execute({ type: 'ConfigureQueue', queue: config }, this.originMs);
        if (refused !== undefined) return routingRejected(`queues[${q.index}].routing`, refused);
      }
    for (const q of this.queues) this.scheduleArrival(q);
    this.roster.steps.forEach((step, i) =>
      this.calendar.schedule(this.msOf(step.atSeconds), Kind.shiftStep, i),
    );
    return undefined;
  }

  run(): SimulationRun {
    const stopAt = this.msOf(horizonSeconds(this.scenario) + this.scenario.drainSeconds);
    const calendar = this.calendar;
    let now = this.originMs;
    while (calendar.peekTime() <= stopAt && calendar.next()) {
      now = calendar.time;
      this.calendarEvents++;
      this.dispatch(calendar.kind, calendar.ref, calendar.aux, now);
      // Reactions due at this same instant run next, without a round trip through the heap.
      const soon = this.soon;
      while (soon.shift()) this.dispatch(soon.kind, soon.ref, soon.aux, now);
      this.syncWake(now);
    }
    if (calendar.size > 0) now = stopAt;
    this.stats.close(now);
    this.options.onLogEvent?.({ type: 'SimulationEnded', data: { at: now } });
    return {
      report: this.stats.report(),
      contacts: this.contacts.size,
      calendarEvents: this.calendarEvents,
      routingEvents: this.routingEvents,
      endSeconds: (now - this.originMs) / 1000,
    };
  }

  private dispatch(kind: number, ref: number, aux: number, now: number): void {
    switch (kind) {
      case Kind.arrival:
        return this.arrive(this.queues[ref] as SimulationQueue, now);
      case Kind.routingWake:
        if (now >= this.wakeAt) this.wakeAt = Infinity;
        return this.routing.advanceTo(now);
      case Kind.shiftStep:
        return this.shiftStep(this.roster.steps[ref] as ShiftStep, now);
      case Kind.breakEnd:
        return this.agents.breakEnded(ref, aux, now, this.agentCommands);
      case Kind.agentFreed:
        return this.agents.freed(ref, now, this.agentCommands);
      default:
        return this.contactStep(kind, ref, aux, now);
    }
  }

  /**
   * A timed step of contact `c`; each is skipped when the contact moved on since it was scheduled
   * (a caller whose patience runs out after being answered does not hang up).
   */
  private contactStep(kind: number, c: number, offer: number, now: number): void {
    const contacts = this.contacts;
    const phase = contacts.phase(c);
    const contactId = contacts.id(c);
    switch (kind) {
      case Kind.answer:
        if (phase !== ContactPhase.offered || contacts.offerNumber(c) !== offer) return;
        return this.command(
          { type: 'AnswerContact', contactId, agentId: this.agents.idOf(contacts.agent(c)) },
          now,
        );
      case Kind.talkEnd:
        if (phase !== ContactPhase.connected) return;
        return this.command({ type: 'EndContact', contactId }, now);
      case Kind.wrapEnd:
        if (phase !== ContactPhase.wrapUp) return;
        return this.command(
          { type: 'CompleteWrapUp', agentId: this.agents.idOf(contacts.agent(c)), contactId },
          now,
        );
      case Kind.abandon:
        if (phase !== ContactPhase.waiting && phase !== ContactPhase.offered) return;
        return this.command({ type: 'AbandonContact', contactId }, now);
    }
  }

  private arrive(q: SimulationQueue, now: number): void {
    const i = this.contacts.add(q.index);
    const type = q.contactType();
    const { priority, attributes } = type;
    this.command(
      { type: 'EnqueueContact', contactId: this.contacts.id(i), queueId: q.spec.id, priority, attributes },
      now,
    );
    if (q.patience !== null) this.calendar.schedule(now + q.patience.sample() * 1000, Kind.abandon, i);
    this.scheduleArrival(q);
  }

  private scheduleArrival(q: SimulationQueue): void {
    const t = q.arrivals.next();
    if (t !== Infinity) this.calendar.schedule(this.msOf(t), Kind.arrival, q.index);
  }

  private shiftStep(step: ShiftStep, now: number): void {
    const a = step.agent;
    if (step.kind === ShiftStepKind.logIn) {
      const { id, group } = this.roster.agents[a] as Roster['agents'][number];
      const { skills, attributes, queues } = group;
      const channels = [{ channel: 'voice', capacity: 1 }] as const;
      this.command(
        { type: 'LogInAgent', agentId: id, channels, skills, attributes, queues, ready: true },
        now,
      );
    } else if (step.kind === ShiftStepKind.startBreak) {
      this.agents.startBreak(a, step.durationSeconds * 1000, now, this.agentCommands);
    } else this.agents.endShift(a, now, this.agentCommands);
  }

  /** What {@link AgentDay} may do: send commands and schedule its own calendar events. */
  private readonly agentCommands = {
    command: (command: SimCommand, at: number): void => this.command(command, at),
    scheduleBreakEnd: (agent: number, at: number, generation: number): void =>
      this.calendar.schedule(at, Kind.breakEnd, agent, generation),
  };

  /** Sends a command to routing; a refusal here is a bug in the simulator or in routing. */
  private command(command: SimCommand, at: number): void {
    const refused = this.routing.execute(command, at);
    if (refused !== undefined)
      throw new Error(`routing refused ${command.type} at ${at}: ${refused.code} ${refused.message}`);
  }

  /** Keeps one calendar event at routing's earliest pending timer. */
  private syncWake(now: number): void {
    const due = this.routing.nextDeadline();
    if (due === undefined || due >= this.wakeAt) return;
    this.wakeAt = due;
    this.calendar.schedule(Math.max(due, now), Kind.routingWake, 0);
  }

  onEvent(event: SimEvent): void {
    this.routingEvents++;
    this.options.onLogEvent?.(event);
    this.options.onEvent?.(event);
    this.stats.apply(event);
    this.react(event);
  }

  onOtherEvent(event: AnyRoutingEvent): void {
    this.routingEvents++;
    this.options.onLogEvent?.(event);
  }

  /**
   * Turns routing's decisions into future events. Nothing here calls routing back: a reaction that
   * needs a command at this same instant (answer an offer, log out an agent freed at the end of a
   * shift) waits in the immediate queue, so routing is never re-entered while it is handing out
   * events.
   */
  private react(event: SimEvent): void {
    const contacts = this.contacts;
    const at = event.data.at;
    switch (event.type) {
      case 'ContactOffered': {
        const c = ContactTable.indexOf(event.data.contactId);
        const agent = this.agents.indexOf(event.data.agentId);
        const offer = contacts.offer(c, agent);
        this.agents.took(agent);
        const delay = this.scenario.answerDelaySeconds * 1000;
        if (delay === 0) this.soon.push(Kind.answer, c, offer);
        else this.calendar.schedule(at + delay, Kind.answer, c, offer);
        return;
      }
      case 'ContactOfferTimedOut':
      case 'ContactOfferRejected':
      case 'ContactOfferRescinded':
        contacts.setPhase(ContactTable.indexOf(event.data.contactId), ContactPhase.waiting);
        return this.release(event.data.agentId);
      case 'ContactAnswered': {
        const c = ContactTable.indexOf(event.data.contactId);
        const q = this.queueIndex.get(event.data.queueId) ?? contacts.queue(c);
        contacts.setQueue(c, q);
        contacts.setPhase(c, ContactPhase.connected);
        this.calendar.schedule(
          at + (this.queues[q] as SimulationQueue).handleTime.sample() * 1000,
          Kind.talkEnd,
          c,
        );
        return;
      }
      case 'ContactEnded': {
        const c = ContactTable.indexOf(event.data.contactId);
        contacts.setPhase(c, ContactPhase.wrapUp);
        const wrap = (this.queues[contacts.queue(c)] as SimulationQueue).wrapUpTime.sample();
        this.calendar.schedule(at + wrap * 1000, Kind.wrapEnd, c);
        return;
      }
      case 'AgentWrapUpEnded':
        contacts.setPhase(ContactTable.indexOf(event.data.contactId), ContactPhase.done);
        return this.release(event.data.agentId);
      case 'ContactAbandoned':
        contacts.setPhase(ContactTable.indexOf(event.data.contactId), ContactPhase.done);
        return;
      case 'ContactOverflowed':
        if (event.data.action.kind !== 'queue')
          contacts.setPhase(ContactTable.indexOf(event.data.contactId), ContactPhase.done);
        return;
      case 'AgentLoggedIn':
        return this.agents.loggedInAgent(this.agents.indexOf(event.data.agentId));
      case 'AgentLoggedOut':
        return this.agents.loggedOut(this.agents.indexOf(event.data.agentId));
      default:
        return;
    }
  }

  private release(agentId: string): void {
    const agent = this.agents.indexOf(agentId);
    if (this.agents.released(agent)) this.soon.push(Kind.agentFreed, agent, 0);
  }

  private msOf(seconds: number): number {
    return this.originMs + seconds * 1000;
  }
}
