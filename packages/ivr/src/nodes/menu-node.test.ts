import { describe, expect, it } from 'vitest';
import type { Flow, FlowNode } from '../flow/flow-types';
import { ivrScenario } from '../interpreter/ivr-scenario';

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
  choices: { '1': 'one', '2': 'two' },
  timeoutMs: 4000,
  maxRetries: 1,
  invalidPrompt: tts('输入有误'),
  noInputPrompt: tts('没有收到按键'),
  onFailure: 'failed',
  variable: 'choice',
};
const ends = {
  one: { type: 'hangup', cause: 'one' },
  two: { type: 'hangup', cause: 'two' },
  failed: { type: 'hangup', cause: 'failed' },
} as const satisfies Record<string, FlowNode>;

function start(nodes: Record<string, FlowNode> = {}, first = 'menu') {
  const s = ivrScenario([flowOf({ menu, ...ends, ...nodes }, first)]);
  s.start({ flowId: 'f' });
  return s;
}

const prompts = (s: ReturnType<typeof start>) => s.effectsOf('PlayPrompt').map((p) => p.text);

describe('menu node', () => {
  it('plays the prompt, then waits timeoutMs for a key', () => {
    const s = start();
    expect(s.effects).toEqual([
      { type: 'PlayPrompt', promptId: 'p1', text: '主菜单', language: 'zh', bargeIn: true },
    ]);
    s.finishPrompt();
    expect(s.effects.at(-1)).toEqual({ type: 'StartTimer', timerId: 't2', ms: 4000 });
    s.press('2');
    expect(s.effects.slice(-3)).toEqual([
      { type: 'CancelTimer', timerId: 't2' },
      { type: 'HangUp', cause: 'two' },
      { type: 'FlowEnded', reason: 'hung-up' },
    ]);
    expect(s.state.vars).toEqual({ choice: '2' });
  });

  it('a key during a barge-in prompt stops it and counts as the choice', () => {
    const s = start();
    s.press('1');
    expect(s.effects.slice(1, 2)).toEqual([{ type: 'StopPrompt', promptId: 'p1' }]);
    expect(s.eventsOf('IvrMenuChoiceMade')).toMatchObject([
      { data: { nodeId: 'menu', digit: '1', target: 'one' } },
    ]);
  });

  it('a key during a prompt without barge-in waits for the prompt to end, then counts', () => {
    const s = start({ menu: { ...menu, prompt: tts('请听完', false) } as FlowNode });
    s.press('1');
    expect(s.state.nodeId).toBe('menu');
    expect(s.effectsOf('StopPrompt')).toEqual([]);
    expect(s.outstanding().prompt).not.toBeNull();
    s.finishPrompt();
    expect(s.path()).toEqual(['menu', 'one']);
    expect(s.effectsOf('StartTimer')).toEqual([]);
  });

  it('with typeAhead false, keys during a prompt without barge-in are dropped', () => {
    const s = start({ menu: { ...menu, prompt: tts('请听完', false), typeAhead: false } as FlowNode });
    s.press('1');
    s.finishPrompt();
    expect(s.state).toMatchObject({ nodeId: 'menu', typeAhead: '' });
    expect(s.outstanding().timers).toHaveLength(1);
    s.press('2');
    expect(s.path()).toEqual(['menu', 'two']);
  });

  it('a key during a non-barge-in invalid-input prompt skips the repeated menu prompt', () => {
    const s = start({ menu: { ...menu, invalidPrompt: tts('输入有误', false) } as FlowNode });
    s.finishPrompt();
    s.press('9');
    s.press('2'); // during 输入有误, which may not be cut
    expect(s.state.nodeId).toBe('menu');
    s.finishPrompt();
    expect(prompts(s)).toEqual(['主菜单', '输入有误']);
    expect(s.path()).toEqual(['menu', 'two']);
  });

  it('an invalid key plays the invalid prompt, then the menu again, then fails over after the retries', () => {
    const s = start();
    s.finishPrompt();
    s.press('9');
    expect(prompts(s)).toEqual(['主菜单', '输入有误']);
    s.finishPrompt();
    expect(prompts(s)).toEqual(['主菜单', '输入有误', '主菜单']);
    s.finishPrompt();
    s.press('#');
    expect(s.eventsOf('IvrInputInvalid').map((e) => [e.data.input, e.data.attempt])).toEqual([
      ['9', 1],
      ['#', 2],
    ]);
    expect(s.path()).toEqual(['menu', 'failed']);
  });

  it('silence plays the no-input prompt and retries; a key during the no-input prompt still counts', () => {
    const s = start();
    s.finishPrompt();
    s.fireTimer();
    expect(s.eventsOf('IvrInputTimedOut')).toMatchObject([{ data: { nodeId: 'menu', attempt: 1 } }]);
    expect(prompts(s).at(-1)).toBe('没有收到按键');
    s.press('1');
    expect(s.path()).toEqual(['menu', 'one']);
  });

  it('retries exhausted by silence go to onFailure', () => {
    const s = start();
    s.finishPrompt();
    s.fireTimer();
    s.finishPrompt();
    s.finishPrompt();
    s.fireTimer();
    expect(s.eventsOf('IvrRetriesExhausted')).toMatchObject([{ data: { target: 'failed' } }]);
    expect(s.effectsOf('HangUp')).toEqual([{ type: 'HangUp', cause: 'failed' }]);
  });

  it('reads keys typed ahead during an earlier prompt and leaves the rest for the next node', () => {
    const s = start(
      {
        hello: { type: 'play', prompt: tts('欢迎'), next: 'menu' },
        one: { ...menu, choices: { '2': 'two' }, variable: 'second' } as FlowNode,
      },
      'hello',
    );
    s.press('1'); // stops the welcome and is kept
    expect(s.path()).toEqual(['hello', 'menu', 'one']);
    s.press('2');
    expect(s.path()).toEqual(['hello', 'menu', 'one', 'two']);
    expect(s.state).toMatchObject({ phase: 'ended' });
  });

  it('typed-ahead keys beyond the first choice carry over to the next menu', () => {
    const s = start(
      {
        find: { type: 'lookup', kind: 'customer', next: 'menu', onFailure: 'menu' },
        one: { ...menu, choices: { '2': 'two' } } as FlowNode,
      },
      'find',
    );
    s.press('12'); // typed while the lookup is out
    expect(s.state.typeAhead).toBe('12');
    s.completeLookup({});
    expect(s.path()).toEqual(['find', 'menu', 'one', 'two']);
    expect(s.effectsOf('PlayPrompt')).toEqual([]);
  });

  it('ignores keys that are not on a phone keypad', () => {
    const s = start();
    s.finishPrompt();
    s.send({ type: 'DigitReceived', digit: 'A' });
    s.send({ type: 'DigitReceived', digit: '12' });
    expect(s.eventsOf('IvrInputInvalid')).toEqual([]);
    expect(s.state.nodeId).toBe('menu');
  });
});
