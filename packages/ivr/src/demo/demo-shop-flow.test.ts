import { describe, expect, it } from 'vitest';
import { checkFlow } from '../flow/validate-flow';
import { ivrScenario } from '../interpreter/ivr-scenario';
import { DEMO_VIP_PRIORITY, demoShopFlow } from './demo-shop-flow';

function call(caller: Record<string, string | number> = {}, open = true) {
  const s = ivrScenario([demoShopFlow]);
  s.start({ flowId: 'demo-shop', caller: { number: '13800138000', ...caller }, calendar: { open } });
  return s;
}

/** Plays the welcome through and arrives at the main menu prompt. */
function atMainMenu() {
  const s = call();
  s.finishPrompt();
  expect(s.path()).toEqual(['welcome', 'checkHours', 'checkVip', 'mainMenu']);
  return s;
}

function routed(s: ReturnType<typeof call>) {
  s.finishPrompt(); // the transfer announcement
  return s.effectsOf('RouteToQueue');
}

describe('demo shop flow', () => {
  it('is a valid flow without warnings', () => {
    const report = checkFlow(demoShopFlow);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  it('greets in Mandarin first', () => {
    const s = call();
    expect(s.effects[0]).toMatchObject({ type: 'PlayPrompt', text: '欢迎致电示例商城。', language: 'zh' });
  });

  it('sends VIP callers past the menu to pre-sales with priority', () => {
    const s = call({ vipLevel: 2 });
    s.finishPrompt();
    expect(s.path()).toEqual(['welcome', 'checkHours', 'checkVip', 'vipRoute']);
    expect(routed(s)).toEqual([
      {
        type: 'RouteToQueue',
        queue: 'pre-sales',
        priority: DEMO_VIP_PRIORITY,
        skills: {},
        attributes: { vipLevel: '2' },
      },
    ]);
    expect(s.effects.at(-1)).toEqual({ type: 'FlowEnded', reason: 'routed' });
  });

  it('offers voicemail after hours, VIP or not', () => {
    const s = call({ vipLevel: 3 }, false);
    s.finishPrompt();
    expect(s.path().at(-1)).toBe('afterHours');
    s.finishPrompt();
    expect(s.effectsOf('StartVoicemail')).toEqual([
      { type: 'StartVoicemail', mailbox: 'after-hours', queue: 'pre-sales', maxSeconds: 120, beep: true },
    ]);
    expect(s.state.phase).toBe('ended');
  });

  it('1: speaks the status of a found order, then returns to the menu on *', () => {
    const s = atMainMenu();
    s.press('1');
    s.finishPrompt(); // "请输入您的订单号"
    s.press('20260105#');
    expect(s.effectsOf('StartLookup')[0]).toMatchObject({
      kind: 'order-status',
      params: { orderNumber: '20260105', callerNumber: '13800138000' },
      timeoutMs: 3000,
    });
    s.completeLookup({ status: '已发货' });
    expect(s.effects.filter((e) => e.type === 'PlayPrompt').at(-1)).toMatchObject({
      text: '您的订单20260105状态是已发货。',
    });
    s.finishPrompt();
    s.finishPrompt(); // the after-status menu prompt
    s.press('*');
    expect(s.path().slice(-5)).toEqual(['askOrder', 'lookupOrder', 'sayStatus', 'afterStatus', 'mainMenu']);
  });

  it('1: a failed lookup (after one retry) apologizes and routes to after-sales', () => {
    const s = atMainMenu();
    s.press('1');
    s.press('20260105#');
    s.failLookup();
    s.fireTimer(); // the retry times out
    expect(s.eventsOf('IvrLookupFailed').map((e) => [e.data.reason, e.data.willRetry])).toEqual([
      ['error', true],
      ['timeout', false],
    ]);
    expect(s.path().slice(-2)).toEqual(['lookupOrder', 'orderApology']);
    s.finishPrompt();
    expect(routed(s)).toMatchObject([{ queue: 'after-sales' }]);
  });

  it.each([
    ['2', 'preSales', 'pre-sales'],
    ['3', 'afterSales', 'after-sales'],
    ['0', 'agent', 'pre-sales'],
  ])('%s routes to %s (%s)', (key, node, queue) => {
    const s = atMainMenu();
    s.press(key);
    expect(s.path().at(-1)).toBe(node);
    expect(routed(s)).toMatchObject([{ queue, priority: 0 }]);
    expect(s.eventsOf('IvrMenuChoiceMade')).toMatchObject([
      { data: { nodeId: 'mainMenu', digit: key, target: node } },
    ]);
  });

  it('three invalid keys end at an agent in pre-sales', () => {
    const s = atMainMenu();
    s.press('9');
    s.press('8');
    s.press('7');
    expect(s.eventsOf('IvrInputInvalid').map((e) => e.data.attempt)).toEqual([1, 2, 3]);
    expect(s.eventsOf('IvrRetriesExhausted')).toMatchObject([
      { data: { nodeId: 'mainMenu', target: 'agent' } },
    ]);
    expect(routed(s)).toMatchObject([{ queue: 'pre-sales' }]);
  });

  it('silence three times ends at an agent too', () => {
    const s = atMainMenu();
    for (let i = 0; i < 3; i++) {
      while (s.outstanding().prompt !== null) s.finishPrompt();
      s.fireTimer();
    }
    expect(s.eventsOf('IvrInputTimedOut')).toHaveLength(3);
    expect(routed(s)).toMatchObject([{ queue: 'pre-sales' }]);
  });

  it('asks for a 1–5 rating when the agent hangs up first, then thanks and hangs up', () => {
    const s = atMainMenu();
    s.press('2');
    routed(s);
    expect(s.state.phase).toBe('parked');
    s.agentHangsUp();
    expect(s.path().at(-1)).toBe('survey');
    expect(s.effectsOf('PlayPrompt').at(-1)).toMatchObject({
      text: '请您对本次服务进行评价，非常满意请按5，满意请按4，一般请按3，不满意请按2，非常不满意请按1。',
      language: 'zh',
    });
    s.press('4');
    expect(s.eventsOf('IvrSurveyAnswered')).toMatchObject([{ data: { nodeId: 'survey', score: 4 } }]);
    s.finishPrompt(); // "感谢您的评价，再见。"
    expect(s.path().slice(-2)).toEqual(['survey', 'surveyThanks']);
    expect(s.effects.slice(-2)).toEqual([
      { type: 'HangUp', cause: 'normal' },
      { type: 'FlowEnded', reason: 'hung-up' },
    ]);
  });

  it('takes a wrong key once more, then says goodbye without a score', () => {
    const s = call({ vipLevel: 1 });
    s.finishPrompt();
    routed(s);
    s.agentHangsUp();
    s.press('9');
    expect(s.effectsOf('PlayPrompt').at(-1)?.text).toBe('请按1到5之间的数字。');
    s.finishPrompt();
    s.finishPrompt();
    s.fireTimer();
    expect(s.path().at(-1)).toBe('goodbye');
    expect(s.eventsOf('IvrSurveyAnswered')).toEqual([]);
  });

  it('asks nothing when the caller hangs up first', () => {
    const s = atMainMenu();
    s.press('3');
    routed(s);
    expect(s.hangUp().effects).toEqual([]);
    expect(s.state.phase).toBe('ended');
    expect(s.path()).not.toContain('survey');
  });

  it('a caller who knows the menu can press 2 during the welcome', () => {
    const s = call();
    s.press('2');
    expect(s.path()).toEqual(['welcome', 'checkHours', 'checkVip', 'mainMenu', 'preSales']);
  });
});
