import { rejection, type Rejection } from '@switchboard/kernel';

/** The expression is not well formed: bad character, unterminated string, missing operand… */
export const EXPRESSION_SYNTAX = 'ROUTING.EXPRESSION_SYNTAX';
/** Well formed but meaningless: `'zh' has languages`, `skills.x >= 'high'`, `3 and team == 'a'`. */
export const EXPRESSION_TYPE = 'ROUTING.EXPRESSION_TYPE';
/** Longer than {@link MAX_EXPRESSION_LENGTH} or nested deeper than {@link MAX_EXPRESSION_DEPTH}. */
export const EXPRESSION_TOO_COMPLEX = 'ROUTING.EXPRESSION_TOO_COMPLEX';
/** `skills.<name>` with a name outside `knownSkills`. */
export const UNKNOWN_SKILL = 'ROUTING.UNKNOWN_SKILL';
/** A bare agent attribute outside `knownAgentAttributes`. */
export const UNKNOWN_ATTRIBUTE = 'ROUTING.UNKNOWN_ATTRIBUTE';

/** Every code `compileExpression` can reject with. */
export type ExpressionRejectionCode =
  | typeof EXPRESSION_SYNTAX
  | typeof EXPRESSION_TYPE
  | typeof EXPRESSION_TOO_COMPLEX
  | typeof UNKNOWN_SKILL
  | typeof UNKNOWN_ATTRIBUTE;

/** Admins type expressions in a form; more than this is a mistake, not a routing rule. */
export const MAX_EXPRESSION_LENGTH = 4096;
/** Nesting of parentheses and `not`; bounds recursion so hostile input cannot exhaust the stack. */
export const MAX_EXPRESSION_DEPTH = 64;

/**
 * Details every expression rejection carries: `position`/`end` are UTF-16 offsets into the source
 * (the span to underline), `expected` lists what would have been accepted there.
 */
export interface ExpressionRejectionDetails {
  readonly position: number;
  readonly end: number;
  readonly expected: readonly string[];
  readonly found?: string;
}

/** Builds a rejection whose message ends with the 1-based column, for people reading it in a form. */
export function expressionRejection(
  code: ExpressionRejectionCode,
  message: string,
  position: number,
  end: number,
  expected: readonly string[],
  extra: Record<string, unknown> = {},
): Rejection {
  return rejection(code, `${message} at column ${position + 1}`, {
    position,
    end,
    expected: [...expected],
    ...extra,
  });
}

/** How a token or character is shown in messages. */
export function describeFound(text: string): string {
  return text.length === 0 ? 'end of expression' : `'${text}'`;
}
