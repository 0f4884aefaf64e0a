import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Comparison, ComparisonOperator, Condition, Expression, Operand, Scalar } from './ast';
import {
  compileExpression,
  parseExpression,
  printExpression,
  type AgentView,
  type ContactView,
} from './index';
import { checkComparison } from './type-rules';

const SKILLS = ['a', 'b', '家电', 'after-sales'];
const ATTRIBUTES = ['languages', 'region', 'team', 'vip', 'ivr.menu', '省份'];
const OPERATORS: ComparisonOperator[] = ['==', '!=', '<', '<=', '>', '>=', 'has', 'in'];
const CODES = new Set([
  'ROUTING.EXPRESSION_SYNTAX',
  'ROUTING.EXPRESSION_TYPE',
  'ROUTING.EXPRESSION_TOO_COMPLEX',
]);

const at = { start: 0, end: 0 };
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n));
/** Values likely to collide with the data below, so comparisons are often true. */
const poolScalar = fc.constantFrom<Scalar>(
  'zh',
  'en',
  '广东',
  '1',
  '2.5',
  '',
  ' 1',
  0,
  1,
  2.5,
  -1,
  7,
  true,
  false,
);
const anyScalar = fc.oneof(
  poolScalar,
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  finite,
);

function expressions(scalar: fc.Arbitrary<Scalar>): fc.Arbitrary<Condition> {
  const reference = fc.oneof(
    fc.constantFrom(...SKILLS).map((name): Operand => ({ kind: 'skill', name, ...at })),
    fc.constantFrom(...ATTRIBUTES).map((name): Operand => ({ kind: 'agent', name, ...at })),
    fc.constantFrom(...ATTRIBUTES).map((name): Operand => ({ kind: 'contact', name, ...at })),
  );
  const operand = fc.oneof(
    reference,
    scalar.map((value): Operand => ({ kind: 'literal', value, ...at })),
    fc.array(scalar, { maxLength: 12 }).map((items): Operand => ({ kind: 'list', items, ...at })),
  );
  const comparison = fc
    .record({ op: fc.constantFrom(...OPERATORS), left: operand, right: operand })
    .map((c): Comparison => ({ kind: 'compare', ...c, ...at }))
    .filter((c) => checkComparison(c) === undefined);
  const bool = fc.boolean().map((value): Condition => ({ kind: 'literal', value, ...at }));
  const { condition } = fc.letrec<{ condition: Condition }>((tie) => ({
    condition: fc.oneof(
      { maxDepth: 6, depthIdentifier: 'condition' },
      comparison,
      reference,
      bool,
      tie('condition').map((operand): Condition => ({ kind: 'not', operand, ...at })),
      fc
        .record({
          kind: fc.constantFrom('and' as const, 'or' as const),
          operands: fc.array(tie('condition'), { minLength: 2, maxLength: 4 }),
        })
        .map((j): Condition => ({ ...j, ...at })),
    ),
  }));
  return condition;
}

function withoutPositions(node: Expression): unknown {
  return JSON.parse(
    JSON.stringify(node, (key, value: unknown) => (key === 'start' || key === 'end' ? undefined : value)),
  );
}

const attributeValue = fc.oneof(
  poolScalar,
  fc.constant(Number.NaN),
  fc.array(fc.constantFrom('zh', 'en', '广东', '1', ''), { maxLength: 3 }),
  fc.constantFrom(null, { nested: 1 }, undefined) as fc.Arbitrary<never>,
);
const attributes = fc.dictionary(fc.constantFrom(...ATTRIBUTES, 'constructor'), attributeValue);
const agents = fc
  .record({
    skills: fc.dictionary(fc.constantFrom(...SKILLS), fc.constantFrom(0, 1, 2.5, 3, 7, 10, -1)),
    attributes,
  })
  .map((a): AgentView => ({ skills: new Map(Object.entries(a.skills)), attributes: a.attributes }));
const contacts = attributes.map((attributes): ContactView => ({ attributes }));

// An independent statement of the value rules in README.md, kept deliberately naive.
const NUMERIC = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
type V = unknown;
const num = (v: V) =>
  typeof v === 'number' ? v : typeof v === 'string' && NUMERIC.test(v) ? Number(v) : NaN;
const isScalar = (v: V) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const eq = (x: V, y: V) =>
  isScalar(x) &&
  isScalar(y) &&
  (typeof x === typeof y ? x === y : num(x) === num(y) && typeof x !== 'boolean' && typeof y !== 'boolean');
const present = (v: V) => isScalar(v) || Array.isArray(v);
const has = (list: V, item: V) =>
  isScalar(item) && (Array.isArray(list) ? list.some((x) => eq(x, item)) : eq(list, item));
const truth = (v: V) =>
  typeof v === 'boolean'
    ? v
    : typeof v === 'number'
      ? v !== 0 && !Number.isNaN(v)
      : typeof v === 'string' || Array.isArray(v)
        ? v.length > 0
        : false;

function value(node: Operand, agent: AgentView, contact: ContactView): V {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'list':
      return node.items;
    case 'skill':
      return agent.skills.get(node.name) ?? 0;
    case 'agent':
    case 'contact': {
      const attrs = node.kind === 'agent' ? agent.attributes : contact.attributes;
      const v = Object.hasOwn(attrs, node.name) ? attrs[node.name] : undefined;
      return present(v) ? v : undefined;
    }
  }
}

function reference(node: Expression, agent: AgentView, contact: ContactView): boolean {
  switch (node.kind) {
    case 'any':
      return true;
    case 'not':
      return !reference(node.operand, agent, contact);
    case 'and':
      return node.operands.every((o) => reference(o, agent, contact));
    case 'or':
      return node.operands.some((o) => reference(o, agent, contact));
    case 'skill':
      return (agent.skills.get(node.name) ?? 0) > 0;
    case 'compare': {
      const x = value(node.left, agent, contact);
      const y = value(node.right, agent, contact);
      const ops: Record<ComparisonOperator, () => boolean> = {
        '==': () => eq(x, y),
        '!=': () => present(x) && present(y) && !eq(x, y),
        '<': () => num(x) < num(y),
        '<=': () => num(x) <= num(y),
        '>': () => num(x) > num(y),
        '>=': () => num(x) >= num(y),
        has: () => has(x, y),
        in: () => has(y, x),
      };
      return ops[node.op]();
    }
    default:
      return truth(value(node, agent, contact));
  }
}

describe('expression properties', () => {
  it('printing a tree and parsing it back gives the same tree', () => {
    fc.assert(
      fc.property(expressions(anyScalar), (tree) => {
        const parsed = parseExpression(printExpression(tree));
        expect(parsed.ok && withoutPositions(parsed.value)).toEqual(withoutPositions(tree));
      }),
      { numRuns: 500 },
    );
  });

  it('evaluates as the naive interpreter does, whatever the data', () => {
    fc.assert(
      fc.property(expressions(poolScalar), agents, contacts, (tree, agent, contact) => {
        const compiled = compileExpression(printExpression(tree));
        if (!compiled.ok) throw new Error(compiled.error.message);
        expect(compiled.value.evaluate(agent, contact)).toBe(reference(tree, agent, contact));
      }),
      { numRuns: 1000 },
    );
  });

  it('never matches an agent lacking a required skill', () => {
    fc.assert(
      fc.property(expressions(poolScalar), agents, contacts, (tree, agent, contact) => {
        const compiled = compileExpression(printExpression(tree));
        if (!compiled.ok || !compiled.value.evaluate(agent, contact)) return;
        for (const [skill, level] of compiled.value.requiredSkills) {
          expect(agent.skills.has(skill)).toBe(true);
          expect(agent.skills.get(skill)).toBeGreaterThanOrEqual(level);
        }
      }),
      { numRuns: 1000 },
    );
  });

  const soup = fc
    .array(
      fc.constantFrom(
        ...[
          'skills.a',
          'contact.vip',
          'team',
          'and',
          'OR',
          'not',
          '(',
          ')',
          '[',
          ']',
          ',',
          '==',
          '>=',
          '<',
          'has',
        ],
        ...['in', "'zh'", '"广东"', '3', '-1.5', 'true', '*', '!', '&&', '||', '=', "'", '\\', '‘', '.', ' '],
      ),
      { maxLength: 40 },
    )
    .chain((parts) => fc.constantFrom(parts.join(' '), parts.join('')));

  it('answers any input with a tree or a coded rejection pointing into the source', () => {
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ unit: 'binary' }), fc.string({ maxLength: 5000 })), (source) => {
        const r = compileExpression(source, {
          knownSkills: new Set(['a']),
          knownAgentAttributes: new Set(['team']),
        });
        if (r.ok) {
          const again = parseExpression(printExpression(unwrapTree(source)));
          expect(again.ok).toBe(true);
          return;
        }
        expect(CODES.has(r.error.code) || r.error.code.startsWith('ROUTING.UNKNOWN_')).toBe(true);
        const details = r.error.details as { position: number; end: number; expected: unknown };
        expect(details.position).toBeGreaterThanOrEqual(0);
        expect(details.position).toBeLessThanOrEqual(details.end);
        expect(details.end).toBeLessThanOrEqual(source.length);
        expect(Array.isArray(details.expected)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

function unwrapTree(source: string): Expression {
  const r = parseExpression(source);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
