/**
 * The syntax tree of a target expression. Every node keeps its `start`/`end` offsets into the
 * source so that checks after parsing (unknown names) can point at the right place.
 */
export type Expression = AnyAgent | Condition;

/** `*`: any agent; only valid as the whole expression. */
export interface AnyAgent {
  readonly kind: 'any';
  readonly start: number;
  readonly end: number;
}

/** Something that is true or false for an agent and a contact. */
export type Condition = Comparison | Not | Junction | Operand;

/** A value: a literal, a list literal or a reference to a skill or an attribute. */
export type Operand = Literal | ListLiteral | Reference;

/** A scalar literal. */
export type Scalar = string | number | boolean;

export interface Literal {
  readonly kind: 'literal';
  readonly value: Scalar;
  readonly start: number;
  readonly end: number;
}

/** `['east', 'north']`: literals only, so evaluation never builds a list. */
export interface ListLiteral {
  readonly kind: 'list';
  readonly items: readonly Scalar[];
  readonly start: number;
  readonly end: number;
}

/** `skills.<name>` (kind `skill`), bare `<name>` (kind `agent`), `contact.<name>` (kind `contact`). */
export interface Reference {
  readonly kind: 'skill' | 'agent' | 'contact';
  /** The name after the prefix, dots kept: `contact.ivr.menu` has name `ivr.menu`. */
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'has' | 'in';

/** The operator that means the same with its operands swapped (`3 < x` is `x > 3`). */
export const MIRRORED: Readonly<Record<ComparisonOperator, ComparisonOperator>> = {
  '==': '==',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
  has: 'in',
  in: 'has',
};

export interface Comparison {
  readonly kind: 'compare';
  readonly op: ComparisonOperator;
  readonly left: Operand;
  readonly right: Operand;
  readonly start: number;
  readonly end: number;
}

export interface Not {
  readonly kind: 'not';
  readonly operand: Condition;
  readonly start: number;
  readonly end: number;
}

/** `a and b and c` is one node with three operands; parentheses make nested nodes. */
export interface Junction {
  readonly kind: 'and' | 'or';
  readonly operands: readonly Condition[];
  readonly start: number;
  readonly end: number;
}

/**
 * Prints an expression in canonical form (lower-case keywords, single quotes, parentheses only
 * where needed to keep the same tree). Parsing the output gives back the same tree.
 */
export function printExpression(node: Expression): string {
  switch (node.kind) {
    case 'any':
      return '*';
    case 'literal':
      return printScalar(node.value);
    case 'list':
      return `[${node.items.map(printScalar).join(', ')}]`;
    case 'skill':
      return `skills.${node.name}`;
    case 'agent':
      return node.name;
    case 'contact':
      return `contact.${node.name}`;
    case 'compare':
      return `${printExpression(node.left)} ${node.op} ${printExpression(node.right)}`;
    case 'not': {
      const inner = node.operand;
      const bare = inner.kind !== 'compare' && inner.kind !== 'and' && inner.kind !== 'or';
      return bare ? `not ${printExpression(inner)}` : `not (${printExpression(inner)})`;
    }
    case 'and':
    case 'or':
      return node.operands
        .map((o) => {
          // A nested junction of the same kind, or an `or` inside `and`, needs parentheses.
          const wrap = o.kind === node.kind || o.kind === 'or';
          return wrap ? `(${printExpression(o)})` : printExpression(o);
        })
        .join(` ${node.kind} `);
  }
}

function printScalar(value: Scalar): string {
  if (typeof value !== 'string') return String(value);
  let out = "'";
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x27) out += "\\'";
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20 || c === 0x7f || (c >= 0xd800 && c <= 0xdfff && !isPairedSurrogate(value, i))) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += value[i];
  }
  return `${out}'`;
}

function isPairedSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff;
  }
  const prev = s.charCodeAt(i - 1);
  return prev >= 0xd800 && prev <= 0xdbff;
}

/** Every skill and attribute reference, in source order. */
export function collectReferences(node: Expression, into: Reference[] = []): Reference[] {
  switch (node.kind) {
    case 'skill':
    case 'agent':
    case 'contact':
      into.push(node);
      break;
    case 'compare':
      collectReferences(node.left, into);
      collectReferences(node.right, into);
      break;
    case 'not':
      collectReferences(node.operand, into);
      break;
    case 'and':
    case 'or':
      for (const o of node.operands) collectReferences(o, into);
      break;
    default:
      break;
  }
  return into;
}
