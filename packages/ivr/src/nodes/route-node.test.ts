import { describe, expect, it } from 'vitest';
import { createFlowRegistry } from '../flow/flow-registry';
import { formatIssue } from '../flow/flow-issues';
import type { Flow, FlowNode } from '../flow/flow-types';
import { checkFlow } from '../flow/validate-flow';
import { ivrScenario } from '../interpreter/ivr-scenario';
import { stepIvr } from '../interpreter/step-ivr';

const tts = (text: string) => ({ tts: text, language: 'zh' as const });

function flowOf(version: number, nodes: Record<string, FlowNode>, start = 'who'): Flow {
  return { schemaVersion: 1, id: 'f', version, name: 'f', start, nodes };
}

/** Sets a variable and an attribute, routes with `afterCall`, then asks 1–5 and thanks. */
const surveyed = (version: number, thanks = '谢谢') =>
  flowOf(version, {
    who: { type: 'set', vars: { tier: 'gold' }, attributes: { source: 'ivr' }, next: 'route' },
    route: { type: 'route', queue: 'pre-sales', prompt: tts('正在为您转接'), afterCall: 'survey' },
    survey: { type: 'survey', prompt: tts('请评价{{vars.tier}}'), variable: 'score', next: 'thanks' },
    thanks: { type: 'hangup', prompt: tts(thanks) },
  });

/** A call of `flow` routed to its queue, the transfer announcement played. */
function routedCall(flows: readonly Flow[] = [surveyed(1)], version = 1) {
  const s = ivrScenario(flows);
  s.start({ flowId: 'f', version });
  s.finishPrompt();
  return s;
}

describe('route node with afterCall', () => {
  it('routes and ends the run, but parks the flow instead of ending it for good', () => {
    const s = routedCall();
    expect(s.effects.slice(-2)).toEqual([
      {
        type: 'RouteToQueue',
        queue: 'pre-sales',
        priority: 0,
        skills: {},
        attributes: { source: 'ivr' },
      },
      { type: 'FlowEnded', reason: 'routed' },
    ]);
    expect(s.eventsOf('IvrEnded')).toMatchObject([{ data: { reason: 'routed', detail: 'pre-sales' } }]);
    expect(s.state).toMatchObject({ phase: 'parked', resumeAt: 'survey', nodeId: 'route' });
    expect(s.outstanding()).toEqual({ prompt: null, timers: [], lookups: [] });
  });

  it('ignores keys, timers and prompt reports while parked', () => {
    const s = routedCall();
    const before = s.state;
    for (const input of [
      { type: 'DigitReceived', digit: '5' },
      { type: 'TimerFired', timerId: 't1' },
      { type: 'PromptFinished', promptId: 'p1' },
    ] as const)
      expect(s.send(input)).toMatchObject({ effects: [], events: [] });
    expect(s.state).toEqual(before);
  });

  it('resumes at afterCall when the agent hangs up, with the same version, variables and attributes', () => {
    const s = routedCall();
    const resumed = s.agentHangsUp();
    expect(resumed.events.slice(0, 2)).toEqual([
      {
        type: 'IvrResumed',
        data: { flowId: 'f', version: 1, nodeId: 'route', target: 'survey', reason: 'agent-hung-up' },
      },
      { type: 'IvrNodeEntered', data: { flowId: 'f', version: 1, nodeId: 'survey', nodeType: 'survey' } },
    ]);
    expect(resumed.effects).toEqual([
      { type: 'PlayPrompt', promptId: 'p2', text: '请评价gold', language: 'zh', bargeIn: true },
    ]);
    expect(s.state).toMatchObject({ phase: 'running', resumeAt: null, attributes: { source: 'ivr' } });

    s.press('4');
    expect(s.effectsOf('RecordSurvey')).toEqual([{ type: 'RecordSurvey', score: 4 }]);
    expect(s.eventsOf('IvrSurveyAnswered')).toMatchObject([{ data: { nodeId: 'survey', score: 4 } }]);
    expect(s.state.vars).toEqual({ tier: 'gold', score: 4 });
    s.finishPrompt();
    expect(s.effects.slice(-2)).toEqual([
      { type: 'HangUp', cause: 'normal' },
      { type: 'FlowEnded', reason: 'hung-up' },
    ]);
    expect(s.path()).toEqual(['who', 'route', 'survey', 'thanks']);
    expect(s.state.phase).toBe('ended');
    // Each run ends once: the routed one and the resumed one.
    expect(s.effectsOf('FlowEnded')).toHaveLength(2);
    expect(s.eventsOf('IvrEnded').map((e) => e.data.reason)).toEqual(['routed', 'hung-up']);
  });

  it('keeps the call on the version it started on when a newer one is published meanwhile', () => {
    const flows = createFlowRegistry([surveyed(1, '旧版'), surveyed(2, '新版')]);
    const s = ivrScenario(flows);
    s.start({ flowId: 'f', version: 1 });
    s.finishPrompt();
    s.agentHangsUp();
    s.press('5');
    expect(s.effectsOf('PlayPrompt').at(-1)).toMatchObject({ text: '旧版' });
    expect(s.eventsOf('IvrNodeEntered').every((e) => e.data.version === 1)).toBe(true);
  });

  it('does not take keys pressed before the conversation as a score', () => {
    const s = ivrScenario([surveyed(1)]);
    s.start({ flowId: 'f' });
    s.press('3'); // during the barge-in transfer announcement: kept for the next node that reads keys
    expect(s.state.phase).toBe('parked');
    s.agentHangsUp();
    expect(s.effectsOf('RecordSurvey')).toEqual([]);
    expect(s.state.nodeId).toBe('survey');
  });

  it('ends quietly when the caller hangs up while parked: the run already ended', () => {
    const s = routedCall();
    expect(s.hangUp()).toMatchObject({ effects: [], events: [] });
    expect(s.state).toMatchObject({ phase: 'ended', resumeAt: null });
    expect(s.agentHangsUp()).toMatchObject({ effects: [], events: [] });
  });

  it('ends the resumed run normally when the caller hangs up during the survey', () => {
    const s = routedCall();
    s.agentHangsUp();
    const gone = s.hangUp();
    expect(gone.effects).toEqual([
      { type: 'StopPrompt', promptId: 'p2' },
      { type: 'FlowEnded', reason: 'caller-hung-up' },
    ]);
    expect(s.eventsOf('IvrSurveyAnswered')).toEqual([]);
    expect(s.outstanding()).toEqual({ prompt: null, timers: [], lookups: [] });
  });

  it('resumes only once, and never a flow that did not park', () => {
    const s = routedCall();
    s.agentHangsUp();
    expect(s.agentHangsUp()).toMatchObject({ effects: [], events: [] });
    expect(s.eventsOf('IvrResumed')).toHaveLength(1);

    const plain = flowOf(1, { route: { type: 'route', queue: 'pre-sales' } }, 'route');
    const p = ivrScenario([plain]);
    p.start({ flowId: 'f' });
    expect(p.state.phase).toBe('ended');
    expect(p.agentHangsUp()).toMatchObject({ effects: [], events: [] });
    const flows = createFlowRegistry([plain]);
    const running = ivrScenario([surveyed(1)]);
    running.start({ flowId: 'f' });
    expect(stepIvr(running.state, { type: 'AgentHungUp' }, { flows }).effects).toEqual([]);
  });

  it('resumes inside the subflow that routed', () => {
    const sub: Flow = {
      schemaVersion: 1,
      id: 'sub',
      version: 3,
      name: 'sub',
      start: 'r',
      nodes: {
        r: { type: 'route', queue: 'after-sales', afterCall: 'bye' },
        bye: { type: 'hangup', cause: 'normal' },
      },
    };
    const main = flowOf(
      1,
      { go: { type: 'subflow', flow: 'sub', next: 'end' }, end: { type: 'hangup' } },
      'go',
    );
    const s = ivrScenario([main, sub]);
    s.start({ flowId: 'f' });
    expect(s.state.phase).toBe('parked');
    s.agentHangsUp();
    expect(s.eventsOf('IvrNodeEntered').at(-1)?.data).toEqual({
      flowId: 'sub',
      version: 3,
      nodeId: 'bye',
      nodeType: 'hangup',
    });
  });
});

describe('route node afterCall validation', () => {
  const errors = (nodes: Record<string, unknown>) =>
    checkFlow({ schemaVersion: 1, id: 'f', version: 1, name: 'f', start: 'r', nodes }).errors.map(
      formatIssue,
    );

  it('names the node and field of an afterCall that is no existing node', () => {
    expect(errors({ r: { type: 'route', queue: 'q', afterCall: 'nowhere' } })).toEqual([
      "nodes.r.afterCall: unknown target node 'nowhere'",
    ]);
    expect(errors({ r: { type: 'route', queue: 'q', afterCall: 'no such id' } })).toEqual([
      'nodes.r.afterCall: must be a node id',
    ]);
    expect(errors({ r: { type: 'route', queue: 'q', afterCall: 5 } })).toEqual([
      'nodes.r.afterCall: must be a string',
    ]);
  });

  it('is no loop without input: the afterCall edge is only taken on a later input', () => {
    const nodes = {
      r: { type: 'route', queue: 'q', afterCall: 'again' },
      again: { type: 'goto', next: 'r' },
    };
    expect(errors(nodes)).toEqual([]);
    // The same edge as a plain jump is one.
    expect(errors({ ...nodes, r: { type: 'goto', next: 'again' } })).toEqual([
      'nodes.r: loop r → again → r never waits for caller input',
    ]);
  });

  it('counts the afterCall node as reachable', () => {
    const report = checkFlow({
      schemaVersion: 1,
      id: 'f',
      version: 1,
      name: 'f',
      start: 'r',
      nodes: {
        r: { type: 'route', queue: 'q', afterCall: 's' },
        s: { type: 'survey', prompt: tts('评价'), next: 'b' },
        b: { type: 'hangup' },
      },
    });
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
  });
});
