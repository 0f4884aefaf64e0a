import { FLOW_LIMITS } from '../flow/flow-types';
import { checkPredicate, evaluatePredicate, type Predicate } from '../flow/predicate';
import { nodeSchema, TARGET_SCHEMA, type NodeModule } from './node-module';

/** One branch of a condition node. */
export interface ConditionBranch {
  readonly when: Predicate;
  readonly next: string;
}

/**
 * Picks the first branch whose condition holds (business hours and holidays, caller attributes such
 * as VIP level and region, time of day, weekday, variables), else `default`. See `Predicate`.
 */
export interface ConditionNode {
  readonly type: 'condition';
  readonly branches: readonly ConditionBranch[];
  readonly default: string;
}

export const conditionNode: NodeModule<ConditionNode> = {
  type: 'condition',
  schema: nodeSchema('condition', ['branches', 'default'], {
    branches: {
      type: 'array',
      minItems: 1,
      maxItems: FLOW_LIMITS.maxBranches,
      items: {
        type: 'object',
        required: ['when', 'next'],
        additionalProperties: false,
        properties: { when: { $ref: '#/$defs/predicate' }, next: TARGET_SCHEMA },
      },
    },
    default: TARGET_SCHEMA,
  }),
  check(r) {
    r.allow(['type', 'branches', 'default']);
    r.target('default');
    const branches = r.get('branches');
    if (branches === undefined) return r.error('branches', 'required');
    if (!Array.isArray(branches) || branches.length === 0 || branches.length > FLOW_LIMITS.maxBranches) {
      return r.error('branches', `must be a list of 1 to ${FLOW_LIMITS.maxBranches} branches`);
    }
    const list = r.list('branches');
    branches.forEach((_b, i) => {
      const b = list?.object(String(i));
      if (!b) return;
      b.allow(['when', 'next']);
      if (b.has('when')) checkPredicate(b.get('when'), b, 'when');
      else b.error('when', 'required');
      b.target('next');
    });
  },
  waitsForInput: () => false,
  enter(node, cx) {
    const input = cx.predicateInput();
    const i = node.branches.findIndex((b) => evaluatePredicate(b.when, input));
    const target = i < 0 ? node.default : node.branches[i]!.next;
    cx.record('IvrConditionEvaluated', { branch: i < 0 ? null : i, target });
    return target;
  },
};
