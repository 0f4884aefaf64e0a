import { checkPrompt, type Prompt } from '../flow/prompt';
import { announceThen } from './announce';
import { nodeSchema, type NodeContext, type NodeModule } from './node-module';

/** Plays an optional goodbye `prompt`, then hangs up with `cause` (default `normal`). */
export interface HangupNode {
  readonly type: 'hangup';
  readonly prompt?: Prompt;
  readonly cause?: string;
}

const CAUSE = /^[a-z][a-z0-9-]*$/;

function hangUp(node: HangupNode, cx: NodeContext): null {
  const cause = node.cause ?? 'normal';
  cx.end('hung-up', cause, cause);
  return null;
}

export const hangupNode: NodeModule<HangupNode> = {
  type: 'hangup',
  schema: nodeSchema('hangup', [], {
    prompt: { $ref: '#/$defs/prompt' },
    cause: { type: 'string', pattern: CAUSE.source, maxLength: 40, default: 'normal' },
  }),
  check(r) {
    r.allow(['type', 'prompt', 'cause']);
    checkPrompt(r, 'prompt', false);
    r.string('cause', { required: false, max: 40, pattern: CAUSE, shape: "a cause such as 'normal'" });
  },
  waitsForInput: (n) => n.prompt !== undefined,
  enter: (node, cx) => announceThen(cx, node.prompt, () => hangUp(node, cx)),
  onPromptEnded: (node, cx) => hangUp(node, cx),
};
