import { moduleOf } from '../nodes/node-modules';
import type { LookupOutcome, Next } from '../nodes/node-module';
import { isDtmfKey, type IvrInput } from './ivr-input';
import type { IvrState } from './ivr-state';
import { startCall } from './start-call';
import { StepContext, type IvrEnvironment, type IvrStep } from './step-context';

/**
 * The IVR interpreter: one input in, the next state plus the effects to carry out and the events
 * to append. Pure and deterministic: the same state, input and flows give the same result, time
 * comes only from inputs, and ids come from a counter in the state.
 *
 * ```
 *  idle ──Started──▶ running ──route / voicemail / transfer / hangup / error / loop──▶ ended
 *                     │  ▲  │                                                         ▲
 *                     │  │  └───────────────────── CallerHungUp ──────────────────────┤
 *    route (afterCall)│  │AgentHungUp                                                 │
 *                     ▼  │                                                            │
 *                    parked ────────────────────── CallerHungUp (quietly) ────────────┘
 * ```
 * A route node with `afterCall` parks the flow: the run ends as `routed` (`IvrEnded`, `FlowEnded`)
 * but the state keeps the flow version, subflow pins, variables and attributes, and `AgentHungUp`
 * continues at `afterCall` (`IvrResumed`); the resumed run ends again on its own terms. Inputs for a
 * prompt, timer or lookup that is no longer current are ignored (no effects), as is everything
 * after the end and everything but those two inputs while parked. Keys pressed while idle are
 * kept and handed to the flow right after `Started`. Each step enters at most
 * `maxTransitionsPerInput` nodes; beyond that the call is hung up with cause `flow-loop`.
 */
export function stepIvr(state: IvrState, input: IvrInput, env: IvrEnvironment): IvrStep {
  if (state.phase === 'ended') return { state, effects: [], events: [] };
  const cx = new StepContext(state, env, input.now);
  const run = (next: Next): void => runFrom(cx, next);
  if (input.type === 'Started') {
    if (state.phase === 'idle') start(cx, input, env, run);
  } else if (input.type === 'DigitReceived' && state.phase === 'idle') {
    // Pressed between the answer and the start (the server was still getting ready): kept.
    if (isDtmfKey(input.digit)) cx.bufferKey(input.digit);
  } else if (input.type === 'CallerHungUp') {
    if (state.phase === 'parked') cx.close();
    else cx.end('caller-hung-up', null);
  } else if (input.type === 'AgentHungUp') {
    if (state.phase === 'parked') run(cx.resume());
  } else if (state.phase === 'running') {
    run(deliver(cx, input));
  }
  return cx.finish();
}

/**
 * Starts the flow, then hands it the keys pressed before it started as if they were pressed the
 * moment it did: the first barge-in prompt is cut at once and the first node that reads keys gets
 * them in order.
 */
function start(
  cx: StepContext,
  input: Extract<IvrInput, { type: 'Started' }>,
  env: IvrEnvironment,
  run: (next: Next) => void,
): void {
  const early = cx.takeTypeAhead();
  startCall(cx, input, env.flows, run);
  for (const key of early) if (cx.running) run(deliverDigit(cx, key));
}

/** Enters nodes until one waits or the flow ends. */
function runFrom(cx: StepContext, first: Next): void {
  for (let next = first; next !== null && cx.running;) {
    if (!cx.countTransition())
      return cx.end('flow-loop', `more node entries than allowed for one input`, 'flow-loop');
    const node = cx.moveTo(next);
    if (!node) return cx.end('flow-error', `unknown node '${next}'`, 'flow-error');
    next = moduleOf(node).enter(node, cx);
  }
}

/** Hands an input to the current node, after matching its id against what is outstanding. */
function deliver(
  cx: StepContext,
  input: Exclude<IvrInput, { type: 'Started' | 'CallerHungUp' | 'AgentHungUp' }>,
): Next {
  const node = cx.currentNode();
  if (!node) return null;
  const mod = moduleOf(node);
  switch (input.type) {
    case 'PromptFinished':
      if (!cx.isPlaying(input.promptId)) return null;
      cx.promptEnded();
      return mod.onPromptEnded?.(node, cx) ?? null;
    case 'DigitReceived':
      return deliverDigit(cx, input.digit);
    case 'TimerFired':
      if (!cx.timerIs(input.timerId)) return null;
      cx.timerFired();
      return mod.onTimer?.(node, cx) ?? null;
    case 'LookupCompleted':
    case 'LookupFailed': {
      if (!cx.lookupIs(input.requestId)) return null;
      const outcome: LookupOutcome =
        input.type === 'LookupCompleted'
          ? { kind: 'completed', ok: input.ok === true, data: input.data }
          : { kind: 'failed', reason: input.reason ?? 'error' };
      return mod.onLookup?.(node, cx, outcome) ?? null;
    }
  }
}

/**
 * A key: a prompt without barge-in plays on, and the key waits for the next node that reads keys
 * (type-ahead); a barge-in prompt is stopped. Then a node that reads keys gets it; any other node
 * keeps it for the next one that does.
 */
function deliverDigit(cx: StepContext, digit: string): Next {
  if (!isDtmfKey(digit)) return null;
  const node = cx.currentNode();
  if (!node) return null;
  const mod = moduleOf(node);
  const wasPlaying = cx.isPlaying();
  if (wasPlaying) {
    if (!cx.bargeIn) {
      cx.bufferKey(digit);
      return null;
    }
    cx.stopPrompt();
  }
  if (mod.onDigit) return mod.onDigit(node, cx, digit);
  cx.bufferKey(digit);
  // A barge-in key ends an announcement as if it had finished.
  return wasPlaying ? (mod.onPromptEnded?.(node, cx) ?? null) : null;
}
