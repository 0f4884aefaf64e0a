import { FLOW_LIMITS, ID_PATTERN } from '../flow/flow-types';
import { nodeSchema, TARGET_SCHEMA, type NodeModule } from './node-module';

/**
 * Runs another flow (by id) and continues at `next` when it reaches a `return` node. Without
 * `version` the subflow runs in the version that was latest when the call started (pinned for the
 * whole call); with `version` exactly that one. Variables are shared with the subflow, which is how
 * it hands results back. If the subflow cannot run (not published, nested too deep) the call goes
 * to `onFailure`, or ends as `flow-error` without one.
 */
export interface SubflowNode {
  readonly type: 'subflow';
  readonly flow: string;
  readonly version?: number;
  readonly next: string;
  readonly onFailure?: string;
}

export const subflowNode: NodeModule<SubflowNode> = {
  type: 'subflow',
  schema: nodeSchema('subflow', ['flow', 'next'], {
    flow: TARGET_SCHEMA,
    version: { type: 'integer', minimum: 1 },
    next: TARGET_SCHEMA,
    onFailure: TARGET_SCHEMA,
  }),
  check(r) {
    r.allow(['type', 'flow', 'version', 'next', 'onFailure']);
    r.string('flow', { max: FLOW_LIMITS.maxIdLength, pattern: ID_PATTERN, shape: 'a flow id' });
    r.int('version', { min: 1, max: Number.MAX_SAFE_INTEGER });
    r.target('next');
    r.target('onFailure', false);
  },
  waitsForInput: () => false,
  enter(node, cx) {
    const entered = cx.enterSubflow(node.flow, node.version, node.next);
    if ('start' in entered) return entered.start;
    if (node.onFailure !== undefined) return node.onFailure;
    cx.end('flow-error', entered.problem, 'flow-error');
    return null;
  },
};
