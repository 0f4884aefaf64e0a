import { QUEUE_CODE } from '../flow/flow-types';
import { checkPrompt, type Prompt } from '../flow/prompt';
import { announceThen } from './announce';
import { nodeSchema, type NodeContext, type NodeModule } from './node-module';

/**
 * Plays an optional `prompt` ("请在提示音后留言"), then hands the call to voicemail recording in
 * `mailbox` (default `default`) for at most `maxSeconds` (default 120), after a beep unless
 * `beep: false`. The message becomes a voicemail contact for the agents of `queue` (a queue code;
 * default the mailbox name when a queue has that code). The IVR flow ends here.
 */
export interface VoicemailNode {
  readonly type: 'voicemail';
  readonly prompt?: Prompt;
  readonly mailbox?: string;
  readonly maxSeconds?: number;
  readonly beep?: boolean;
  /** Queue whose agents are offered the message. */
  readonly queue?: string;
}

const MAILBOX = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

function record(node: VoicemailNode, cx: NodeContext): null {
  const mailbox = node.mailbox ?? 'default';
  cx.effect({
    type: 'StartVoicemail',
    mailbox,
    maxSeconds: node.maxSeconds ?? 120,
    beep: node.beep ?? true,
    ...(node.queue === undefined ? {} : { queue: node.queue }),
  });
  cx.end('voicemail', mailbox);
  return null;
}

export const voicemailNode: NodeModule<VoicemailNode> = {
  type: 'voicemail',
  schema: nodeSchema('voicemail', [], {
    prompt: { $ref: '#/$defs/prompt' },
    mailbox: { type: 'string', pattern: MAILBOX.source, maxLength: 64, default: 'default' },
    maxSeconds: { type: 'integer', minimum: 5, maximum: 600, default: 120 },
    beep: { type: 'boolean', default: true },
    queue: { type: 'string', pattern: QUEUE_CODE.source, maxLength: 64 },
  }),
  check(r) {
    r.allow(['type', 'prompt', 'mailbox', 'maxSeconds', 'beep', 'queue']);
    checkPrompt(r, 'prompt', false);
    r.string('mailbox', { required: false, max: 64, pattern: MAILBOX, shape: 'a mailbox name' });
    r.int('maxSeconds', { min: 5, max: 600 });
    r.boolean('beep');
    r.string('queue', { required: false, max: 64, pattern: QUEUE_CODE, shape: 'a queue code' });
  },
  waitsForInput: (n) => n.prompt !== undefined,
  enter: (node, cx) => announceThen(cx, node.prompt, () => record(node, cx)),
  onPromptEnded: (node, cx) => record(node, cx),
};
