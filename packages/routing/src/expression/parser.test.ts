import type { Rejection } from '@switchboard/kernel';
import { describe, expect, it } from 'vitest';
import { printExpression } from './ast';
import { parseExpression } from './parser';
import { MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH } from './rejections';

function canonical(source: string): string {
  const r = parseExpression(source);
  if (!r.ok) throw new Error(r.error.message);
  return printExpression(r.value);
}

function rejected(source: string): Rejection {
  const r = parseExpression(source);
  if (r.ok) throw new Error(`expected a rejection for ${source}`);
  return r.error;
}

describe('parser', () => {
  it('binds not tighter than and, and and tighter than or', () => {
    const r = parseExpression('not a or b and c');
    expect(r.ok && r.value).toMatchObject({
      kind: 'or',
      operands: [{ kind: 'not', operand: { kind: 'agent', name: 'a' } }, { kind: 'and' }],
    });
  });

  it('applies not to a whole comparison', () => {
    expect(parseExpression("not team in ['east']")).toMatchObject({
      ok: true,
      value: { kind: 'not', operand: { kind: 'compare', op: 'in' } },
    });
  });

  it('splits references into skills, contact attributes and agent attributes', () => {
    const r = parseExpression('skills.vip_service > contact.ivr.menu or region.code');
    expect(r.ok && r.value).toMatchObject({
      operands: [
        { left: { kind: 'skill', name: 'vip_service' }, right: { kind: 'contact', name: 'ivr.menu' } },
        { kind: 'agent', name: 'region.code' },
      ],
    });
  });

  it('prints a canonical form that keeps the tree', () => {
    expect(canonical("skills.appliances>=7 AND languages HAS 'zh'")).toBe(
      "skills.appliances >= 7 and languages has 'zh'",
    );
    expect(canonical('(a && b) && c || !(d || e)')).toBe('(a and b) and c or not (d or e)');
    expect(canonical('team in [ \'east\' , "north", ] and not skills.trainee')).toBe(
      "team in ['east', 'north'] and not skills.trainee",
    );
    expect(canonical('((a))')).toBe('a');
  });

  it('accepts * and true as any agent', () => {
    expect(parseExpression(' * ')).toMatchObject({ ok: true, value: { kind: 'any' } });
    expect(parseExpression('true')).toMatchObject({ ok: true, value: { kind: 'literal', value: true } });
  });

  it('reports position and expectations for a missing operand', () => {
    const e = rejected('skills.appliances >= ');
    expect(e.code).toBe('ROUTING.EXPRESSION_SYNTAX');
    expect(e.message).toBe('Expected a value, found end of expression at column 22');
    expect(e.details).toMatchObject({ position: 21, expected: expect.arrayContaining(['number', 'string']) });
  });

  it('reports a missing operator after a bare name', () => {
    const e = rejected("languages 'zh'");
    expect(e.details).toMatchObject({ position: 10, expected: expect.arrayContaining(['has', 'and', 'or']) });
  });

  it('reports a literal standing alone as a missing operator', () => {
    expect(rejected("'zh' and a").details).toMatchObject({
      position: 5,
      expected: expect.arrayContaining(['==']),
    });
    expect(rejected('7').message).toMatch(/Expected an operator after 7, found end of expression/);
  });

  it('rejects chained comparisons', () => {
    expect(rejected('1 < skills.a < 5').details).toMatchObject({ position: 13 });
  });

  it('rejects unbalanced parentheses', () => {
    expect(rejected('(a and b').details).toMatchObject({
      position: 8,
      expected: expect.arrayContaining([')']),
    });
    expect(rejected('a and b)').details).toMatchObject({
      position: 7,
      expected: expect.arrayContaining(['end of expression']),
    });
  });

  it('requires * to stand alone', () => {
    expect(rejected('* and a').message).toMatch(/must be the whole expression/);
    expect(rejected('a or *').details).toMatchObject({ position: 5 });
  });

  it('rejects names inside list literals and bare skills/contact prefixes', () => {
    expect(rejected('team in [east]').message).toMatch(/lists hold literals only/);
    expect(rejected('skills >= 3').message).toMatch(/Expected '.' and a skill name after 'skills'/);
    expect(rejected("contact == 'x'").details).toMatchObject({ expected: ['contact.<name>'] });
  });

  it('rejects comparisons of conditions', () => {
    expect(rejected('(a and b) == true').code).toBe('ROUTING.EXPRESSION_SYNTAX');
    expect(rejected('a == (b or c)').code).toBe('ROUTING.EXPRESSION_SYNTAX');
  });

  it.each([
    ["'zh' has languages", 0],
    ['skills.a has 3', 0],
    ["languages has ['a']", 14],
    ["'east' in 'team'", 10],
    ["skills.a >= 'high'", 12],
    ['contact.vip > true', 14],
    ["languages == ['zh']", 13],
    ["skills.a == 'x'", 12],
  ])('rejects the ill-typed %s with a type error', (source, position) => {
    const e = rejected(source);
    expect(e.code).toBe('ROUTING.EXPRESSION_TYPE');
    expect(e.details).toMatchObject({ position });
  });

  it('accepts numeric strings where numbers are compared', () => {
    expect(parseExpression("skills.a >= '7' and contact.ivr.menu == 1").ok).toBe(true);
  });

  it('limits length and nesting without exhausting the stack', () => {
    expect(rejected('a or '.repeat(MAX_EXPRESSION_LENGTH)).code).toBe('ROUTING.EXPRESSION_TOO_COMPLEX');
    const deep = '('.repeat(MAX_EXPRESSION_DEPTH + 1) + 'a' + ')'.repeat(MAX_EXPRESSION_DEPTH + 1);
    expect(rejected(deep).code).toBe('ROUTING.EXPRESSION_TOO_COMPLEX');
    expect(rejected('not '.repeat(1000) + 'a').code).toBe('ROUTING.EXPRESSION_TOO_COMPLEX');
    const ok = '('.repeat(MAX_EXPRESSION_DEPTH) + 'a' + ')'.repeat(MAX_EXPRESSION_DEPTH);
    expect(parseExpression(ok).ok).toBe(true);
  });

  it('parses long flat chains iteratively', () => {
    const source = Array.from({ length: 200 }, (_, i) => `skills.s${i} >= 1`).join(' or ');
    const r = parseExpression(source);
    expect(r.ok && r.value.kind === 'or' && r.value.operands.length).toBe(200);
  });
});

describe('parser input from configuration', () => {
  it('rejects a non-string source instead of throwing', () => {
    expect(parseExpression(undefined as unknown as string)).toMatchObject({
      ok: false,
      error: { code: 'ROUTING.EXPRESSION_SYNTAX', details: { position: 0 } },
    });
  });
});
