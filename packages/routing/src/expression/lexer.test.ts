import { describe, expect, it } from 'vitest';
import { tokenize, type Token } from './lexer';

function kinds(source: string): string[] {
  const r = tokenize(source);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.map((t) => t.kind);
}

function values(source: string): (string | number)[] {
  const r = tokenize(source);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.filter((t: Token) => t.kind !== 'eof').map((t) => t.value);
}

function failure(source: string) {
  const r = tokenize(source);
  if (r.ok) throw new Error(`expected a rejection for ${source}`);
  return r.error;
}

describe('lexer', () => {
  it('reads dotted names, operators and symbolic spellings of keywords', () => {
    expect(kinds("skills.appliances >= 7 && !languages has 'zh' || x")).toEqual([
      'name',
      '>=',
      'number',
      'and',
      'not',
      'name',
      'has',
      'string',
      'or',
      'name',
      'eof',
    ]);
  });

  it('treats keywords case-insensitively but keeps dotted names as names', () => {
    expect(kinds('AND Or NOT Has IN True FALSE contact.in skills.and')).toEqual([
      'and',
      'or',
      'not',
      'has',
      'in',
      'true',
      'false',
      'name',
      'name',
      'eof',
    ]);
  });

  it('reads Chinese names and strings, and full-width spaces from an input method', () => {
    expect(values("skills.家电\u3000>= 5 and contact.province == '广东'")).toEqual([
      'skills.家电',
      '>=',
      5,
      'and',
      'contact.province',
      '==',
      '广东',
    ]);
  });

  it('reads hyphenated names and negative numbers without a minus operator', () => {
    expect(values('skills.after-sales>-1.5e2')).toEqual(['skills.after-sales', '>', -150]);
  });

  it('unescapes both quote styles', () => {
    expect(values(String.raw`'it\'s' "say \"hi\"" '\u5e7f\u{1F600}\n\\'`)).toEqual([
      "it's",
      'say "hi"',
      '广😀\n\\',
    ]);
  });

  it('rejects an unterminated string at its opening quote', () => {
    expect(failure("region == 'east").details).toMatchObject({ position: 10, end: 15, expected: ["'"] });
  });

  it('rejects an unknown escape where it stands', () => {
    expect(failure(String.raw`'a\qb'`).details).toMatchObject({ position: 2, end: 4 });
  });

  it('suggests == for a single =', () => {
    const e = failure('region = 1');
    expect(e.code).toBe('ROUTING.EXPRESSION_SYNTAX');
    expect(e.details).toMatchObject({ position: 7, expected: ['=='] });
  });

  it('suggests ASCII quotes for the curly quotes of a Chinese input method', () => {
    const e = failure('contact.province == ‘广东’');
    expect(e.message).toMatch(/use '''/);
    expect(e.details).toMatchObject({ position: 20 });
  });

  it('rejects numbers glued to letters and numbers out of range', () => {
    expect(failure('skills.a >= 3abc').details).toMatchObject({ position: 12 });
    expect(failure('skills.a >= 1e999').message).toMatch(/out of range/);
  });

  it('rejects a trailing dot in a name', () => {
    expect(failure('skills. >= 3').details).toMatchObject({ position: 7, expected: ['name'] });
  });
});
