import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import { describeFound, EXPRESSION_SYNTAX, expressionRejection } from './rejections';

/** Token kinds; keywords (`and`, `or`, `not`, `has`, `in`, `true`, `false`) are case-insensitive. */
export type TokenKind =
  | 'number'
  | 'string'
  | 'name'
  | 'and'
  | 'or'
  | 'not'
  | 'has'
  | 'in'
  | 'true'
  | 'false'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '('
  | ')'
  | '['
  | ']'
  | ','
  | '*'
  | 'eof';

/**
 * One token. `value` is the number for numbers, the unescaped text for strings and the dotted path
 * (`contact.ivr.menu`) for names; `start`/`end` are UTF-16 offsets into the source.
 */
export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  readonly value: string | number;
}

const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['and', 'and'],
  ['or', 'or'],
  ['not', 'not'],
  ['has', 'has'],
  ['in', 'in'],
  ['true', 'true'],
  ['false', 'false'],
]);

// Longest first, so `<=` wins over `<`. `&&`, `||`, `!` are spellings of the keywords.
const PUNCTUATION: readonly (readonly [string, TokenKind])[] = [
  ['==', '=='],
  ['!=', '!='],
  ['<=', '<='],
  ['>=', '>='],
  ['&&', 'and'],
  ['||', 'or'],
  ['<', '<'],
  ['>', '>'],
  ['!', 'not'],
  ['(', '('],
  [')', ')'],
  ['[', '['],
  [']', ']'],
  [',', ','],
  ['*', '*'],
];

// Names are Unicode identifiers (skill names may be Chinese), and may contain `-` after the first
// character (`after-sales`): there is no arithmetic, so a hyphen cannot be a minus sign.
const NAME = /[\p{ID_Start}_][\p{ID_Continue}-]*(?:\.[\p{ID_Start}_][\p{ID_Continue}-]*)*/uy;
const NAME_CHAR = /[\p{ID_Continue}-]/u;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SPACE = /\s+/uy;

// Characters a Chinese input method produces in place of the ASCII ones, with the fix to suggest.
const LOOKALIKES: ReadonlyMap<string, string> = new Map([
  ['‘', "'"],
  ['’', "'"],
  ['“', '"'],
  ['”', '"'],
  ['（', '('],
  ['）', ')'],
  ['【', '['],
  ['】', ']'],
  ['，', ','],
  ['＝', '=='],
  ['！', '!'],
  ['＞', '>'],
  ['＜', '<'],
]);

const ANY_TOKEN = ['name', 'number', 'string', 'operator', '(', ')', '[', ']', ','];

/** Splits an expression into tokens, ending with one `eof` token. */
export function tokenize(source: string): Result<Token[], Rejection> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    SPACE.lastIndex = i;
    if (SPACE.test(source)) {
      i = SPACE.lastIndex;
      continue;
    }
    const c = source[i] as string;
    if (c === "'" || c === '"') {
      const s = readString(source, i);
      if (!s.ok) return s;
      tokens.push(s.value);
      i = s.value.end;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(source);
    if (number !== null) {
      const end = NUMBER.lastIndex;
      const value = Number(number[0]);
      if (end < source.length && NAME_CHAR.test(source[end] as string)) {
        return syntax(`Invalid number '${source.slice(i, end + 1)}'`, i, end + 1, ['number']);
      }
      if (!Number.isFinite(value)) return syntax('Number out of range', i, end, ['finite number']);
      tokens.push({ kind: 'number', start: i, end, value: value === 0 ? 0 : value });
      i = end;
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(source);
    if (name !== null) {
      const end = NAME.lastIndex;
      if (source[end] === '.') return syntax("Expected a name after '.'", end + 1, end + 1, ['name']);
      const kind = name[0].includes('.') ? undefined : KEYWORDS.get(name[0].toLowerCase());
      tokens.push({ kind: kind ?? 'name', start: i, end, value: name[0] });
      i = end;
      continue;
    }
    const punct = PUNCTUATION.find(([text]) => source.startsWith(text, i));
    if (punct !== undefined) {
      tokens.push({ kind: punct[1], start: i, end: i + punct[0].length, value: punct[0] });
      i += punct[0].length;
      continue;
    }
    return unexpectedCharacter(source, i);
  }
  tokens.push({ kind: 'eof', start: source.length, end: source.length, value: '' });
  return ok(tokens);
}

function unexpectedCharacter(source: string, i: number): Result<never, Rejection> {
  const c = String.fromCodePoint(source.codePointAt(i) as number);
  const end = i + c.length;
  if (c === '=') return syntax("Expected '==' (a single '=' is not an operator)", i, end, ['==']);
  if (c === '&') return syntax("Expected '&&'", i, end, ['&&']);
  if (c === '|') return syntax("Expected '||'", i, end, ['||']);
  const ascii = LOOKALIKES.get(c);
  if (ascii !== undefined) {
    return syntax(`Unexpected character '${c}', use '${ascii}' instead`, i, end, [ascii]);
  }
  return syntax(`Unexpected character ${describeFound(c)}`, i, end, ANY_TOKEN);
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "'": "'",
  '"': '"',
  '\\': '\\',
  '/': '/',
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '0': '\0',
};

/** Reads a single- or double-quoted string with JSON-like escapes plus `\'` and `\u{…}`. */
function readString(source: string, start: number): Result<Token, Rejection> {
  const quote = source[start];
  let value = '';
  let i = start + 1;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === quote) return ok({ kind: 'string', start, end: i + 1, value });
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const e = source[i + 1];
    const simple = e === undefined ? undefined : SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    const unicode = e === 'u' ? readUnicodeEscape(source, i) : undefined;
    if (unicode === undefined) {
      const found = source.slice(i, i + 2);
      return syntax(`Invalid escape ${describeFound(found)}`, i, i + found.length, [
        '\\\' \\" \\\\ \\n \\r \\t \\uXXXX \\u{X…}',
      ]);
    }
    value += unicode.text;
    i = unicode.end;
  }
  return syntax(`Unterminated string, expected closing ${quote}`, start, source.length, [quote as string]);
}

const HEX4 = /[0-9a-fA-F]{4}/y;
const HEX_BRACED = /\{([0-9a-fA-F]{1,6})\}/y;

function readUnicodeEscape(source: string, i: number): { text: string; end: number } | undefined {
  HEX4.lastIndex = i + 2;
  const four = HEX4.exec(source);
  if (four !== null) return { text: String.fromCharCode(parseInt(four[0], 16)), end: i + 6 };
  HEX_BRACED.lastIndex = i + 2;
  const braced = HEX_BRACED.exec(source);
  if (braced === null) return undefined;
  const code = parseInt(braced[1] as string, 16);
  return code > 0x10ffff ? undefined : { text: String.fromCodePoint(code), end: HEX_BRACED.lastIndex };
}

function syntax(message: string, position: number, end: number, expected: readonly string[]) {
  return err(expressionRejection(EXPRESSION_SYNTAX, message, position, end, expected));
}
