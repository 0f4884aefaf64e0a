import { describe, expect, it } from 'vitest';
import { demoShopFlow } from '../demo/demo-shop-flow';
import type { Flow, FlowNode } from '../flow/flow-types';
import { checkFlow } from '../flow/validate-flow';
import { formatIssue } from '../flow/flow-issues';
import { ivrScenario } from './ivr-scenario';
import { MAX_TYPE_AHEAD } from './ivr-state';

const tts = (text: string, bargeIn?: boolean) => ({
  tts: text,
  language: 'zh' as const,
  ...(bargeIn === undefined ? {} : { bargeIn }),
});

function flowOf(nodes: Record<string, FlowNode>, start: string): Flow {
  return { schemaVersion: 1, id: 'f', version: 1, name: 'f', start, nodes };
}

const menu: FlowNode = {
  type: 'menu',
  prompt: tts('主菜单'),
  choices: { '1': 'order', '2': 'two' },
  onFailure: 'failed',
};
const order: FlowNode = {
  type: 'collect',
  prompt: tts('请输入订单号'),
  variable: 'orderNumber',
  minLength: 4,
  maxLength: 8,
  next: 'ok',
  onFailure: 'failed',
};
const ends = {
  two: { type: 'hangup', cause: 'two' },
  ok: { type: 'hangup', cause: 'ok' },
  failed: { type: 'hangup', cause: 'failed' },
} as const satisfies Record<string, FlowNode>;

/** welcome (play) ─▶ menu ─1─▶ order (collect) ─▶ ok */
function call(nodes: Record<string, FlowNode> = {}) {
  const welcome: FlowNode = { type: 'play', prompt: tts('欢迎'), next: 'menu' };
  return ivrScenario([flowOf({ welcome, menu, order, ...ends, ...nodes }, 'welcome')]);
}

const played = (s: ReturnType<typeof call>) => s.effectsOf('PlayPrompt').map((p) => p.text);

describe('keys pressed before the flow starts', () => {
  it('are kept while idle, and cut a barge-in welcome at once so the menu acts on them', () => {
    const s = call();
    const idle = s.press('1');
    expect(idle.flatMap((step) => [...step.effects, ...step.events])).toEqual([]);
    expect(s.state).toMatchObject({ phase: 'idle', typeAhead: '1' });
    s.start({ flowId: 'f' });
    // Neither the welcome nor the menu prompt is ever asked for: the caller already chose.
    expect(s.effectsOf('StopPrompt')).toEqual([]);
    expect(played(s)).toEqual(['请输入订单号']);
    expect(s.eventsOf('IvrMenuChoiceMade')).toMatchObject([{ data: { digit: '1', target: 'order' } }]);
    expect(s.path()).toEqual(['welcome', 'menu', 'order']);
  });

  it('are read in order across nodes: the menu takes one, the collect node the rest', () => {
    const s = call();
    s.press('1123456#');
    s.start({ flowId: 'f' });
    expect(s.state.vars).toEqual({ orderNumber: '123456' });
    expect(s.path()).toEqual(['welcome', 'menu', 'order', 'ok']);
    expect(played(s)).toEqual([]);
  });

  it('wait for a welcome without barge-in to end, then answer the menu without its prompt', () => {
    const s = call({ welcome: { type: 'play', prompt: tts('本次通话可能被录音', false), next: 'menu' } });
    s.press('2');
    s.start({ flowId: 'f' });
    expect(played(s)).toEqual(['本次通话可能被录音']);
    expect(s.state).toMatchObject({ nodeId: 'welcome', typeAhead: '2' });
    s.finishPrompt();
    expect(s.path()).toEqual(['welcome', 'menu', 'two']);
    expect(played(s)).toEqual(['本次通话可能被录音']);
  });

  it('are kept through a lookup at the start of the flow', () => {
    const find: FlowNode = { type: 'lookup', kind: 'customer', next: 'menu', onFailure: 'menu' };
    const s = ivrScenario([flowOf({ find, menu, order, ...ends }, 'find')]);
    s.press('2');
    s.start({ flowId: 'f' });
    expect(s.state).toMatchObject({ nodeId: 'find', typeAhead: '2' });
    s.completeLookup({});
    expect(s.path()).toEqual(['find', 'menu', 'two']);
    expect(played(s)).toEqual([]);
  });

  it('are bounded, and keys that are not on a phone keypad are ignored', () => {
    const s = call();
    s.press('A');
    s.press('9'.repeat(MAX_TYPE_AHEAD + 8));
    expect(s.state.typeAhead).toBe('9'.repeat(MAX_TYPE_AHEAD));
  });

  it('are forgotten when the caller hangs up before the start', () => {
    const s = call();
    s.press('1');
    s.hangUp();
    expect(s.state.phase).toBe('ended');
    expect(s.start({ flowId: 'f' })).toMatchObject({ effects: [], events: [] });
  });

  it('reach the demo hotline order-status branch on 1', () => {
    const s = ivrScenario([demoShopFlow]);
    s.press('1');
    s.start({ flowId: 'demo-shop' });
    expect(s.eventsOf('IvrMenuChoiceMade')).toMatchObject([
      { data: { nodeId: 'mainMenu', digit: '1', target: 'askOrder' } },
    ]);
    expect(played(s)).toEqual(['请输入您的订单号，以井号键结束。']);
  });
});

describe('keys typed during a prompt without barge-in', () => {
  const notice: FlowNode = { type: 'play', prompt: tts('请注意', false), next: 'order' };

  it('go to a collect node after the play node', () => {
    const s = ivrScenario([flowOf({ notice, order, ...ends }, 'notice')]);
    s.start({ flowId: 'f' });
    s.press('2468#');
    expect(s.effectsOf('StopPrompt')).toEqual([]);
    expect(s.state).toMatchObject({ nodeId: 'notice', typeAhead: '2468#' });
    s.finishPrompt();
    expect(s.state.vars).toEqual({ orderNumber: '2468' });
    expect(s.path()).toEqual(['notice', 'order', 'ok']);
    // The collect node never had to ask.
    expect(played(s)).toEqual(['请注意']);
  });

  it('are dropped by a collect node with typeAhead false, which asks and listens afresh', () => {
    const strict: FlowNode = { ...order, typeAhead: false } as FlowNode;
    const s = ivrScenario([flowOf({ notice, order: strict, ...ends }, 'notice')]);
    s.start({ flowId: 'f' });
    s.press('2468#');
    s.finishPrompt();
    expect(s.state).toMatchObject({ nodeId: 'order', typeAhead: '', vars: {} });
    expect(played(s)).toEqual(['请注意', '请输入订单号']);
    s.press('1357#'); // during its own barge-in prompt: it listens
    expect(s.state.vars).toEqual({ orderNumber: '1357' });
  });

  it('with typeAhead false, keys typed before the flow started are dropped too', () => {
    const s = call({ menu: { ...menu, typeAhead: false } as FlowNode });
    s.press('2');
    s.start({ flowId: 'f' });
    // The key cut the welcome (barge-in), but the menu only hears keys pressed while it listens.
    expect(played(s)).toEqual(['主菜单']);
    expect(s.state).toMatchObject({ nodeId: 'menu', typeAhead: '' });
  });
});

describe('the typeAhead option', () => {
  it('is a boolean on menu, collect, survey and callback nodes', () => {
    const nodes = {
      m: { type: 'menu', prompt: tts('m'), choices: { '1': 'c' }, onFailure: 'c', typeAhead: false },
      c: { ...order, next: 's', typeAhead: true },
      s: { type: 'survey', prompt: tts('s'), next: 'b', typeAhead: false },
      b: {
        type: 'callback',
        prompt: tts('b'),
        queue: 'pre-sales',
        next: 'ok',
        onDeclined: 'ok',
        typeAhead: 1,
      },
      ok: { type: 'hangup' },
      failed: { type: 'hangup' },
    };
    const errors = checkFlow(flowOf(nodes as Record<string, FlowNode>, 'm')).errors.map(formatIssue);
    expect(errors).toEqual([expect.stringMatching(/^nodes\.b\.typeAhead: /)]);
  });

  it('is refused on nodes that do not read keys', () => {
    const nodes = {
      p: { type: 'play', prompt: tts('p'), next: 'ok', typeAhead: true },
      ok: { type: 'hangup' },
    };
    const errors = checkFlow(flowOf(nodes as Record<string, FlowNode>, 'p')).errors.map(formatIssue);
    expect(errors).toEqual([expect.stringMatching(/^nodes\.p\.typeAhead: /)]);
  });
});
