import { DIALABLE_NUMBER, QUEUE_CODE } from '../flow/flow-types';
import { checkPrompt, type Prompt } from '../flow/prompt';
import { checkTemplate } from '../flow/template';
import { isDtmfKey } from '../interpreter/ivr-input';
import { digitBehaviour, TYPE_AHEAD_SCHEMA } from './digit-input';
import { nodeSchema, TARGET_SCHEMA, TIMEOUT_SCHEMA, type NodeModule } from './node-module';

/**
 * Offers a callback ("press 1 to be called back"). On `acceptKey` (default `1`) the server is asked
 * to create a callback contact in `queue` for `number` (default the caller's number) and the call
 * continues at `next` (typically a thank-you and hang-up); any other key or silence continues at
 * `onDeclined`. A caller without a usable number is treated as declining. A key typed ahead
 * answers the offer unless `typeAhead` is false.
 */
export interface CallbackNode {
  readonly type: 'callback';
  readonly prompt: Prompt;
  readonly queue: string;
  readonly acceptKey?: string;
  /** Template; default `{{caller.number}}`. */
  readonly number?: string;
  /** Routing priority of the callback contact; default 0. */
  readonly priority?: number;
  /** Default 5000. */
  readonly timeoutMs?: number;
  readonly next: string;
  readonly onDeclined: string;
  /** Whether a key typed before the offer listened answers it; default true. */
  readonly typeAhead?: boolean;
}

export const callbackNode: NodeModule<CallbackNode> = {
  type: 'callback',
  schema: nodeSchema('callback', ['prompt', 'queue', 'next', 'onDeclined'], {
    prompt: { $ref: '#/$defs/prompt' },
    queue: { type: 'string', pattern: QUEUE_CODE.source, maxLength: 64 },
    acceptKey: { type: 'string', pattern: '^[0-9*#]$', default: '1' },
    number: { type: 'string', maxLength: 200, default: '{{caller.number}}' },
    priority: { type: 'integer', minimum: 0, maximum: 100, default: 0 },
    timeoutMs: { ...TIMEOUT_SCHEMA, default: 5000 },
    next: TARGET_SCHEMA,
    onDeclined: TARGET_SCHEMA,
    typeAhead: TYPE_AHEAD_SCHEMA,
  }),
  check(r) {
    r.allow([
      'type',
      'prompt',
      'queue',
      'acceptKey',
      'number',
      'priority',
      'timeoutMs',
      'next',
      'onDeclined',
      'typeAhead',
    ]);
    checkPrompt(r, 'prompt');
    r.string('queue', { max: 64, pattern: QUEUE_CODE, shape: 'a queue code' });
    const key = r.string('acceptKey', { required: false, max: 1 });
    if (key !== undefined && !isDtmfKey(key)) r.error('acceptKey', `'${key}' is not a DTMF key (0-9, *, #)`);
    const number = r.string('number', { required: false });
    if (number !== undefined) checkTemplate(number, r.at('number'), r.issues);
    r.int('priority', { min: 0, max: 100 });
    r.timeout('timeoutMs');
    r.target('next');
    r.target('onDeclined');
    r.boolean('typeAhead');
  },
  waitsForInput: () => true,
  ...digitBehaviour<CallbackNode>({
    settings: (n) => ({
      prompt: n.prompt,
      timeoutMs: n.timeoutMs ?? 5000,
      interDigitTimeoutMs: n.timeoutMs ?? 5000,
      maxRetries: 0,
      typeAhead: n.typeAhead ?? true,
    }),
    read: (n, _collected, digit) => ({ done: digit === (n.acceptKey ?? '1') ? 'accept' : 'decline' }),
    silence: () => ({ done: 'decline' }),
    accept(n, cx, answer) {
      const number = cx.render(n.number ?? '{{caller.number}}').replace(/[\s-]/g, '');
      if (answer !== 'accept' || !DIALABLE_NUMBER.test(number)) {
        cx.record('IvrCallbackDeclined', {});
        return n.onDeclined;
      }
      cx.effect({ type: 'OfferCallback', queue: n.queue, number, priority: n.priority ?? 0 });
      cx.record('IvrCallbackAccepted', { queue: n.queue });
      return n.next;
    },
    failTarget: (n) => n.onDeclined,
  }),
};
