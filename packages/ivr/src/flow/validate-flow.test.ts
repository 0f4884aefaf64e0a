import { describe, expect, it } from 'vitest';
import { demoShopFlow } from '../demo/demo-shop-flow';
import { IvrCode } from '../ivr-codes';
import { createFlowRegistry } from './flow-registry';
import { formatIssue } from './flow-issues';
import { FLOW_LIMITS } from './flow-types';
import { checkFlow, validateFlow } from './validate-flow';

const tts = (text: string) => ({ tts: text, language: 'zh' });

/** A small valid flow; tests replace nodes to break one rule at a time. */
function flow(nodes: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { schemaVersion: 1, id: 'f', version: 1, name: 'test', start: 'menu1', nodes, ...extra };
}

const base = {
  menu1: { type: 'menu', prompt: tts('按1'), choices: { '1': 'bye' }, onFailure: 'bye' },
  bye: { type: 'hangup' },
};

function errors(doc: unknown): string[] {
  return checkFlow(doc).errors.map(formatIssue);
}

describe('validateFlow', () => {
  it('accepts a valid flow and returns a detached copy', () => {
    const doc = flow(base);
    const result = validateFlow(doc);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value).toEqual(doc);
      expect(result.value).not.toBe(doc);
    }
  });

  it('refuses with IVR.INVALID_FLOW listing every error as path: message', () => {
    const result = validateFlow(flow({ ...base, menu1: { ...base.menu1, choices: { '3': 'x' } } }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(IvrCode.InvalidFlow);
      expect(result.error.message).toContain("nodes.menu1.choices.3: unknown target node 'x'");
      expect(result.error.details?.errors).toEqual(["nodes.menu1.choices.3: unknown target node 'x'"]);
    }
  });

  it('names unknown targets with node and field', () => {
    const doc = flow({ ...base, bye: { type: 'goto', next: 'nowhere' } });
    expect(errors(doc)).toContain("nodes.bye.next: unknown target node 'nowhere'");
  });

  it('requires an existing start node', () => {
    expect(errors(flow(base, { start: 'ghost' }))).toEqual(["start: unknown node 'ghost'"]);
    const { start: _start, ...noStart } = flow(base);
    expect(errors(noStart)).toEqual(['start: required']);
  });

  it('warns about unreachable nodes without refusing', () => {
    const report = checkFlow(flow({ ...base, orphan: { type: 'hangup' } }));
    expect(report.errors).toEqual([]);
    expect(report.warnings.map(formatIssue)).toEqual(["nodes.orphan: unreachable from start 'menu1'"]);
  });

  it('refuses loops that never wait for input, and allows loops through a menu', () => {
    const spinning = flow(
      {
        a: { type: 'goto', next: 'b' },
        b: { type: 'set', vars: { n: 1 }, next: 'c' },
        c: { type: 'condition', branches: [{ when: { calendar: 'open' }, next: 'a' }], default: 'bye' },
        bye: { type: 'hangup' },
      },
      { start: 'a' },
    );
    expect(errors(spinning)).toEqual(['nodes.a: loop a → b → c → a never waits for caller input']);
    expect(errors(flow({ ...base, bye: { type: 'goto', next: 'menu1' } }))).toEqual([]);
    expect(errors(flow({ ...base, bye: { type: 'goto', next: 'bye' } }))).toEqual([
      'nodes.bye: loop bye → bye never waits for caller input',
    ]);
  });

  it('refuses keys that are not DTMF keys', () => {
    const doc = flow({ ...base, menu1: { ...base.menu1, choices: { '1': 'bye', x: 'bye', '12': 'bye' } } });
    // Integer-like keys come first in a JavaScript object, whatever the document order.
    expect(errors(doc)).toEqual([
      "nodes.menu1.choices.12: '12' is not a DTMF key (0-9, *, #)",
      "nodes.menu1.choices.x: 'x' is not a DTMF key (0-9, *, #)",
    ]);
  });

  it('refuses bad and dangerous validation patterns', () => {
    const collect = (pattern: string) =>
      flow({
        ...base,
        menu1: {
          type: 'collect',
          prompt: tts('请输入'),
          variable: 'v',
          maxLength: 8,
          pattern,
          next: 'bye',
          onFailure: 'bye',
        },
      });
    expect(errors(collect('[0-9]{6,8}'))).toEqual([]);
    expect(errors(collect('([0-9]'))[0]).toMatch(/^nodes\.menu1\.pattern: pattern does not compile/);
    expect(errors(collect('(\\d+)+#'))).toEqual([
      'nodes.menu1.pattern: a repeated group contains a repetition (catastrophic backtracking)',
    ]);
    expect(errors(collect('(1|12)*'))).toEqual([
      'nodes.menu1.pattern: a repeated group contains alternation (catastrophic backtracking)',
    ]);
    expect(errors(collect('(\\d)\\1'))).toEqual(['nodes.menu1.pattern: backreferences are not allowed']);
    expect(errors(collect('1'.repeat(101)))).toEqual([
      `nodes.menu1.pattern: pattern longer than ${FLOW_LIMITS.maxPatternLength} characters`,
    ]);
  });

  it('refuses documents that are too large', () => {
    const nodes: Record<string, unknown> = { ...base };
    for (let i = 0; i < FLOW_LIMITS.maxNodes; i++) nodes[`n${i}`] = { type: 'hangup' };
    expect(errors(flow(nodes))).toEqual([
      `nodes: ${FLOW_LIMITS.maxNodes + 2} nodes exceed the limit of ${FLOW_LIMITS.maxNodes}`,
    ]);
    expect(errors('x'.repeat(FLOW_LIMITS.maxDocumentChars + 1))).toEqual([
      `document longer than ${FLOW_LIMITS.maxDocumentChars} characters`,
    ]);
    const longPrompt = flow({
      ...base,
      menu1: { ...base.menu1, prompt: tts('长'.repeat(FLOW_LIMITS.maxPromptChars + 1)) },
    });
    expect(errors(longPrompt)).toEqual([
      `nodes.menu1.prompt.tts: longer than ${FLOW_LIMITS.maxPromptChars} characters`,
    ]);
  });

  it('reads JSON text and reports broken JSON', () => {
    expect(validateFlow(JSON.stringify(demoShopFlow)).ok).toBe(true);
    expect(errors('{"schemaVersion":')[0]).toMatch(/^not valid JSON/);
    expect(errors([])).toEqual(['a flow must be a JSON object']);
  });

  it('checks the document header', () => {
    expect(errors({ ...flow(base), schemaVersion: 2 })).toEqual([
      'schemaVersion: unsupported version 2 (expected 1)',
    ]);
    expect(errors({ ...flow(base), version: 0 })).toEqual([
      'version: must be between 1 and 9007199254740991',
    ]);
    expect(errors({ ...flow(base), id: 'has space' })).toEqual([
      'id: must be a flow id (letters, digits, _ and -)',
    ]);
    expect(errors({ ...flow(base), extra: true })).toEqual(['extra: unknown field']);
    expect(errors(flow({}))).toContain('nodes: a flow needs at least one node');
  });

  it('names the field of node-level mistakes', () => {
    const doc = flow({
      ...base,
      menu1: { ...base.menu1, timout: 3000, timeoutMs: 10, prompt: { tts: 'x' } },
      bye: { type: 'hangup', cause: 'Bad Cause' },
      weird: { type: 'dance' },
      'bad id': { type: 'hangup' },
    });
    expect(errors(doc)).toEqual([
      'nodes.menu1.timout: unknown field',
      'nodes.menu1.prompt.language: required',
      'nodes.menu1.timeoutMs: must be between 500 and 60000',
      "nodes.bye.cause: must be a cause such as 'normal'",
      'nodes.weird.type: unknown node type "dance" (one of play, menu, collect, condition, lookup, set, route, voicemail, callback, transfer, survey, hangup, goto, subflow, return)',
      'nodes.bad id: is not a valid node id (letters, digits, _ and -, starting with a letter)',
    ]);
  });

  it('checks prompts, templates and conditions', () => {
    const doc = flow({
      ...base,
      menu1: {
        ...base.menu1,
        prompt: { tts: '订单{{vars.order', language: 'zh' },
        invalidPrompt: { tts: 'a', file: 'b' },
      },
      bye: {
        type: 'condition',
        branches: [
          { when: { value: 'caller.vipLevel', op: '~', operand: 1 }, next: 'end' },
          { when: { timeOfDay: { from: '9:00', to: '18:00' } }, next: 'end' },
          { when: { dayOfWeek: [7] }, next: 'end' },
          { when: { any: [] }, next: 'end' },
          { when: { value: 'call.x', op: 'exists' }, next: 'end' },
        ],
        default: 'end',
      },
      end: { type: 'hangup', prompt: { file: '../etc/passwd' } },
    });
    expect(errors(doc)).toEqual([
      "nodes.menu1.prompt.tts: unclosed '{{' at character 2",
      "nodes.menu1.invalidPrompt: needs exactly one of 'tts' (text) or 'file'",
      "nodes.bye.branches.0.when.op: must be one of '==', '!=', '<', '<=', '>', '>=', 'in', 'exists'",
      "nodes.bye.branches.1.when.timeOfDay.from: must be a time 'HH:MM'",
      'nodes.bye.branches.2.when.dayOfWeek: must be a non-empty list of weekdays 0 (Sunday) to 6',
      'nodes.bye.branches.3.when.any: must be a list of 1 to 20 conditions',
      'nodes.bye.branches.4.when.value: must be vars.x, caller.x or attributes.x',
      'nodes.end.prompt.file: must be a relative prompt file path',
    ]);
  });

  it('warns when a template reads a variable no node sets', () => {
    const doc = flow({ ...base, menu1: { ...base.menu1, prompt: tts('您好{{vars.name}}') } });
    expect(checkFlow(doc).warnings.map(formatIssue)).toEqual([
      "nodes.menu1.prompt.tts: variable 'name' is never set in this flow",
    ]);
  });

  it('checks each node type for its own fields', () => {
    const doc = flow({
      ...base,
      bye: {
        type: 'collect',
        prompt: tts('x'),
        variable: '1v',
        minLength: 9,
        maxLength: 4,
        terminator: '5',
        next: 'a',
        onFailure: 'a',
      },
      a: {
        type: 'lookup',
        kind: 'Order Status',
        retries: 9,
        store: { s: 'a..b' },
        next: 'b',
        onFailure: 'b',
      },
      b: { type: 'route', queue: 'pre sales', priority: 101, skills: { presales: 11 } },
      c: { type: 'transfer', number: 'call me' },
      d: { type: 'set', next: 'b' },
      e: { type: 'survey', next: 'b' },
      g: { type: 'callback', prompt: tts('x'), queue: 'q', acceptKey: 'A', next: 'b', onDeclined: 'b' },
      h: { type: 'voicemail', maxSeconds: 1 },
      i: { type: 'subflow', next: 'b' },
    });
    expect(errors(doc)).toEqual([
      'nodes.bye.variable: must be a variable name',
      'nodes.bye.minLength: greater than maxLength (4)',
      "nodes.bye.terminator: must be one of '#', '*'",
      "nodes.a.kind: must be a lookup kind such as 'customer' or 'order-status'",
      'nodes.a.retries: must be between 0 and 3',
      'nodes.a.store.s: must be a dotted path such as order.status',
      'nodes.b.queue: must be a queue code',
      'nodes.b.priority: must be between 0 and 100',
      'nodes.b.skills.presales: must be between 1 and 10',
      "nodes.c.number: must be digits with an optional '+', or a template",
      "nodes.d.vars: nothing to set: give 'vars' or 'attributes'",
      'nodes.e.prompt: required',
      "nodes.g.acceptKey: 'A' is not a DTMF key (0-9, *, #)",
      'nodes.h.maxSeconds: must be between 5 and 600',
      'nodes.i.flow: required',
    ]);
  });

  it('checks subflow references against published flows when given them', () => {
    const doc = flow({
      ...base,
      bye: { type: 'subflow', flow: 'faq', next: 'end' },
      end: { type: 'hangup' },
    });
    expect(errors(doc)).toEqual([]);
    const flows = createFlowRegistry();
    expect(checkFlow(doc, { flows }).errors.map(formatIssue)).toEqual([
      "nodes.bye.flow: flow 'faq' is not published",
    ]);
  });
});
