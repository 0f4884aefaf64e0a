import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import { collectReferences } from './ast';
import { compilePredicate } from './compiler';
import { checkKnownNames } from './known-names';
import { parseExpression } from './parser';
import { requiredSkills } from './required-skills';
import type { CompiledExpression, CompileExpressionOptions } from './views';

export type {
  AgentView,
  AttributeValue,
  CompiledExpression,
  CompileExpressionOptions,
  ContactView,
} from './views';
export type {
  AnyAgent,
  Comparison,
  ComparisonOperator,
  Condition,
  Expression,
  Junction,
  ListLiteral,
  Literal,
  Not,
  Operand,
  Reference,
  Scalar,
} from './ast';
export { printExpression } from './ast';
export { parseExpression } from './parser';
export {
  EXPRESSION_SYNTAX,
  EXPRESSION_TOO_COMPLEX,
  EXPRESSION_TYPE,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
  UNKNOWN_ATTRIBUTE,
  UNKNOWN_SKILL,
  type ExpressionRejectionCode,
  type ExpressionRejectionDetails,
} from './rejections';

/**
 * Parses, validates and compiles a routing target expression such as
 * `skills.appliances >= 7 and languages has 'zh'`. See README.md in this folder for the language.
 *
 * Rejects with `ROUTING.EXPRESSION_SYNTAX`, `ROUTING.EXPRESSION_TYPE`,
 * `ROUTING.EXPRESSION_TOO_COMPLEX`, `ROUTING.UNKNOWN_SKILL` or `ROUTING.UNKNOWN_ATTRIBUTE`, with
 * details `{ position, end, expected, … }`. Never throws, whatever the input.
 */
export function compileExpression(
  source: string,
  options: CompileExpressionOptions = {},
): Result<CompiledExpression, Rejection> {
  const parsed = parseExpression(source);
  if (!parsed.ok) return parsed;
  const ast = parsed.value;
  const unknown = checkKnownNames(ast, options);
  if (unknown !== undefined) return err(unknown);
  const compiled: CompiledExpression = {
    source,
    evaluate: compilePredicate(ast),
    requiredSkills: requiredSkills(ast),
    readsContact: collectReferences(ast).some((r) => r.kind === 'contact'),
  };
  return ok(Object.freeze(compiled));
}
