import type { Rejection } from '@switchboard/kernel';
import type { Comparison, Condition, Operand } from './ast';
import { EXPRESSION_TYPE, expressionRejection } from './rejections';
import { numericString } from './values';

// Static checks of comparisons. Attribute values are only known at routing time, so these rules
// catch what is wrong whatever the data: a literal of the wrong type, or a skill (always a number)
// used as a list. Everything they let through is still total at run time.

type Shape = 'number' | 'numeric-string' | 'string' | 'boolean' | 'list' | 'skill' | 'attribute';

function shapeOf(node: Operand): Shape {
  switch (node.kind) {
    case 'literal':
      if (typeof node.value === 'number') return 'number';
      if (typeof node.value === 'boolean') return 'boolean';
      return Number.isNaN(numericString(node.value)) ? 'string' : 'numeric-string';
    case 'list':
      return 'list';
    case 'skill':
      return 'skill';
    case 'agent':
    case 'contact':
      return 'attribute';
  }
}

const SHAPE_NAMES: Readonly<Record<Shape, string>> = {
  number: 'a number',
  'numeric-string': 'a string',
  string: 'a string',
  boolean: 'a boolean',
  list: 'a list',
  skill: 'a skill level',
  attribute: 'an attribute',
};

/** True for the operand nodes that may stand on either side of a comparison. */
export function isOperand(node: Condition): node is Operand {
  return (
    node.kind === 'literal' ||
    node.kind === 'list' ||
    node.kind === 'skill' ||
    node.kind === 'agent' ||
    node.kind === 'contact'
  );
}

/** Returns why a comparison can never be meaningful, or undefined when it is well typed. */
export function checkComparison(node: Comparison): Rejection | undefined {
  const left = shapeOf(node.left);
  const right = shapeOf(node.right);
  switch (node.op) {
    case '==':
    case '!=':
      if (left === 'list' || right === 'list') {
        const list = left === 'list' ? node.left : node.right;
        return fail(list, `'${node.op}' does not compare lists; search them with 'has' or 'in'`, [
          'has',
          'in',
        ]);
      }
      if (left === 'skill' && !numberLike(right)) return skillMismatch(node.right, right);
      if (right === 'skill' && !numberLike(left)) return skillMismatch(node.left, left);
      return undefined;
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (!numberLike(left)) return notNumber(node.left, left, node.op);
      if (!numberLike(right)) return notNumber(node.right, right, node.op);
      return undefined;
    case 'has':
      return checkSearch(node.left, left, node.right, right, 'has');
    case 'in':
      return checkSearch(node.right, right, node.left, left, 'in');
  }
}

function numberLike(shape: Shape): boolean {
  return shape === 'number' || shape === 'numeric-string' || shape === 'skill' || shape === 'attribute';
}

/** `list has item` and `item in list` share the rule: a list or attribute, and one value. */
function checkSearch(
  list: Operand,
  listShape: Shape,
  item: Operand,
  itemShape: Shape,
  op: 'has' | 'in',
): Rejection | undefined {
  if (listShape !== 'list' && listShape !== 'attribute') {
    const side = op === 'has' ? 'left of' : 'right of';
    return fail(
      list,
      `Expected a list or an attribute on the ${side} '${op}', found ${SHAPE_NAMES[listShape]}`,
      ['list', 'name', 'contact.<name>'],
    );
  }
  if (itemShape === 'list') {
    const side = op === 'has' ? 'right of' : 'left of';
    return fail(item, `Expected a single value on the ${side} '${op}', found a list`, [
      'number',
      'string',
      'true',
      'false',
      'name',
    ]);
  }
  return undefined;
}

function skillMismatch(node: Operand, shape: Shape): Rejection {
  return fail(node, `A skill level is a number and cannot equal ${SHAPE_NAMES[shape]}`, ['number']);
}

function notNumber(node: Operand, shape: Shape, op: string): Rejection {
  return fail(node, `'${op}' compares numbers, found ${SHAPE_NAMES[shape]}`, [
    'number',
    'skills.<name>',
    'name',
    'contact.<name>',
  ]);
}

function fail(node: Operand, message: string, expected: readonly string[]): Rejection {
  return expressionRejection(EXPRESSION_TYPE, message, node.start, node.end, expected);
}
