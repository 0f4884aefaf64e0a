import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFlowRegistry } from '../flow/flow-registry';
import type { Flow, FlowNode } from '../flow/flow-types';
import type { Predicate } from '../flow/predicate';
import { validateFlow } from '../flow/validate-flow';
import type { IvrInput } from './ivr-input';
import { ivrScenario } from './ivr-scenario';

const MAX_TRANSITIONS = 100;
const key = fc.constantFrom(...'0123456789*#');
const prompt = fc.record({
  tts: fc.constantFrom('你好', '订单{{vars.v}}', 'Call {{caller.number}}'),
  language: fc.constantFrom('zh' as const, 'en' as const),
  bargeIn: fc.boolean(),
});
const predicate: fc.Arbitrary<Predicate> = fc.oneof(
  fc.constantFrom<Predicate>({ calendar: 'open' }, { calendar: 'holiday' }, { dayOfWeek: [1, 2, 3] }),
  fc.constantFrom<Predicate>(
    { timeOfDay: { from: '22:00', to: '06:00' } },
    { value: 'caller.vipLevel', op: '>=', operand: 1 },
  ),
  fc.constantFrom<Predicate>({
    any: [{ value: 'vars.v', op: 'exists' }, { not: { value: 'vars.v', op: 'in', operand: ['1', 2] } }],
  }),
);

/**
 * A random node at index `i` of `n`. Nodes that do not wait for input only point forward, which is
 * what validation demands (no loop without input); nodes that wait may point anywhere.
 */
function node(i: number, n: number, subflows: readonly string[]): fc.Arbitrary<FlowNode> {
  const any = fc.integer({ min: 0, max: n - 1 }).map((j) => `n${j}`);
  const later = fc.integer({ min: Math.min(i + 1, n - 1), max: n - 1 }).map((j) => `n${j}`);
  const end = fc.oneof(
    fc.record({ type: fc.constant('hangup' as const), prompt: fc.option(prompt, { nil: undefined }) }),
    fc.record({
      type: fc.constant('route' as const),
      queue: fc.constantFrom('pre-sales', 'after-sales'),
      prompt: fc.option(prompt, { nil: undefined }),
      // Any node, even this one or an earlier one: the flow only resumes on a later input.
      afterCall: fc.option(any, { nil: undefined }),
    }),
    fc.record({ type: fc.constant('voicemail' as const), prompt: fc.option(prompt, { nil: undefined }) }),
    fc.record({
      type: fc.constant('transfer' as const),
      number: fc.constantFrom('075588886666', '{{vars.v}}'),
    }),
  );
  if (i === n - 1) return end.map(strip);
  return fc
    .oneof(
      end,
      fc.record({ type: fc.constant('play' as const), prompt, next: any }),
      fc.record({
        type: fc.constant('menu' as const),
        prompt,
        choices: fc.dictionary(key, any, { minKeys: 1, maxKeys: 3 }),
        timeoutMs: fc.constant(1000),
        maxRetries: fc.integer({ min: 0, max: 2 }),
        invalidPrompt: fc.option(prompt, { nil: undefined }),
        onFailure: any,
        variable: fc.constant('v'),
      }),
      fc.record({
        type: fc.constant('collect' as const),
        prompt,
        variable: fc.constant('v'),
        maxLength: fc.integer({ min: 1, max: 6 }),
        terminator: fc.constantFrom('#' as const, null),
        pattern: fc.option(fc.constantFrom('[1-9][0-9]*', '\\d{2,}'), { nil: undefined }),
        next: any,
        onFailure: any,
      }),
      fc.record({
        type: fc.constant('condition' as const),
        branches: fc.array(fc.record({ when: predicate, next: later }), { minLength: 1, maxLength: 3 }),
        default: later,
      }),
      fc.record({
        type: fc.constant('lookup' as const),
        kind: fc.constant('customer'),
        retries: fc.integer({ min: 0, max: 2 }),
        store: fc.constant({ v: 'a' }),
        next: any,
        onFailure: any,
      }),
      fc.record({
        type: fc.constant('set' as const),
        vars: fc.constant({ v: '{{caller.number}}' }),
        next: later,
      }),
      fc.record({
        type: fc.constant('callback' as const),
        prompt,
        queue: fc.constant('q'),
        next: any,
        onDeclined: any,
      }),
      fc.record({ type: fc.constant('survey' as const), prompt, next: any }),
      fc.record({ type: fc.constant('goto' as const), next: later }),
      fc.record({
        type: fc.constant('subflow' as const),
        flow: fc.constantFrom(...subflows),
        next: later,
        onFailure: fc.option(later, { nil: undefined }),
      }),
      fc.constant({ type: 'return' as const }),
    )
    .map(strip);
}

/** Drops optional fields fast-check left undefined, as JSON would. */
function strip<T extends object>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}

function flow(id: string, subflows: readonly string[]): fc.Arbitrary<Flow> {
  return fc
    .integer({ min: 1, max: 10 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => node(i, n, subflows))))
    .map((nodes) => ({
      schemaVersion: 1,
      id,
      version: 1,
      name: id,
      start: 'n0',
      nodes: Object.fromEntries(nodes.map((x, i) => [`n${i}`, x])),
    }));
}

type Act =
  | { readonly kind: 'prompt' | 'timer' | 'lookupFail' | 'stale' | 'agent' }
  | { readonly kind: 'digit'; readonly digit: string }
  | { readonly kind: 'lookup'; readonly ok: boolean; readonly data: unknown }
  | { readonly kind: 'later'; readonly ms: number };

const act: fc.Arbitrary<Act> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'prompt' as const }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(...'0123456789*#A').map((digit) => ({ kind: 'digit' as const, digit })),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'timer' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'lookupFail' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'stale' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'agent' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('lookup' as const),
      ok: fc.boolean(),
      data: fc.oneof(fc.constant({ a: '已发货' }), fc.jsonValue()),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0, max: 86_400_000 }).map((ms) => ({ kind: 'later' as const, ms })),
  },
);

/** The input an action stands for, given what is outstanding; undefined when it does not apply. */
function inputFor(a: Act, s: ReturnType<typeof ivrScenario>, now: number): IvrInput | undefined {
  const o = s.outstanding();
  switch (a.kind) {
    case 'prompt':
      return o.prompt === null ? undefined : { type: 'PromptFinished', promptId: o.prompt, now };
    case 'timer':
      return o.timers[0] === undefined ? undefined : { type: 'TimerFired', timerId: o.timers[0], now };
    case 'lookupFail':
      return o.lookups[0] === undefined ? undefined : { type: 'LookupFailed', requestId: o.lookups[0], now };
    case 'lookup':
      return o.lookups[0] === undefined
        ? undefined
        : { type: 'LookupCompleted', requestId: o.lookups[0], ok: a.ok, data: a.data, now };
    case 'stale':
      return { type: 'TimerFired', timerId: 't1', now };
    case 'digit':
      return { type: 'DigitReceived', digit: a.digit, now };
    case 'agent':
      return { type: 'AgentHungUp', now };
    case 'later':
      return undefined;
  }
}

describe('interpreter properties', () => {
  it('random inputs on random valid flows never throw, respect the step guard, and end cleanly on hang-up', () => {
    fc.assert(
      fc.property(
        flow('main', ['sub', 'main', 'missing']),
        flow('sub', ['main', 'sub']),
        fc.array(act, { maxLength: 60 }),
        (main, sub, acts) => {
          expect(validateFlow(main).ok).toBe(true);
          expect(validateFlow(sub).ok).toBe(true);
          const s = ivrScenario(createFlowRegistry([main, sub]));
          let now = Date.UTC(2026, 0, 5, 2);
          const steps = [s.start({ flowId: 'main', now, caller: { number: '13800138000', vipLevel: 1 } })];
          for (const a of acts) {
            if (a.kind === 'later') now += a.ms;
            const input = inputFor(a, s, now);
            if (input) steps.push(s.send(input));
            const o = s.outstanding();
            expect(o.timers.length).toBeLessThanOrEqual(1);
            expect(o.lookups.length).toBeLessThanOrEqual(1);
            expect(o.prompt).toBe(s.state.playing?.promptId ?? null);
          }
          steps.push(s.hangUp());
          for (const step of steps) {
            expect(step.events.filter((e) => e.type === 'IvrNodeEntered').length).toBeLessThanOrEqual(
              MAX_TRANSITIONS,
            );
            const end = step.effects.findIndex((e) => e.type === 'FlowEnded');
            if (end >= 0) expect(end).toBe(step.effects.length - 1);
          }
          expect(s.state.phase).toBe('ended');
          // One end per run: the first, and one more for each resume of a parked flow.
          const runs = 1 + s.eventsOf('IvrResumed').length;
          expect(s.effectsOf('FlowEnded')).toHaveLength(runs);
          expect(s.eventsOf('IvrEnded')).toHaveLength(runs);
          expect(s.outstanding()).toEqual({ prompt: null, timers: [], lookups: [] });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same inputs give the same effects and events', () => {
    fc.assert(
      fc.property(flow('main', ['main']), fc.array(act, { maxLength: 30 }), (main, acts) => {
        const runOnce = () => {
          const s = ivrScenario([main]);
          s.start({ flowId: 'main' });
          for (const a of acts) {
            const input = inputFor(a, s, 0);
            if (input) s.send(input);
          }
          return { effects: s.effects, events: s.events, state: s.state };
        };
        expect(runOnce()).toEqual(runOnce());
      }),
      { numRuns: 100 },
    );
  });
});
