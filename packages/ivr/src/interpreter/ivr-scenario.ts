import { createFlowRegistry, type FlowRegistry } from '../flow/flow-registry';
import type { Flow } from '../flow/flow-types';
import type { IvrEffect } from './ivr-effect';
import type { IvrEvent } from './ivr-event';
import type { IvrInput } from './ivr-input';
import { INITIAL_IVR_STATE, type IvrState } from './ivr-state';
import type { IvrEnvironment, IvrStep } from './step-context';
import { stepIvr } from './step-ivr';

type Started = Extract<IvrInput, { type: 'Started' }>;

/** What the server would have outstanding, derived from effects and inputs alone. */
export interface OutstandingWork {
  readonly prompt: string | null;
  readonly timers: readonly string[];
  readonly lookups: readonly string[];
}

/**
 * Drives one call through the interpreter the way the server does, for tests and the simulator:
 * it remembers the prompt, timers and lookups the effects started, so a test can say "the prompt
 * finished" or "the timer fired" without copying ids, and can check nothing is left outstanding.
 * Misuse (finishing a prompt when none plays) throws: it is a mistake in the test.
 */
export function ivrScenario(
  flows: FlowRegistry | readonly Flow[],
  options: Omit<IvrEnvironment, 'flows'> = {},
) {
  const registry = Array.isArray(flows)
    ? createFlowRegistry(flows as readonly Flow[])
    : (flows as FlowRegistry);
  const env: IvrEnvironment = { ...options, flows: registry };
  let state: IvrState = INITIAL_IVR_STATE;
  let now = 0;
  const effects: IvrEffect[] = [];
  const events: IvrEvent[] = [];
  let prompt: string | null = null;
  const timers = new Set<string>();
  const lookups = new Set<string>();

  const track = (e: IvrEffect): void => {
    if (e.type === 'PlayPrompt') prompt = e.promptId;
    else if (e.type === 'StopPrompt' && prompt === e.promptId) prompt = null;
    else if (e.type === 'StartTimer') timers.add(e.timerId);
    else if (e.type === 'CancelTimer') timers.delete(e.timerId);
    else if (e.type === 'StartLookup') lookups.add(e.requestId);
    else if (e.type === 'CancelLookup') lookups.delete(e.requestId);
  };

  const send = (input: IvrInput): IvrStep => {
    if (input.type === 'PromptFinished' && input.promptId === prompt) prompt = null;
    if (input.type === 'TimerFired') timers.delete(input.timerId);
    if (input.type === 'LookupCompleted' || input.type === 'LookupFailed') lookups.delete(input.requestId);
    if (input.now !== undefined) now = input.now;
    const step = stepIvr(state, input, env);
    state = step.state;
    step.effects.forEach(track);
    effects.push(...step.effects);
    events.push(...step.events);
    return step;
  };

  const only = (set: Set<string>, what: string): string => {
    if (set.size !== 1) throw new Error(`expected exactly one outstanding ${what}, found ${set.size}`);
    return [...set][0]!;
  };

  return {
    get state(): IvrState {
      return state;
    },
    effects,
    events,
    send,
    start(fields: Partial<Started> & Pick<Started, 'flowId'>): IvrStep {
      now = fields.now ?? Date.UTC(2026, 0, 5, 2, 0);
      return send({
        type: 'Started',
        version: 1,
        caller: { number: '13800138000' },
        calendar: { open: true },
        utcOffsetMinutes: 480,
        ...fields,
        now,
      });
    },
    /** The playing prompt ends by itself. */
    finishPrompt(): IvrStep {
      if (prompt === null) throw new Error('no prompt is playing');
      return send({ type: 'PromptFinished', promptId: prompt });
    },
    press(keys: string): IvrStep[] {
      return [...keys].map((digit) => send({ type: 'DigitReceived', digit }));
    },
    /** The one outstanding timer fires, `ms` later. */
    fireTimer(): IvrStep {
      const timerId = only(timers, 'timer');
      return send({ type: 'TimerFired', timerId });
    },
    completeLookup(data: unknown, ok = true): IvrStep {
      return send({ type: 'LookupCompleted', requestId: only(lookups, 'lookup'), ok, data });
    },
    failLookup(reason = 'error'): IvrStep {
      return send({ type: 'LookupFailed', requestId: only(lookups, 'lookup'), reason });
    },
    hangUp(): IvrStep {
      return send({ type: 'CallerHungUp' });
    },
    /** The agent ends the conversation first: a parked flow resumes at its route's `afterCall`. */
    agentHangsUp(): IvrStep {
      return send({ type: 'AgentHungUp' });
    },
    /** Node ids entered so far, in order (the IVR path of the call timeline). */
    path(): string[] {
      return events.flatMap((e) => (e.type === 'IvrNodeEntered' ? [e.data.nodeId] : []));
    },
    outstanding(): OutstandingWork {
      return { prompt, timers: [...timers], lookups: [...lookups] };
    },
    /** Effects of one type, with their data. */
    effectsOf<T extends IvrEffect['type']>(type: T): Extract<IvrEffect, { type: T }>[] {
      return effects.filter((e): e is Extract<IvrEffect, { type: T }> => e.type === type);
    },
    eventsOf<T extends IvrEvent['type']>(type: T): Extract<IvrEvent, { type: T }>[] {
      return events.filter((e): e is Extract<IvrEvent, { type: T }> => e.type === type);
    },
    get now(): number {
      return now;
    },
  };
}

/** The driver {@link ivrScenario} returns. */
export type IvrScenario = ReturnType<typeof ivrScenario>;
