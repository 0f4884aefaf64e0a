import { describe, expect, it } from 'vitest';
import type { Flow, FlowNode } from '../flow/flow-types';
import { ivrScenario } from '../interpreter/ivr-scenario';
import { validateFlow } from '../flow/validate-flow';

const tts = (text: string) => ({ tts: text, language: 'zh' as const });
const bye: FlowNode = { type: 'hangup' };

function run(nodes: Record<string, FlowNode>, start: string, fields: Record<string, unknown> = {}) {
  const flow: Flow = { schemaVersion: 1, id: 'f', version: 1, name: 'f', start, nodes: { bye, ...nodes } };
  const s = ivrScenario([flow]);
  s.start({ flowId: 'f', ...fields });
  return s;
}

describe('play node', () => {
  it('plays a file or TTS text and continues when it ends', () => {
    const s = run(
      {
        a: { type: 'play', prompt: { file: 'shop/welcome.wav', bargeIn: false }, next: 'b' },
        b: { type: 'play', prompt: { tts: 'Welcome', language: 'en' }, next: 'bye' },
      },
      'a',
    );
    expect(s.effects).toEqual([
      { type: 'PlayPrompt', promptId: 'p1', file: 'shop/welcome.wav', language: 'zh', bargeIn: false },
    ]);
    s.finishPrompt();
    expect(s.effects.at(-1)).toEqual({
      type: 'PlayPrompt',
      promptId: 'p2',
      text: 'Welcome',
      language: 'en',
      bargeIn: true,
    });
    s.finishPrompt();
    expect(s.path()).toEqual(['a', 'b', 'bye']);
  });

  it('ignores a PromptFinished for a prompt that is not playing', () => {
    const s = run({ a: { type: 'play', prompt: tts('x'), next: 'bye' } }, 'a');
    expect(s.send({ type: 'PromptFinished', promptId: 'p99' })).toMatchObject({ effects: [], events: [] });
    expect(s.state.nodeId).toBe('a');
  });
});

describe('set node and templates', () => {
  it('sets variables and attributes from templates; routing receives the attributes', () => {
    const s = run(
      {
        a: {
          type: 'set',
          vars: { greeting: '{{caller.city}}的客户', n: 3, flag: true },
          attributes: { region: '{{caller.province}}' },
          next: 'b',
        },
        b: { type: 'play', prompt: tts('{{vars.greeting}}您好，{{vars.missing}}再见'), next: 'c' },
        c: {
          type: 'route',
          queue: 'pre-sales',
          priority: 5,
          skills: { presales: 3 },
          attributes: { source: 'ivr' },
        },
      },
      'a',
      { caller: { number: '1', province: '广东', city: '深圳' } },
    );
    expect(s.state.vars).toEqual({ greeting: '深圳的客户', n: 3, flag: true });
    expect(s.effectsOf('PlayPrompt')[0]!.text).toBe('深圳的客户您好，再见');
    s.finishPrompt();
    expect(s.effectsOf('RouteToQueue')).toEqual([
      {
        type: 'RouteToQueue',
        queue: 'pre-sales',
        priority: 5,
        skills: { presales: 3 },
        attributes: { region: '广东', source: 'ivr' },
      },
    ]);
    expect(s.eventsOf('IvrVariablesSet')).toMatchObject([
      { data: { vars: ['greeting', 'n', 'flag'], attributes: ['region'] } },
    ]);
  });
});

describe('condition node', () => {
  const cond = (when: unknown): Record<string, FlowNode> => ({
    c: { type: 'condition', branches: [{ when, next: 'yes' }], default: 'no' } as FlowNode,
    yes: { type: 'hangup', cause: 'yes' },
    no: { type: 'hangup', cause: 'no' },
  });
  const cause = (when: unknown, fields: Record<string, unknown> = {}) =>
    run(cond(when), 'c', fields).effectsOf('HangUp')[0]!.cause;
  // 2026-01-05 is a Monday; 02:00 UTC is 10:00 in Beijing.
  const mondayTen = Date.UTC(2026, 0, 5, 2, 0);

  it('reads the calendar supplied at start', () => {
    expect(cause({ calendar: 'closed' }, { calendar: { open: false } })).toBe('yes');
    expect(cause({ calendar: 'open' }, { calendar: { open: false } })).toBe('no');
    expect(cause({ calendar: 'holiday' }, { calendar: { open: true, holiday: true } })).toBe('yes');
  });

  it('reads local time and weekday from the clock input and the tenant offset', () => {
    expect(cause({ timeOfDay: { from: '09:00', to: '18:00' } }, { now: mondayTen })).toBe('yes');
    expect(
      cause({ timeOfDay: { from: '09:00', to: '18:00' } }, { now: mondayTen, utcOffsetMinutes: 0 }),
    ).toBe('no');
    expect(cause({ timeOfDay: { from: '22:00', to: '06:00' } }, { now: Date.UTC(2026, 0, 5, 20, 0) })).toBe(
      'yes',
    );
    expect(cause({ dayOfWeek: [1, 2, 3, 4, 5] }, { now: mondayTen })).toBe('yes');
    expect(cause({ dayOfWeek: [0, 6] }, { now: mondayTen })).toBe('no');
  });

  it('compares caller attributes, VIP level and region', () => {
    const vip = { caller: { number: '1', vipLevel: 2, province: '广东', city: '深圳' } };
    expect(cause({ value: 'caller.vipLevel', op: '>=', operand: 1 }, vip)).toBe('yes');
    expect(cause({ value: 'caller.vipLevel', op: '>=', operand: 1 })).toBe('no');
    expect(cause({ value: 'caller.province', op: 'in', operand: ['广东', '广西'] }, vip)).toBe('yes');
    expect(
      cause(
        {
          all: [
            { value: 'caller.city', op: '==', operand: '深圳' },
            { not: { value: 'caller.vipLevel', op: '<', operand: 2 } },
          ],
        },
        vip,
      ),
    ).toBe('yes');
    expect(
      cause(
        {
          any: [
            { value: 'caller.customerId', op: 'exists' },
            { value: 'caller.city', op: '!=', operand: '深圳' },
          ],
        },
        vip,
      ),
    ).toBe('no');
  });

  it('records which branch was taken', () => {
    const s = run(cond({ calendar: 'open' }), 'c');
    expect(s.eventsOf('IvrConditionEvaluated')).toMatchObject([
      { data: { nodeId: 'c', branch: 0, target: 'yes' } },
    ]);
  });
});

describe('terminal nodes', () => {
  it('voicemail plays its prompt, then starts recording and ends the flow', () => {
    const s = run({ v: { type: 'voicemail', prompt: tts('请留言') } }, 'v');
    s.finishPrompt();
    expect(s.effects.slice(-2)).toEqual([
      { type: 'StartVoicemail', mailbox: 'default', maxSeconds: 120, beep: true },
      { type: 'FlowEnded', reason: 'voicemail' },
    ]);
  });

  it('voicemail names the queue whose agents get the message, and refuses a bad queue code', () => {
    const s = run({ v: { type: 'voicemail', queue: 'after-sales', beep: false } }, 'v');
    expect(s.effectsOf('StartVoicemail')).toEqual([
      { type: 'StartVoicemail', mailbox: 'default', maxSeconds: 120, beep: false, queue: 'after-sales' },
    ]);
    const checked = validateFlow({
      schemaVersion: 1,
      id: 'f',
      version: 1,
      name: 'f',
      start: 'v',
      nodes: { v: { type: 'voicemail', queue: 'no spaces' } },
    });
    expect(checked.ok).toBe(false);
    expect(JSON.stringify(checked)).toContain('queue');
  });

  it('transfer dials a number from a template through a trunk', () => {
    const s = run(
      {
        s: { type: 'set', vars: { branch: '0755-8888 6666' }, next: 't' },
        t: { type: 'transfer', number: '{{vars.branch}}', trunk: 'telecom' },
      },
      's',
    );
    expect(s.effectsOf('TransferExternal')).toEqual([
      { type: 'TransferExternal', number: '075588886666', trunk: 'telecom' },
    ]);
    expect(s.eventsOf('IvrEnded')).toMatchObject([
      { data: { reason: 'transferred', detail: '075588886666' } },
    ]);
  });

  it('transfer to something undialable ends as a flow error with a hang-up', () => {
    const s = run({ t: { type: 'transfer', number: '{{vars.nothing}}' } }, 't');
    expect(s.effects).toEqual([
      { type: 'HangUp', cause: 'flow-error' },
      { type: 'FlowEnded', reason: 'flow-error' },
    ]);
  });

  it('hangup plays its goodbye, then hangs up with the cause', () => {
    const s = run({ h: { type: 'hangup', prompt: tts('再见'), cause: 'user-busy' } }, 'h');
    expect(s.effectsOf('HangUp')).toEqual([]);
    s.finishPrompt();
    expect(s.effects.slice(-2)).toEqual([
      { type: 'HangUp', cause: 'user-busy' },
      { type: 'FlowEnded', reason: 'hung-up' },
    ]);
  });

  it('goto jumps', () => {
    expect(run({ g: { type: 'goto', next: 'bye' } }, 'g').path()).toEqual(['g', 'bye']);
  });
});

describe('callback node', () => {
  const nodes = (extra: Record<string, unknown> = {}): Record<string, FlowNode> => ({
    cb: {
      type: 'callback',
      prompt: tts('按1预约回拨'),
      queue: 'after-sales',
      priority: 3,
      next: 'thanks',
      onDeclined: 'stay',
      ...extra,
    } as FlowNode,
    thanks: { type: 'hangup', cause: 'thanks' },
    stay: { type: 'hangup', cause: 'stay' },
  });

  it('on the accept key asks for a callback to the caller number', () => {
    const s = run(nodes(), 'cb', { caller: { number: '138-0013-8000' } });
    s.press('1');
    expect(s.effectsOf('OfferCallback')).toEqual([
      { type: 'OfferCallback', queue: 'after-sales', number: '13800138000', priority: 3 },
    ]);
    expect(s.path()).toEqual(['cb', 'thanks']);
  });

  it('any other key, silence, or no usable number declines', () => {
    const other = run(nodes(), 'cb');
    other.press('2');
    const silent = run(nodes(), 'cb');
    silent.finishPrompt();
    silent.fireTimer();
    const anonymous = run(nodes(), 'cb', { caller: { number: 'anonymous' } });
    anonymous.press('1');
    for (const s of [other, silent, anonymous]) {
      expect(s.effectsOf('OfferCallback')).toEqual([]);
      expect(s.eventsOf('IvrCallbackDeclined')).toHaveLength(1);
      expect(s.path()).toEqual(['cb', 'stay']);
    }
  });
});

describe('survey node', () => {
  const nodes: Record<string, FlowNode> = {
    s: {
      type: 'survey',
      prompt: tts('请为本次服务打分，1到5分'),
      variable: 'csat',
      maxRetries: 1,
      next: 'thanks',
      onFailure: 'none',
    },
    thanks: { type: 'hangup', cause: 'thanks' },
    none: { type: 'hangup', cause: 'none' },
  };

  it('records a score from 1 to 5', () => {
    const s = run(nodes, 's');
    s.press('5');
    expect(s.effectsOf('RecordSurvey')).toEqual([{ type: 'RecordSurvey', score: 5 }]);
    expect(s.eventsOf('IvrSurveyAnswered')).toMatchObject([{ data: { score: 5 } }]);
    expect(s.state.vars).toEqual({ csat: 5 });
  });

  it('retries keys outside 1–5 and gives up to onFailure', () => {
    const s = run(nodes, 's');
    s.press('0');
    s.finishPrompt();
    s.press('9');
    expect(s.effectsOf('RecordSurvey')).toEqual([]);
    expect(s.path()).toEqual(['s', 'none']);
  });
});
