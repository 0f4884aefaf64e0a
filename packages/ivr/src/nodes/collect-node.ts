import { FLOW_LIMITS } from '../flow/flow-types';
import { checkPrompt, type Prompt } from '../flow/prompt';
import { checkSafePattern } from '../flow/safe-pattern';
import { digitBehaviour, TYPE_AHEAD_SCHEMA, type DigitVerdict } from './digit-input';
import {
  nodeSchema,
  RETRIES_SCHEMA,
  TARGET_SCHEMA,
  TIMEOUT_SCHEMA,
  VARIABLE_SCHEMA,
  type NodeModule,
} from './node-module';

/**
 * Collects a number (order number, phone number) into `variable`. Input ends with the
 * `terminator` key (default `#`, `null` for none), on reaching `maxLength`, or after
 * `interDigitTimeoutMs` of silence once typing started. It is valid when its length is within
 * `minLength`..`maxLength` and it matches `pattern` (whole input). Invalid input and silence retry
 * like a menu, then go to `onFailure`. With `sensitive` the value is masked in events. Keys typed
 * ahead (before the node listened) are read first unless `typeAhead` is false.
 */
export interface CollectNode {
  readonly type: 'collect';
  readonly prompt: Prompt;
  readonly variable: string;
  /** Default 1. */
  readonly minLength?: number;
  readonly maxLength: number;
  readonly terminator?: '#' | '*' | null;
  /** Silence before the first key; default 5000. */
  readonly timeoutMs?: number;
  /** Silence between keys; default 3000. */
  readonly interDigitTimeoutMs?: number;
  readonly pattern?: string;
  /** Default 2. */
  readonly maxRetries?: number;
  readonly invalidPrompt?: Prompt;
  readonly noInputPrompt?: Prompt;
  readonly sensitive?: boolean;
  readonly next: string;
  readonly onFailure: string;
  /** Whether keys typed before the node listened count; default true. */
  readonly typeAhead?: boolean;
}

export const COLLECT_DEFAULTS = {
  minLength: 1,
  terminator: '#',
  timeoutMs: 5000,
  interDigitTimeoutMs: 3000,
  maxRetries: 2,
} as const;

function terminatorOf(n: CollectNode): string | null {
  return n.terminator === undefined ? COLLECT_DEFAULTS.terminator : n.terminator;
}

/** Whether a finished input is acceptable. */
function verdict(n: CollectNode, value: string, typed: string): DigitVerdict {
  const min = n.minLength ?? COLLECT_DEFAULTS.minLength;
  if (value.length < min || value.length > n.maxLength) return { invalid: typed };
  if (n.pattern !== undefined && !new RegExp(`^(?:${n.pattern})$`, 'u').test(value))
    return { invalid: typed };
  return { done: value };
}

export const collectNode: NodeModule<CollectNode> = {
  type: 'collect',
  schema: nodeSchema('collect', ['prompt', 'variable', 'maxLength', 'next', 'onFailure'], {
    prompt: { $ref: '#/$defs/prompt' },
    variable: VARIABLE_SCHEMA,
    minLength: { type: 'integer', minimum: 1, maximum: FLOW_LIMITS.maxCollectLength, default: 1 },
    maxLength: { type: 'integer', minimum: 1, maximum: FLOW_LIMITS.maxCollectLength },
    terminator: { enum: ['#', '*', null], default: '#' },
    timeoutMs: { ...TIMEOUT_SCHEMA, default: COLLECT_DEFAULTS.timeoutMs },
    interDigitTimeoutMs: { ...TIMEOUT_SCHEMA, default: COLLECT_DEFAULTS.interDigitTimeoutMs },
    pattern: { type: 'string', maxLength: FLOW_LIMITS.maxPatternLength },
    maxRetries: { ...RETRIES_SCHEMA, default: COLLECT_DEFAULTS.maxRetries },
    invalidPrompt: { $ref: '#/$defs/prompt' },
    noInputPrompt: { $ref: '#/$defs/prompt' },
    sensitive: { type: 'boolean', default: false },
    next: TARGET_SCHEMA,
    onFailure: TARGET_SCHEMA,
    typeAhead: TYPE_AHEAD_SCHEMA,
  }),
  check(r) {
    r.allow([
      ...[
        'type',
        'prompt',
        'variable',
        'minLength',
        'maxLength',
        'terminator',
        'timeoutMs',
        'interDigitTimeoutMs',
      ],
      ...['pattern', 'maxRetries', 'invalidPrompt', 'noInputPrompt', 'sensitive', 'next', 'onFailure'],
      'typeAhead',
    ]);
    checkPrompt(r, 'prompt');
    checkPrompt(r, 'invalidPrompt', false);
    checkPrompt(r, 'noInputPrompt', false);
    r.variable('variable');
    const limit = { min: 1, max: FLOW_LIMITS.maxCollectLength };
    const min = r.int('minLength', limit);
    const max = r.int('maxLength', { ...limit, required: true });
    if (min !== undefined && max !== undefined && min > max)
      r.error('minLength', `greater than maxLength (${max})`);
    if (r.get('terminator') !== null) r.oneOf('terminator', ['#', '*'], false);
    r.timeout('timeoutMs');
    r.timeout('interDigitTimeoutMs');
    r.retries('maxRetries');
    r.boolean('sensitive');
    r.boolean('typeAhead');
    const pattern = r.string('pattern', { required: false, max: 10 * FLOW_LIMITS.maxPatternLength });
    const problem = pattern === undefined ? undefined : checkSafePattern(pattern);
    if (problem !== undefined) r.error('pattern', problem);
    r.target('next');
    r.target('onFailure');
  },
  waitsForInput: () => true,
  ...digitBehaviour<CollectNode>({
    settings: (n) => ({
      prompt: n.prompt,
      invalidPrompt: n.invalidPrompt,
      noInputPrompt: n.noInputPrompt,
      timeoutMs: n.timeoutMs ?? COLLECT_DEFAULTS.timeoutMs,
      interDigitTimeoutMs: n.interDigitTimeoutMs ?? COLLECT_DEFAULTS.interDigitTimeoutMs,
      maxRetries: n.maxRetries ?? COLLECT_DEFAULTS.maxRetries,
      typeAhead: n.typeAhead ?? true,
    }),
    read(n, collected, digit) {
      if (digit === terminatorOf(n)) return verdict(n, collected, collected + digit);
      // '*' or '#' that is not the terminator cannot be part of a number.
      if (!/[0-9]/.test(digit)) return { invalid: collected + digit };
      const value = collected + digit;
      return value.length >= n.maxLength ? verdict(n, value, value) : { more: true };
    },
    silence: (n, collected) => (collected === '' ? 'no-input' : verdict(n, collected, collected)),
    accept(n, cx, value) {
      cx.setVar(n.variable, value);
      const shown = n.sensitive === true ? '*'.repeat(value.length) : value;
      cx.record('IvrDigitsCollected', { variable: n.variable, value: shown, length: value.length });
      return n.next;
    },
    failTarget: (n) => n.onFailure,
    sensitive: (n) => n.sensitive === true,
  }),
};
