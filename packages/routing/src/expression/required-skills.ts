import { MIRRORED, type Comparison, type ComparisonOperator, type Expression } from './ast';

/**
 * The skills every matching agent must hold, with the least level each must have (0: present).
 * Sound by construction: `and` takes the union (highest level), `or` the intersection (lowest
 * level), and anything else requires nothing, so the engine may skip agents lacking any of them
 * without losing a match.
 */
export function requiredSkills(node: Expression): Map<string, number> {
  switch (node.kind) {
    case 'skill':
      // A bare `skills.x` is true only above level 0, so the skill must be present.
      return new Map([[node.name, 0]]);
    case 'compare':
      return fromComparison(node);
    case 'and': {
      const all = new Map<string, number>();
      for (const operand of node.operands) {
        for (const [skill, level] of requiredSkills(operand)) {
          all.set(skill, Math.max(level, all.get(skill) ?? level));
        }
      }
      return all;
    }
    case 'or': {
      const [first, ...rest] = node.operands.map(requiredSkills);
      const common = first ?? new Map<string, number>();
      for (const other of rest) {
        for (const [skill, level] of common) {
          const otherLevel = other.get(skill);
          if (otherLevel === undefined) common.delete(skill);
          else common.set(skill, Math.min(level, otherLevel));
        }
      }
      return common;
    }
    default:
      return new Map();
  }
}

function fromComparison(node: Comparison): Map<string, number> {
  const flipped = node.right.kind === 'skill' && node.left.kind !== 'skill';
  const skill = flipped ? node.right : node.left;
  const other = flipped ? node.left : node.right;
  const op = flipped ? MIRRORED[node.op] : node.op;
  if (skill.kind !== 'skill') return new Map();
  const level = leastLevel(
    op,
    other.kind === 'literal' ? other.value : undefined,
    other.kind === 'list' ? other.items : undefined,
  );
  return level === undefined ? new Map() : new Map([[skill.name, level]]);
}

/**
 * The least level `skill <op> value` admits, when it excludes level 0 (an absent skill); otherwise
 * undefined. `> n` admits any level above n, of which `n` itself is a safe lower bound.
 */
function leastLevel(
  op: ComparisonOperator,
  value: unknown,
  items: readonly unknown[] | undefined,
): number | undefined {
  if (op === 'in' && items !== undefined && items.length > 0) {
    if (!items.every((v) => typeof v === 'number' && v > 0)) return undefined;
    return Math.min(...(items as number[]));
  }
  if (typeof value !== 'number') return undefined;
  if ((op === '>=' || op === '==') && value > 0) return value;
  if (op === '>' && value >= 0) return value;
  return undefined;
}
