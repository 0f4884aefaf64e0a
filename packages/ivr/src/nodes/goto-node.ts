import { nodeSchema, TARGET_SCHEMA, type NodeModule } from './node-module';

/** Jumps to `next`, e.g. back to the main menu from the end of a branch. */
export interface GotoNode {
  readonly type: 'goto';
  readonly next: string;
}

export const gotoNode: NodeModule<GotoNode> = {
  type: 'goto',
  schema: nodeSchema('goto', ['next'], { next: TARGET_SCHEMA }),
  check(r) {
    r.allow(['type', 'next']);
    r.target('next');
  },
  waitsForInput: () => false,
  enter: (node) => node.next,
};
