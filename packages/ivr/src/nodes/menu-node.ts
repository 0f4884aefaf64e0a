import { FLOW_LIMITS } from '../flow/flow-types';
import { checkPrompt, type Prompt } from '../flow/prompt';
import { isDtmfKey } from '../interpreter/ivr-input';
import { digitBehaviour, singleKeySettings, TYPE_AHEAD_SCHEMA } from './digit-input';
import {
  nodeSchema,
  RETRIES_SCHEMA,
  TARGET_SCHEMA,
  TIMEOUT_SCHEMA,
  VARIABLE_SCHEMA,
  type NodeModule,
} from './node-module';

/**
 * A DTMF menu: plays `prompt`, and the key pressed picks the next node from `choices`. A key that
 * is not a choice plays `invalidPrompt`, silence for `timeoutMs` plays `noInputPrompt`, each then
 * repeats the prompt; after `maxRetries` further tries the call goes to `onFailure`. A key pressed
 * during a barge-in prompt, or typed ahead (before the menu listened: during an earlier prompt, a
 * lookup, a prompt without barge-in), counts as the choice unless `typeAhead` is false.
 * `variable` stores the key chosen.
 */
export interface MenuNode {
  readonly type: 'menu';
  readonly prompt: Prompt;
  /** DTMF key (`0`–`9`, `*`, `#`) → node id. */
  readonly choices: Readonly<Record<string, string>>;
  /** Default 5000. */
  readonly timeoutMs?: number;
  /** Default 2. */
  readonly maxRetries?: number;
  readonly invalidPrompt?: Prompt;
  readonly noInputPrompt?: Prompt;
  readonly onFailure: string;
  readonly variable?: string;
  /** Whether keys typed before the menu listened count; default true. */
  readonly typeAhead?: boolean;
}

export const MENU_DEFAULTS = { timeoutMs: 5000, maxRetries: 2 } as const;

export const menuNode: NodeModule<MenuNode> = {
  type: 'menu',
  schema: nodeSchema('menu', ['prompt', 'choices', 'onFailure'], {
    prompt: { $ref: '#/$defs/prompt' },
    choices: {
      type: 'object',
      minProperties: 1,
      maxProperties: FLOW_LIMITS.maxChoices,
      propertyNames: { pattern: '^[0-9*#]$' },
      additionalProperties: TARGET_SCHEMA,
    },
    timeoutMs: { ...TIMEOUT_SCHEMA, default: MENU_DEFAULTS.timeoutMs },
    maxRetries: { ...RETRIES_SCHEMA, default: MENU_DEFAULTS.maxRetries },
    invalidPrompt: { $ref: '#/$defs/prompt' },
    noInputPrompt: { $ref: '#/$defs/prompt' },
    onFailure: TARGET_SCHEMA,
    variable: VARIABLE_SCHEMA,
    typeAhead: TYPE_AHEAD_SCHEMA,
  }),
  check(r) {
    r.allow([
      'type',
      'prompt',
      'choices',
      'timeoutMs',
      'maxRetries',
      'invalidPrompt',
      'noInputPrompt',
      'onFailure',
      'variable',
      'typeAhead',
    ]);
    checkPrompt(r, 'prompt');
    checkPrompt(r, 'invalidPrompt', false);
    checkPrompt(r, 'noInputPrompt', false);
    r.timeout('timeoutMs');
    r.retries('maxRetries');
    r.target('onFailure');
    r.variable('variable', false);
    r.boolean('typeAhead');
    const choices = r.object('choices');
    if (!choices) return;
    const keys = Object.keys(choices.value);
    if (keys.length === 0) r.error('choices', 'needs at least one choice');
    if (keys.length > FLOW_LIMITS.maxChoices)
      r.error('choices', `more than ${FLOW_LIMITS.maxChoices} choices`);
    for (const key of keys) {
      if (isDtmfKey(key)) choices.target(key);
      else choices.error(key, `'${key}' is not a DTMF key (0-9, *, #)`);
    }
  },
  waitsForInput: () => true,
  ...digitBehaviour<MenuNode>({
    settings: (n) => singleKeySettings(n, MENU_DEFAULTS),
    read: (n, _collected, digit) =>
      Object.prototype.hasOwnProperty.call(n.choices, digit) ? { done: digit } : { invalid: digit },
    silence: () => 'no-input',
    accept(n, cx, digit) {
      const target = n.choices[digit]!;
      cx.record('IvrMenuChoiceMade', { digit, target });
      if (n.variable !== undefined) cx.setVar(n.variable, digit);
      return target;
    },
    failTarget: (n) => n.onFailure,
  }),
};
