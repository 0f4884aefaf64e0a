import { describe, expect, it } from 'vitest';
import type { Flow, FlowNode } from '../flow/flow-types';
import { ivrScenario } from '../interpreter/ivr-scenario';
import type { CollectNode } from './collect-node';

const tts = (text: string) => ({ tts: text, language: 'zh' as const });

const collect: CollectNode = {
  type: 'collect',
  prompt: tts('请输入订单号'),
  variable: 'orderNumber',
  minLength: 4,
  maxLength: 8,
  maxRetries: 1,
  invalidPrompt: tts('有误'),
  next: 'ok',
  onFailure: 'failed',
};

function start(overrides: Partial<CollectNode> = {}) {
  const nodes: Record<string, FlowNode> = {
    collect: { ...collect, ...overrides },
    ok: { type: 'hangup', cause: 'ok' },
    failed: { type: 'hangup', cause: 'failed' },
  };
  const flow: Flow = { schemaVersion: 1, id: 'f', version: 1, name: 'f', start: 'collect', nodes };
  const s = ivrScenario([flow]);
  s.start({ flowId: 'f' });
  return s;
}

describe('collect node', () => {
  it('ends input at the terminator and stores the number', () => {
    const s = start();
    s.finishPrompt();
    s.press('12345#');
    expect(s.state.vars).toEqual({ orderNumber: '12345' });
    expect(s.eventsOf('IvrDigitsCollected')).toMatchObject([
      { data: { variable: 'orderNumber', value: '12345', length: 5 } },
    ]);
    expect(s.path()).toEqual(['collect', 'ok']);
  });

  it('restarts the inter-digit timer on each key', () => {
    const s = start({ interDigitTimeoutMs: 2000 });
    s.finishPrompt();
    s.press('12');
    expect(s.effects.filter((e) => e.type === 'StartTimer' || e.type === 'CancelTimer')).toEqual([
      { type: 'StartTimer', timerId: 't2', ms: 5000 },
      { type: 'CancelTimer', timerId: 't2' },
      { type: 'StartTimer', timerId: 't3', ms: 2000 },
      { type: 'CancelTimer', timerId: 't3' },
      { type: 'StartTimer', timerId: 't4', ms: 2000 },
    ]);
  });

  it('completes on reaching maxLength without a terminator', () => {
    const s = start();
    s.press('12345678');
    expect(s.state.vars).toEqual({ orderNumber: '12345678' });
  });

  it('accepts input ended by silence when it is long enough', () => {
    const s = start();
    s.press('1234');
    s.fireTimer();
    expect(s.path()).toEqual(['collect', 'ok']);
  });

  it('treats too short input, a stray * or a pattern mismatch as invalid, then fails over', () => {
    const short = start();
    short.press('12#');
    expect(short.eventsOf('IvrInputInvalid')).toMatchObject([{ data: { input: '12#', attempt: 1 } }]);
    short.finishPrompt();
    short.finishPrompt();
    short.press('1*');
    expect(short.eventsOf('IvrInputInvalid').map((e) => e.data.input)).toEqual(['12#', '1*']);
    expect(short.path()).toEqual(['collect', 'failed']);

    const pattern = start({ pattern: '9[0-9]+' });
    pattern.press('12345#');
    expect(pattern.eventsOf('IvrInputInvalid')).toHaveLength(1);
    pattern.finishPrompt();
    pattern.finishPrompt();
    pattern.press('91234#');
    expect(pattern.path()).toEqual(['collect', 'ok']);
  });

  it('uses * as terminator when told, or none at all', () => {
    const star = start({ terminator: '*' });
    star.press('1234*');
    expect(star.state.vars).toEqual({ orderNumber: '1234' });
    const none = start({ terminator: null });
    none.press('1234#');
    expect(none.eventsOf('IvrInputInvalid')).toMatchObject([{ data: { input: '1234#' } }]);
  });

  it('masks sensitive input in events but stores it', () => {
    const s = start({ sensitive: true });
    s.press('12#');
    s.finishPrompt();
    s.finishPrompt();
    s.press('13800138#');
    expect(s.eventsOf('IvrInputInvalid')[0]!.data.input).toBe('***');
    expect(s.eventsOf('IvrDigitsCollected')[0]!.data.value).toBe('********');
    expect(s.state.vars.orderNumber).toBe('13800138');
  });

  it('silence before any key is no input', () => {
    const s = start({ maxRetries: 0 });
    s.finishPrompt();
    s.fireTimer();
    expect(s.eventsOf('IvrInputTimedOut')).toHaveLength(1);
    expect(s.path()).toEqual(['collect', 'failed']);
  });
});
