import { DomainError, err, ok, type Rejection, type Result } from '@switchboard/kernel';
import type {
  Comparison,
  ComparisonOperator,
  Condition,
  Expression,
  ListLiteral,
  Operand,
  Scalar,
} from './ast';
import { tokenize, type Token, type TokenKind } from './lexer';
import {
  describeFound,
  EXPRESSION_SYNTAX,
  EXPRESSION_TOO_COMPLEX,
  expressionRejection,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
} from './rejections';
import { checkComparison, isOperand } from './type-rules';

/**
 * Parses a target expression into a syntax tree, checking syntax and literal types. Never throws:
 * any input gives either a tree or a coded rejection with `position`, `end` and `expected`.
 *
 * ```text
 * expression := '*' | or
 * or         := and (('or' | '||') and)*
 * and        := unary (('and' | '&&') unary)*
 * unary      := ('not' | '!') unary | comparison
 * comparison := primary (('==' | '!=' | '<' | '<=' | '>' | '>=' | 'has' | 'in') primary)?
 * primary    := number | string | 'true' | 'false' | list | reference | '(' or ')'
 * list       := '[' (scalar (',' scalar)* ','?)? ']'
 * reference  := 'skills.' name | 'contact.' name | name        (names may contain dots)
 * ```
 */
export function parseExpression(source: string): Result<Expression, Rejection> {
  // Sources often come from JSON configuration, where the type system cannot vouch for them.
  if (typeof source !== 'string') {
    return err(expressionRejection(EXPRESSION_SYNTAX, 'Expected an expression string', 0, 0, ['string']));
  }
  if (source.length > MAX_EXPRESSION_LENGTH) {
    return err(
      expressionRejection(
        EXPRESSION_TOO_COMPLEX,
        `Expression longer than ${MAX_EXPRESSION_LENGTH} characters`,
        MAX_EXPRESSION_LENGTH,
        source.length,
        ['end of expression'],
      ),
    );
  }
  const tokens = tokenize(source);
  if (!tokens.ok) return tokens;
  try {
    return ok(new Parser(tokens.value, source).parse());
  } catch (e) {
    // The parser unwinds with DomainError so that deep recursion needs no Result plumbing.
    if (e instanceof DomainError) return err(e.toRejection());
    throw e;
  }
}

const COMPARISON_OPERATORS: ReadonlySet<TokenKind> = new Set(['==', '!=', '<', '<=', '>', '>=', 'has', 'in']);
const OPERATOR_NAMES = ['==', '!=', '<', '<=', '>', '>=', 'has', 'in'];
const CONDITION_START = ['name', 'skills.<name>', 'contact.<name>', 'true', 'false', 'not', '('];
const VALUE_START = ['number', 'string', '[', 'true', 'false', 'name', 'skills.<name>', 'contact.<name>'];
const LIST_ITEM = ['number', 'string', 'true', 'false'];

class Parser {
  private index = 0;
  private depth = 0;
  /** Set when the last condition parsed was a bare operand, so an operator could have followed. */
  private bareOperand = false;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
  ) {}

  parse(): Expression {
    const first = this.peek();
    if (first.kind === '*') {
      this.index++;
      this.expectEnd(['end of expression'], "'*' (any agent) must be the whole expression");
      return { kind: 'any', start: first.start, end: first.end };
    }
    const condition = this.or();
    this.expectEnd(this.expectedAfterCondition('end of expression'));
    return condition;
  }

  private or(): Condition {
    const first = this.and();
    if (this.peek().kind !== 'or') return first;
    const operands = [first];
    while (this.peek().kind === 'or') {
      this.index++;
      operands.push(this.and());
    }
    return { kind: 'or', operands, start: first.start, end: (operands.at(-1) as Condition).end };
  }

  private and(): Condition {
    const first = this.unary();
    if (this.peek().kind !== 'and') return first;
    const operands = [first];
    while (this.peek().kind === 'and') {
      this.index++;
      operands.push(this.unary());
    }
    return { kind: 'and', operands, start: first.start, end: (operands.at(-1) as Condition).end };
  }

  private unary(): Condition {
    const token = this.peek();
    if (token.kind !== 'not') return this.comparison();
    this.index++;
    this.enter(token);
    const operand = this.unary();
    this.depth--;
    return { kind: 'not', operand, start: token.start, end: operand.end };
  }

  private comparison(): Condition {
    const left = this.primary(CONDITION_START);
    const opToken = this.peek();
    const isOperator = COMPARISON_OPERATORS.has(opToken.kind);
    if (!isOperand(left)) {
      if (isOperator) {
        this.fail(EXPRESSION_SYNTAX, 'Cannot compare a condition; compare names or literals', opToken, [
          'and',
          'or',
        ]);
      }
      this.bareOperand = false;
      return left;
    }
    if (!isOperator) {
      // A number, string or list alone is never a condition: the operator is what is missing.
      if (left.kind === 'list' || (left.kind === 'literal' && typeof left.value !== 'boolean')) {
        this.missingOperator(left, opToken);
      }
      this.bareOperand = true;
      return left;
    }
    this.index++;
    const right = this.primary(VALUE_START);
    if (!isOperand(right)) {
      this.fail(
        EXPRESSION_SYNTAX,
        `Expected a value after '${opToken.kind}', found a condition`,
        right,
        VALUE_START,
      );
    }
    this.bareOperand = false;
    const op = opToken.kind as ComparisonOperator;
    const compare: Comparison = { kind: 'compare', op, left, right, start: left.start, end: right.end };
    const problem = checkComparison(compare);
    if (problem !== undefined) throw new DomainError(problem.code, problem.message, { ...problem.details });
    return compare;
  }

  private primary(expected: readonly string[]): Condition {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
      case 'string':
        this.index++;
        return { kind: 'literal', value: token.value, start: token.start, end: token.end };
      case 'true':
      case 'false':
        this.index++;
        return { kind: 'literal', value: token.kind === 'true', start: token.start, end: token.end };
      case '[':
        return this.list();
      case 'name':
        this.index++;
        return this.reference(token);
      case '(': {
        this.index++;
        this.enter(token);
        const inner = this.or();
        this.depth--;
        this.expect(')', this.expectedAfterCondition(')'));
        return inner;
      }
      case '*':
        return this.fail(EXPRESSION_SYNTAX, "'*' (any agent) must be the whole expression", token, expected);
      default:
        return this.fail(
          EXPRESSION_SYNTAX,
          `Expected ${expected === VALUE_START ? 'a value' : 'a condition'}, found ${this.describe(token)}`,
          token,
          expected,
        );
    }
  }

  private list(): ListLiteral {
    const open = this.next();
    const items: Scalar[] = [];
    while (this.peek().kind !== ']') {
      const token = this.next();
      if (token.kind === 'number' || token.kind === 'string') items.push(token.value);
      else if (token.kind === 'true' || token.kind === 'false') items.push(token.kind === 'true');
      else {
        const hint = token.kind === 'name' ? ' (lists hold literals only)' : '';
        this.fail(
          EXPRESSION_SYNTAX,
          `Expected a literal in the list${hint}, found ${this.describe(token)}`,
          token,
          [...LIST_ITEM, ']'],
        );
      }
      if (this.peek().kind === ',') this.index++;
      else if (this.peek().kind !== ']')
        this.fail(EXPRESSION_SYNTAX, this.foundMessage("','"), this.peek(), [',', ']']);
    }
    const close = this.next();
    return { kind: 'list', items, start: open.start, end: close.end };
  }

  private reference(token: Token): Operand {
    const path = token.value as string;
    const dot = path.indexOf('.');
    const head = dot < 0 ? path : path.slice(0, dot);
    if (head !== 'skills' && head !== 'contact') {
      return { kind: 'agent', name: path, start: token.start, end: token.end };
    }
    if (dot < 0) {
      const what = head === 'skills' ? 'a skill name' : 'a contact attribute name';
      this.fail(EXPRESSION_SYNTAX, `Expected '.' and ${what} after '${head}'`, token, [`${head}.<name>`]);
    }
    const kind = head === 'skills' ? 'skill' : 'contact';
    return { kind, name: path.slice(dot + 1), start: token.start, end: token.end };
  }

  private missingOperator(left: Operand, found: Token): never {
    const text = this.source.slice(left.start, left.end);
    return this.fail(
      EXPRESSION_SYNTAX,
      `Expected an operator after ${text}, found ${this.describe(found)}`,
      found,
      OPERATOR_NAMES,
    );
  }

  private expectedAfterCondition(closing: string): string[] {
    return [...(this.bareOperand ? OPERATOR_NAMES : []), 'and', 'or', closing];
  }

  private expectEnd(expected: readonly string[], message?: string): void {
    const token = this.peek();
    if (token.kind !== 'eof') {
      this.fail(EXPRESSION_SYNTAX, message ?? this.foundMessage(expected.join(', ')), token, expected);
    }
  }

  private expect(kind: TokenKind, expected: readonly string[]): Token {
    const token = this.peek();
    if (token.kind !== kind) this.fail(EXPRESSION_SYNTAX, this.foundMessage(`'${kind}'`), token, expected);
    return this.next();
  }

  private enter(token: Token): void {
    if (++this.depth > MAX_EXPRESSION_DEPTH) {
      this.fail(EXPRESSION_TOO_COMPLEX, `Nested deeper than ${MAX_EXPRESSION_DEPTH} levels`, token, []);
    }
  }

  private foundMessage(what: string): string {
    return `Expected ${what}, found ${this.describe(this.peek())}`;
  }

  private describe(token: Token): string {
    return describeFound(this.source.slice(token.start, token.end));
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    // Never moves past `eof`, so a truncated expression fails on `eof` instead of reading undefined.
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private fail(
    code: typeof EXPRESSION_SYNTAX | typeof EXPRESSION_TOO_COMPLEX,
    message: string,
    at: { start: number; end: number },
    expected: readonly string[],
  ): never {
    const r = expressionRejection(code, message, at.start, at.end, expected);
    throw new DomainError(r.code, r.message, { ...r.details });
  }
}
