import { nodeSchema, type NodeModule } from './node-module';

/**
 * Ends a subflow: the call continues at the calling `subflow` node's `next`. In a flow that was not
 * entered as a subflow there is nowhere to return to, and the call ends as `flow-error`.
 */
export interface ReturnNode {
  readonly type: 'return';
}

export const returnNode: NodeModule<ReturnNode> = {
  type: 'return',
  schema: nodeSchema('return', [], {}),
  check(r) {
    r.allow(['type']);
  },
  waitsForInput: () => false,
  enter(_node, cx) {
    const to = cx.leaveSubflow();
    if (to === undefined) cx.end('flow-error', 'return outside a subflow', 'flow-error');
    return to ?? null;
  },
};
