import { checkPrompt, type Prompt } from '../flow/prompt';
import { nodeSchema, TARGET_SCHEMA, type NodeModule } from './node-module';

/**
 * Plays a prompt, then continues at `next`. A key pressed during a barge-in prompt ends it early
 * and is kept for the next node that reads keys (type-ahead).
 */
export interface PlayNode {
  readonly type: 'play';
  readonly prompt: Prompt;
  readonly next: string;
}

export const playNode: NodeModule<PlayNode> = {
  type: 'play',
  schema: nodeSchema('play', ['prompt', 'next'], { prompt: { $ref: '#/$defs/prompt' }, next: TARGET_SCHEMA }),
  check(r) {
    r.allow(['type', 'prompt', 'next']);
    checkPrompt(r, 'prompt');
    r.target('next');
  },
  waitsForInput: () => true,
  enter(node, cx) {
    cx.play(node.prompt);
    cx.wait = { kind: 'announce' };
    return null;
  },
  onPromptEnded: (node) => node.next,
};
