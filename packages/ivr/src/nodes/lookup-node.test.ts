import { describe, expect, it } from 'vitest';
import type { Flow, FlowNode } from '../flow/flow-types';
import { ivrScenario } from '../interpreter/ivr-scenario';
import type { LookupNode } from './lookup-node';

const lookup: LookupNode = {
  type: 'lookup',
  kind: 'customer',
  params: { number: '{{caller.number}}', channel: 'voice', attempt: 1 },
  timeoutMs: 2000,
  retries: 1,
  store: { customerName: 'customer.name', vip: 'customer.vipLevel', note: { path: 'note', optional: true } },
  next: 'found',
  onFailure: 'fallback',
};

function start(overrides: Partial<LookupNode> = {}) {
  const nodes: Record<string, FlowNode> = {
    lookup: { ...lookup, ...overrides },
    found: { type: 'hangup', cause: 'found' },
    fallback: { type: 'hangup', cause: 'fallback' },
  };
  const flow: Flow = { schemaVersion: 1, id: 'f', version: 1, name: 'f', start: 'lookup', nodes };
  const s = ivrScenario([flow]);
  s.start({ flowId: 'f', caller: { number: '13912345678' } });
  return s;
}

const good = { customer: { name: '张三', vipLevel: 2 } };

describe('lookup node', () => {
  it('asks the server with rendered params and a timeout timer', () => {
    const s = start();
    expect(s.effects).toEqual([
      {
        type: 'StartLookup',
        requestId: 'l1',
        kind: 'customer',
        params: { number: '13912345678', channel: 'voice', attempt: 1 },
        timeoutMs: 2000,
      },
      { type: 'StartTimer', timerId: 't2', ms: 2000 },
    ]);
  });

  it('stores the values it was told to and continues', () => {
    const s = start();
    s.completeLookup(good);
    expect(s.state.vars).toEqual({ customerName: '张三', vip: 2 });
    expect(s.eventsOf('IvrLookupSucceeded')).toMatchObject([
      { data: { requestId: 'l1', stored: ['customerName', 'vip'] } },
    ]);
    expect(s.effects).toContainEqual({ type: 'CancelTimer', timerId: 't2' });
    expect(s.path()).toEqual(['lookup', 'found']);
    expect(s.outstanding()).toEqual({ prompt: null, timers: [], lookups: [] });
  });

  it('retries after a timeout (cancelling the late request) and then takes the fallback', () => {
    const s = start();
    s.fireTimer();
    expect(s.effects.slice(2, 5)).toEqual([
      { type: 'CancelLookup', requestId: 'l1' },
      { type: 'StartLookup', requestId: 'l3', kind: 'customer', params: expect.any(Object), timeoutMs: 2000 },
      { type: 'StartTimer', timerId: 't4', ms: 2000 },
    ]);
    // The first request answering late is ignored.
    const late = s.send({ type: 'LookupCompleted', requestId: 'l1', ok: true, data: good });
    expect(late.effects).toEqual([]);
    s.fireTimer();
    expect(
      s
        .eventsOf('IvrLookupFailed')
        .map((e) => [e.data.requestId, e.data.reason, e.data.attempt, e.data.willRetry]),
    ).toEqual([
      ['l1', 'timeout', 1, true],
      ['l3', 'timeout', 2, false],
    ]);
    expect(s.path()).toEqual(['lookup', 'fallback']);
    expect(s.outstanding()).toEqual({ prompt: null, timers: [], lookups: [] });
  });

  it.each([
    ['a list', [good]],
    ['a string', 'OK'],
    ['null', null],
    ['a missing required value', { customer: { name: '张三' } }],
    ['an object where a value belongs', { customer: { name: { first: '三' }, vipLevel: 1 } }],
    ['an overlong string', { customer: { name: 'x'.repeat(501), vipLevel: 1 } }],
    ['a wrongly typed optional value', { ...good, note: [1] }],
  ])('treats %s as garbage and takes the failure path', (_what, data) => {
    const s = start({ retries: 0 });
    s.completeLookup(data);
    expect(s.eventsOf('IvrLookupFailed')).toMatchObject([
      { data: { reason: 'invalid-result', willRetry: false } },
    ]);
    expect(s.path()).toEqual(['lookup', 'fallback']);
  });

  it('treats an error answer or a reported failure as an error', () => {
    const s = start();
    s.completeLookup(good, false);
    s.failLookup('http 502');
    expect(s.eventsOf('IvrLookupFailed').map((e) => e.data.reason)).toEqual(['error', 'error']);
    expect(s.path()).toEqual(['lookup', 'fallback']);
  });

  it('keeps keys typed while waiting for the next node', () => {
    const s = start();
    s.press('5');
    expect(s.state.typeAhead).toBe('5');
    expect(s.state.nodeId).toBe('lookup');
  });
});
