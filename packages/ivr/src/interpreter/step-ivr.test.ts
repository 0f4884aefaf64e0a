import { describe, expect, it } from 'vitest';
import { demoShopFlow } from '../demo/demo-shop-flow';
import { createFlowRegistry } from '../flow/flow-registry';
import type { Flow, FlowNode } from '../flow/flow-types';
import { IvrCode } from '../ivr-codes';
import { ivrScenario, type IvrScenario } from './ivr-scenario';
import { INITIAL_IVR_STATE } from './ivr-state';
import { stepIvr } from './step-ivr';

const tts = (text: string) => ({ tts: text, language: 'zh' as const });

function flowOf(id: string, version: number, start: string, nodes: Record<string, FlowNode>): Flow {
  return { schemaVersion: 1, id, version, name: id, start, nodes };
}

type Action = (s: IvrScenario) => unknown;
const prompt: Action = (s) => s.finishPrompt();
const press =
  (keys: string): Action =>
  (s) =>
    s.press(keys);
const timer: Action = (s) => s.fireTimer();
const found: Action = (s) => s.completeLookup({ status: '已发货' });
const lookupFails: Action = (s) => s.failLookup();

/** Scripts through the demo flow that reach every node type it uses. */
const scripts: Record<string, Action[]> = {
  order: [prompt, prompt, press('12345678'), timer, found, prompt, prompt, press('*'), press('3'), prompt],
  failedLookup: [prompt, press('1'), prompt, press('123456#'), lookupFails, timer, prompt, prompt],
  retries: [prompt, press('9'), prompt, prompt, timer, prompt, prompt, press('8'), prompt],
  afterStatusSilence: [prompt, press('1123456#'), found, prompt, prompt, timer, prompt],
};

describe('caller hang-up', () => {
  for (const [name, script] of Object.entries(scripts)) {
    it(`ends cleanly at every point of the ${name} path`, () => {
      for (let k = 0; k <= script.length; k++) {
        const s = ivrScenario([demoShopFlow]);
        s.start({ flowId: 'demo-shop', calendar: { open: true } });
        script.slice(0, k).forEach((act) => act(s));
        const wasRunning = s.state.phase === 'running';
        const step = s.hangUp();
        expect(s.state.phase).toBe('ended');
        expect(s.effectsOf('FlowEnded')).toHaveLength(1);
        expect(s.outstanding()).toEqual({ prompt: null, timers: [], lookups: [] });
        if (wasRunning) {
          expect(step.effects.at(-1)).toEqual({ type: 'FlowEnded', reason: 'caller-hung-up' });
          expect(step.effects.some((e) => e.type === 'HangUp')).toBe(false);
        } else expect(step.effects).toEqual([]);
      }
    });
  }

  it('before the flow started still ends it', () => {
    const step = stepIvr(INITIAL_IVR_STATE, { type: 'CallerHungUp' }, { flows: createFlowRegistry() });
    expect(step.effects).toEqual([{ type: 'FlowEnded', reason: 'caller-hung-up' }]);
    expect(step.events).toEqual([
      { type: 'IvrEnded', data: { reason: 'caller-hung-up', flowId: null, nodeId: null, detail: null } },
    ]);
  });
});

describe('interpreter', () => {
  it('ignores everything after the end, and inputs other than Started before the start', () => {
    const flows = createFlowRegistry([demoShopFlow]);
    expect(stepIvr(INITIAL_IVR_STATE, { type: 'DigitReceived', digit: '1' }, { flows }).effects).toEqual([]);
    const s = ivrScenario([demoShopFlow]);
    s.start({ flowId: 'demo-shop' });
    s.hangUp();
    const ended = s.state;
    const after = stepIvr(ended, { type: 'PromptFinished', promptId: 'p1' }, { flows });
    expect(after).toEqual({ state: ended, effects: [], events: [] });
  });

  it('ignores a second Started and stale timers', () => {
    const s = ivrScenario([demoShopFlow]);
    s.start({ flowId: 'demo-shop' });
    expect(
      s.send({
        type: 'Started',
        flowId: 'demo-shop',
        version: 1,
        now: 0,
        caller: {},
        calendar: { open: false },
      }).effects,
    ).toEqual([]);
    s.finishPrompt();
    s.finishPrompt(); // menu prompt ended: timer t3 runs
    s.fireTimer(); // no input: t3 fired, the no-input prompt plays
    expect(s.send({ type: 'TimerFired', timerId: 't3' }).effects).toEqual([]);
  });

  it('never mutates the state it is given', () => {
    const flows = createFlowRegistry([demoShopFlow]);
    const started = stepIvr(
      INITIAL_IVR_STATE,
      { type: 'Started', flowId: 'demo-shop', version: 1, now: 0, caller: {}, calendar: { open: true } },
      { flows },
    );
    const copy = JSON.parse(JSON.stringify(started.state));
    stepIvr(started.state, { type: 'DigitReceived', digit: '1' }, { flows });
    expect(started.state).toEqual(copy);
    expect(Object.isFrozen(started.state)).toBe(true);
  });

  it('ends as a flow error when the flow version is not published', () => {
    const s = ivrScenario([demoShopFlow]);
    s.start({ flowId: 'demo-shop', version: 7 });
    expect(s.effects).toEqual([
      { type: 'HangUp', cause: 'flow-error' },
      { type: 'FlowEnded', reason: 'flow-error' },
    ]);
  });

  it('hangs up with flow-loop when one input enters too many nodes', () => {
    // Validation refuses this flow; the guard protects against what it cannot see (subflows).
    const loop = flowOf('loop', 1, 'a', {
      a: { type: 'goto', next: 'b' },
      b: { type: 'set', vars: { x: 1 }, next: 'a' },
    });
    const s = ivrScenario([loop], { maxTransitionsPerInput: 10 });
    s.start({ flowId: 'loop' });
    expect(s.eventsOf('IvrNodeEntered')).toHaveLength(10);
    expect(s.effects.slice(-2)).toEqual([
      { type: 'HangUp', cause: 'flow-loop' },
      { type: 'FlowEnded', reason: 'flow-loop' },
    ]);
    const unbounded = ivrScenario([loop]);
    unbounded.start({ flowId: 'loop' });
    expect(unbounded.eventsOf('IvrNodeEntered')).toHaveLength(100);
  });

  it('evaluates time conditions with the latest now from inputs', () => {
    const f = flowOf('t', 1, 'p', {
      p: { type: 'play', prompt: tts('请稍候'), next: 'c' },
      c: {
        type: 'condition',
        branches: [{ when: { timeOfDay: { from: '12:00', to: '13:00' } }, next: 'lunch' }],
        default: 'bye',
      },
      lunch: { type: 'hangup', cause: 'lunch' },
      bye: { type: 'hangup' },
    });
    const s = ivrScenario([f]);
    s.start({ flowId: 't', now: Date.UTC(2026, 0, 5, 3, 59, 30), utcOffsetMinutes: 480 });
    s.send({ type: 'PromptFinished', promptId: 'p1', now: Date.UTC(2026, 0, 5, 4, 0, 10) });
    expect(s.effectsOf('HangUp')).toEqual([{ type: 'HangUp', cause: 'lunch' }]);
  });
});

describe('versions and subflows', () => {
  const main = (version: number, greeting: string, sub: Partial<FlowNode> = {}) =>
    flowOf('main', version, 'hello', {
      hello: { type: 'play', prompt: tts(greeting), next: 'sub' },
      sub: { type: 'subflow', flow: 'faq', next: 'after', ...sub } as FlowNode,
      after: { type: 'play', prompt: tts('{{vars.answer}}'), next: 'bye' },
      bye: { type: 'hangup' },
    });
  const faq = (version: number) =>
    flowOf('faq', version, 'set', {
      set: { type: 'set', vars: { answer: `faq v${version}` }, next: 'back' },
      back: { type: 'return' },
    });

  it('a running call keeps its versions when new ones are published', () => {
    const flows = createFlowRegistry([main(1, '旧版'), faq(1)]);
    const s = ivrScenario(flows);
    s.start({ flowId: 'main', version: 1 });
    expect(s.state.pins).toEqual({ faq: 1 });
    expect(flows.publish(main(2, '新版')).ok).toBe(true);
    expect(flows.publish(faq(2)).ok).toBe(true);
    s.finishPrompt();
    expect(s.effectsOf('PlayPrompt').map((p) => p.text)).toEqual(['旧版', 'faq v1']);
    const fresh = ivrScenario(flows);
    fresh.start({ flowId: 'main', version: flows.latestVersion('main')! });
    fresh.finishPrompt();
    expect(fresh.effectsOf('PlayPrompt').map((p) => p.text)).toEqual(['新版', 'faq v2']);
  });

  it('refuses to publish the same version twice', () => {
    const flows = createFlowRegistry([faq(1)]);
    const again = flows.publish(faq(1));
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.code).toBe(IvrCode.FlowVersionExists);
  });

  it('returns from a subflow to the calling node, sharing variables', () => {
    const s = ivrScenario([main(1, '你好'), faq(1)]);
    s.start({ flowId: 'main' });
    s.finishPrompt();
    expect(s.path()).toEqual(['hello', 'sub', 'set', 'back', 'after']);
    expect(s.eventsOf('IvrSubflowEntered')).toMatchObject([
      { data: { flowId: 'main', nodeId: 'sub', subflowId: 'faq', subflowVersion: 1 } },
    ]);
    expect(s.eventsOf('IvrSubflowReturned')).toMatchObject([
      { data: { flowId: 'faq', nodeId: 'back', returnTo: 'after' } },
    ]);
    expect(s.eventsOf('IvrNodeEntered').map((e) => e.data.flowId)).toEqual([
      'main',
      'main',
      'faq',
      'faq',
      'main',
    ]);
  });

  it('a subflow node may pin an exact version', () => {
    const s = ivrScenario([main(1, '你好', { version: 1 }), faq(1), faq(2)]);
    s.start({ flowId: 'main' });
    s.finishPrompt();
    expect(s.state.vars).toEqual({ answer: 'faq v1' });
  });

  it('a missing subflow takes onFailure, or ends as a flow error', () => {
    const withFallback = ivrScenario([main(1, '你好', { onFailure: 'bye' })]);
    withFallback.start({ flowId: 'main' });
    withFallback.finishPrompt();
    expect(withFallback.path()).toEqual(['hello', 'sub', 'bye']);
    const without = ivrScenario([main(1, '你好')]);
    without.start({ flowId: 'main' });
    without.finishPrompt();
    expect(without.eventsOf('IvrEnded')).toMatchObject([
      { data: { reason: 'flow-error', detail: "subflow 'faq' is not published" } },
    ]);
  });

  it('limits nesting depth and refuses return outside a subflow', () => {
    const recursive = flowOf('r', 1, 'again', {
      again: { type: 'subflow', flow: 'r', next: 'bye', onFailure: 'deep' },
      deep: { type: 'hangup', cause: 'too-deep' },
      bye: { type: 'hangup' },
    });
    const s = ivrScenario([recursive], { maxSubflowDepth: 3 });
    s.start({ flowId: 'r' });
    expect(s.eventsOf('IvrSubflowEntered')).toHaveLength(3);
    expect(s.effectsOf('HangUp')).toEqual([{ type: 'HangUp', cause: 'too-deep' }]);
    const top = ivrScenario([faq(1)]);
    top.start({ flowId: 'faq' });
    expect(top.eventsOf('IvrEnded')).toMatchObject([
      { data: { reason: 'flow-error', detail: 'return outside a subflow' } },
    ]);
  });
});
