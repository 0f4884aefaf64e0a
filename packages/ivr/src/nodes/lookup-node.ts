import { FLOW_LIMITS, NAME_PATTERN } from '../flow/flow-types';
import { checkValueMap, renderValueMap, VALUE_MAP_SCHEMA, type ValueMap } from '../flow/value-map';
import type { LookupFailure } from '../interpreter/ivr-event';
import { extractResult, RESULT_PATH, type StoreSpec } from './lookup-result';
import {
  nodeSchema,
  TARGET_SCHEMA,
  TIMEOUT_SCHEMA,
  type LookupOutcome,
  type Next,
  type NodeContext,
  type NodeModule,
} from './node-module';

/**
 * Asks the server to look something up and waits for the answer: `customer` (CRM by caller
 * number), `webhook` (an HTTP call the tenant configured), or a named integration such as
 * `order-status`. `params` are rendered templates. Values from the result object go into variables
 * per `store` (variable → dotted path). An error, garbage, or no answer within `timeoutMs` is retried
 * `retries` times, then the call goes to `onFailure`. Keys pressed meanwhile are kept (type-ahead).
 */
export interface LookupNode {
  readonly type: 'lookup';
  readonly kind: string;
  readonly params?: ValueMap;
  /** Default 3000. */
  readonly timeoutMs?: number;
  /** Default 0. */
  readonly retries?: number;
  readonly store?: Readonly<Record<string, StoreSpec>>;
  readonly next: string;
  readonly onFailure: string;
}

export const LOOKUP_DEFAULTS = { timeoutMs: 3000, retries: 0, maxRetries: 3 } as const;
const KIND = /^[a-z][a-z0-9-]*$/;

function attempt(node: LookupNode, cx: NodeContext, n: number): null {
  const params = renderValueMap(node.params, cx.scope());
  const requestId = cx.startLookup(node.kind, params, node.timeoutMs ?? LOOKUP_DEFAULTS.timeoutMs);
  cx.wait = { kind: 'lookup', attempt: n, requestId };
  cx.record('IvrLookupStarted', { requestId, kind: node.kind, attempt: n });
  return null;
}

function failed(node: LookupNode, cx: NodeContext, reason: LookupFailure): Next {
  const w = cx.wait?.kind === 'lookup' ? cx.wait : { attempt: 1, requestId: '' };
  const n = w.attempt;
  const willRetry = n <= (node.retries ?? LOOKUP_DEFAULTS.retries);
  // A timed-out request is still out: the next attempt or leaving the node cancels it.
  if (reason !== 'timeout') cx.settleLookup();
  cx.record('IvrLookupFailed', { requestId: w.requestId, reason, attempt: n, willRetry });
  return willRetry ? attempt(node, cx, n + 1) : node.onFailure;
}

export const lookupNode: NodeModule<LookupNode> = {
  type: 'lookup',
  schema: nodeSchema('lookup', ['kind', 'next', 'onFailure'], {
    kind: { type: 'string', pattern: KIND.source, maxLength: 40 },
    params: VALUE_MAP_SCHEMA,
    timeoutMs: { ...TIMEOUT_SCHEMA, default: LOOKUP_DEFAULTS.timeoutMs },
    retries: { type: 'integer', minimum: 0, maximum: LOOKUP_DEFAULTS.maxRetries, default: 0 },
    store: {
      type: 'object',
      maxProperties: FLOW_LIMITS.maxEntries,
      propertyNames: { pattern: NAME_PATTERN.source },
      additionalProperties: {
        oneOf: [
          { type: 'string', pattern: RESULT_PATH.source },
          {
            type: 'object',
            required: ['path'],
            additionalProperties: false,
            properties: {
              path: { type: 'string', pattern: RESULT_PATH.source },
              optional: { type: 'boolean' },
            },
          },
        ],
      },
    },
    next: TARGET_SCHEMA,
    onFailure: TARGET_SCHEMA,
  }),
  check(r) {
    r.allow(['type', 'kind', 'params', 'timeoutMs', 'retries', 'store', 'next', 'onFailure']);
    r.string('kind', { max: 40, pattern: KIND, shape: "a lookup kind such as 'customer' or 'order-status'" });
    checkValueMap(r, 'params');
    r.timeout('timeoutMs');
    r.int('retries', { min: 0, max: LOOKUP_DEFAULTS.maxRetries });
    r.target('next');
    r.target('onFailure');
    const store = r.object('store', false);
    for (const name of Object.keys(store?.value ?? {})) {
      if (!NAME_PATTERN.test(name)) store!.error(name, 'is not a valid variable name');
      else store!.issues.writtenVars.add(name);
      const spec = store!.get(name);
      const entry = typeof spec === 'string' ? undefined : store!.object(name);
      entry?.allow(['path', 'optional']);
      entry?.boolean('optional');
      if (entry) entry.string('path', { pattern: RESULT_PATH, shape: 'a dotted path such as order.status' });
      else if (typeof spec === 'string' && !RESULT_PATH.test(spec))
        store!.error(name, 'must be a dotted path such as order.status');
    }
  },
  waitsForInput: () => true,
  enter: (node, cx) => attempt(node, cx, 1),
  onTimer: (node, cx) => failed(node, cx, 'timeout'),
  onLookup(node, cx, outcome: LookupOutcome) {
    if (outcome.kind !== 'completed' || !outcome.ok)
      return failed(node, cx, outcome.kind === 'timed-out' ? 'timeout' : 'error');
    const values = extractResult(outcome.data, node.store);
    if (values === undefined) return failed(node, cx, 'invalid-result');
    const requestId = cx.wait?.kind === 'lookup' ? cx.wait.requestId : '';
    cx.settleLookup();
    for (const [name, value] of Object.entries(values)) cx.setVar(name, value);
    cx.record('IvrLookupSucceeded', { requestId, stored: Object.keys(values) });
    return node.next;
  },
};
