import { checkPrompt, type Prompt } from '../flow/prompt';
import { digitBehaviour, singleKeySettings, TYPE_AHEAD_SCHEMA } from './digit-input';
import {
  nodeSchema,
  RETRIES_SCHEMA,
  TARGET_SCHEMA,
  TIMEOUT_SCHEMA,
  VARIABLE_SCHEMA,
  type NodeModule,
} from './node-module';

/** Lowest and highest satisfaction score. */
export const SURVEY_SCALE = { min: 1, max: 5 } as const;

/**
 * Post-call satisfaction survey (CSAT): the caller rates 1–5 on the keypad. The score is recorded
 * (`RecordSurvey`), optionally stored in `variable`, and the call continues at `next`. Other keys
 * and silence retry like a menu; then the call goes to `onFailure` (default `next`). Keys typed
 * ahead count unless `typeAhead` is false; keys from before the conversation never do (a parked
 * flow forgets them).
 */
export interface SurveyNode {
  readonly type: 'survey';
  readonly prompt: Prompt;
  /** Default 5000. */
  readonly timeoutMs?: number;
  /** Default 1. */
  readonly maxRetries?: number;
  readonly invalidPrompt?: Prompt;
  readonly noInputPrompt?: Prompt;
  readonly variable?: string;
  readonly next: string;
  readonly onFailure?: string;
  /** Whether keys typed before the survey listened count; default true. */
  readonly typeAhead?: boolean;
}

export const SURVEY_DEFAULTS = { timeoutMs: 5000, maxRetries: 1 } as const;

export const surveyNode: NodeModule<SurveyNode> = {
  type: 'survey',
  schema: nodeSchema('survey', ['prompt', 'next'], {
    prompt: { $ref: '#/$defs/prompt' },
    timeoutMs: { ...TIMEOUT_SCHEMA, default: SURVEY_DEFAULTS.timeoutMs },
    maxRetries: { ...RETRIES_SCHEMA, default: SURVEY_DEFAULTS.maxRetries },
    invalidPrompt: { $ref: '#/$defs/prompt' },
    noInputPrompt: { $ref: '#/$defs/prompt' },
    variable: VARIABLE_SCHEMA,
    next: TARGET_SCHEMA,
    onFailure: TARGET_SCHEMA,
    typeAhead: TYPE_AHEAD_SCHEMA,
  }),
  check(r) {
    r.allow([
      'type',
      'prompt',
      'timeoutMs',
      'maxRetries',
      'invalidPrompt',
      'noInputPrompt',
      'variable',
      'next',
      'onFailure',
      'typeAhead',
    ]);
    checkPrompt(r, 'prompt');
    checkPrompt(r, 'invalidPrompt', false);
    checkPrompt(r, 'noInputPrompt', false);
    r.timeout('timeoutMs');
    r.retries('maxRetries');
    r.variable('variable', false);
    r.target('next');
    r.target('onFailure', false);
    r.boolean('typeAhead');
  },
  waitsForInput: () => true,
  ...digitBehaviour<SurveyNode>({
    settings: (n) => singleKeySettings(n, SURVEY_DEFAULTS),
    read(_n, _collected, digit) {
      const score = Number(digit);
      return /^[0-9]$/.test(digit) && score >= SURVEY_SCALE.min && score <= SURVEY_SCALE.max
        ? { done: digit }
        : { invalid: digit };
    },
    silence: () => 'no-input',
    accept(n, cx, digit) {
      const score = Number(digit);
      cx.effect({ type: 'RecordSurvey', score });
      cx.record('IvrSurveyAnswered', { score });
      if (n.variable !== undefined) cx.setVar(n.variable, score);
      return n.next;
    },
    failTarget: (n) => n.onFailure ?? n.next,
  }),
};
