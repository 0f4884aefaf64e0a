import {
  MIRRORED,
  type Comparison,
  type ComparisonOperator,
  type Expression,
  type ListLiteral,
  type Literal,
  type Operand,
  type Scalar,
} from './ast';
import {
  listHas,
  numericString,
  readAttribute,
  skillLevel,
  toNumber,
  truthy,
  valueEquals,
  valueNotEquals,
  type Value,
} from './values';
import type { AgentView, ContactView } from './views';

// Compiles a checked tree into closures, once. Everything that can be decided from the tree alone
// (which side is the literal, its numeric value, a lookup set for long lists) is decided here, so
// the closures only read attributes and compare. They allocate nothing.

/** A compiled condition. */
export type Predicate = (agent: AgentView, contact: ContactView) => boolean;
type Getter = (agent: AgentView, contact: ContactView) => Value;
type Operator = (x: Value, y: Value) => boolean;

const always: Predicate = () => true;
const never: Predicate = () => false;

const OPERATORS: Readonly<Record<ComparisonOperator, Operator>> = {
  '==': valueEquals,
  '!=': valueNotEquals,
  '<': (x, y) => toNumber(x) < toNumber(y),
  '<=': (x, y) => toNumber(x) <= toNumber(y),
  '>': (x, y) => toNumber(x) > toNumber(y),
  '>=': (x, y) => toNumber(x) >= toNumber(y),
  has: listHas,
  in: (x, y) => listHas(y, x),
};

/** Lists longer than this are searched through sets instead of a linear scan. */
const SET_THRESHOLD = 8;

/** Turns a checked expression into a predicate. */
export function compilePredicate(node: Expression): Predicate {
  switch (node.kind) {
    case 'any':
      return always;
    case 'literal':
    case 'list':
      return truthy(node.kind === 'list' ? node.items : node.value) ? always : never;
    case 'skill': {
      const name = node.name;
      return (agent) => skillLevel(agent.skills, name) > 0;
    }
    case 'agent': {
      const name = node.name;
      return (agent) => truthy(readAttribute(agent.attributes, name));
    }
    case 'contact': {
      const name = node.name;
      return (_agent, contact) => truthy(readAttribute(contact.attributes, name));
    }
    case 'not': {
      const inner = compilePredicate(node.operand);
      return (agent, contact) => !inner(agent, contact);
    }
    case 'and':
    case 'or':
      return compileJunction(node.kind, node.operands.map(compilePredicate));
    case 'compare':
      return compileComparison(node);
  }
}

function compileJunction(kind: 'and' | 'or', parts: readonly Predicate[]): Predicate {
  const [first, second] = parts as [Predicate, Predicate];
  if (parts.length === 2 && kind === 'and') return (a, c) => first(a, c) && second(a, c);
  if (parts.length === 2) return (a, c) => first(a, c) || second(a, c);
  const all = Object.freeze([...parts]);
  const stopAt = kind === 'or';
  return (a, c) => {
    for (let i = 0; i < all.length; i++) {
      if ((all[i] as Predicate)(a, c) === stopAt) return stopAt;
    }
    return !stopAt;
  };
}

function isConstant(node: Operand): node is Literal | ListLiteral {
  return node.kind === 'literal' || node.kind === 'list';
}

function compileComparison(node: Comparison): Predicate {
  // Put the reference on the left so that the specialised forms below see one shape.
  const flip = isConstant(node.left) && !isConstant(node.right);
  const left = flip ? node.right : node.left;
  const right = flip ? node.left : node.right;
  const op = flip ? MIRRORED[node.op] : node.op;

  if (left.kind === 'skill' && right.kind === 'literal') {
    const compiled = compileSkillComparison(left.name, op, right.value);
    if (compiled !== undefined) return compiled;
  }
  const read = compileGetter(left);
  if (op === 'in' && right.kind === 'list') {
    const member = membership(right.items);
    return (a, c) => member(read(a, c));
  }
  const operator = OPERATORS[op];
  if (isConstant(right)) {
    const constant: Value = right.kind === 'list' ? right.items : right.value;
    return (a, c) => operator(read(a, c), constant);
  }
  const readRight = compileGetter(right);
  return (a, c) => operator(read(a, c), readRight(a, c));
}

/** `skills.x >= 7` and friends, the most common comparison, as one closure over a number. */
function compileSkillComparison(name: string, op: ComparisonOperator, value: Scalar): Predicate | undefined {
  const n = toNumber(value);
  if (Number.isNaN(n)) return undefined;
  switch (op) {
    case '==':
      return (agent) => skillLevel(agent.skills, name) === n;
    case '!=':
      return (agent) => skillLevel(agent.skills, name) !== n;
    case '<':
      return (agent) => skillLevel(agent.skills, name) < n;
    case '<=':
      return (agent) => skillLevel(agent.skills, name) <= n;
    case '>':
      return (agent) => skillLevel(agent.skills, name) > n;
    case '>=':
      return (agent) => skillLevel(agent.skills, name) >= n;
    default:
      return undefined;
  }
}

function compileGetter(node: Operand): Getter {
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'list': {
      const items = Object.freeze([...node.items]);
      return () => items;
    }
    case 'skill': {
      const name = node.name;
      return (agent) => skillLevel(agent.skills, name);
    }
    case 'agent': {
      const name = node.name;
      return (agent) => readAttribute(agent.attributes, name);
    }
    case 'contact': {
      const name = node.name;
      return (_agent, contact) => readAttribute(contact.attributes, name);
    }
  }
}

/**
 * `value in [...]` with the same equality as `==` (a number matches the string spelling it). Long
 * lists (provinces, teams) are turned into sets so the test stays O(1).
 */
function membership(items: readonly Scalar[]): (value: Value) => boolean {
  const list = Object.freeze([...items]);
  if (list.length <= SET_THRESHOLD) return (value) => listHas(list, value);
  const exact = new Set<unknown>(list);
  const numbers = new Set<number>();
  const numericStrings = new Set<number>();
  for (const item of list) {
    if (typeof item === 'number') numbers.add(item);
    else if (typeof item === 'string' && !Number.isNaN(numericString(item)))
      numericStrings.add(numericString(item));
  }
  return (value) => {
    switch (typeof value) {
      case 'string':
        return exact.has(value) || numbers.has(numericString(value));
      case 'number':
        return numbers.has(value) || numericStrings.has(value);
      case 'boolean':
        return exact.has(value);
      default:
        return false;
    }
  };
}
