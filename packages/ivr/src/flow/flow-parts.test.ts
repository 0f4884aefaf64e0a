import { describe, expect, it } from 'vitest';
import { evaluatePredicate, localClock, type PredicateInput } from './predicate';
import { checkSafePattern } from './safe-pattern';
import { renderTemplate } from './template';

const scope = { vars: { orderNumber: '123', n: 0 }, caller: { number: '138', vipLevel: 2 }, attributes: {} };

describe('templates', () => {
  it('fills references and leaves missing values empty', () => {
    expect(
      renderTemplate('您的订单{{vars.orderNumber}}，{{ caller.vipLevel }}级，{{vars.none}}。', scope),
    ).toBe('您的订单123，2级，。');
    expect(renderTemplate('{{vars.n}}', scope)).toBe('0');
  });

  it('never resolves inherited object properties', () => {
    expect(renderTemplate('{{vars.constructor}}{{caller.toString}}', scope)).toBe('');
  });
});

describe('predicates', () => {
  const input = (localMs: number): PredicateInput => ({ scope, calendar: { open: true }, localMs });

  it('computes the local weekday and minute from epoch milliseconds', () => {
    expect(localClock(Date.UTC(2026, 0, 5, 10, 30))).toEqual({ minute: 630, weekday: 1 });
    expect(localClock(Date.UTC(1969, 11, 31, 23, 59))).toEqual({ minute: 1439, weekday: 3 });
  });

  it('compares keypad strings with numbers by value, and never matches missing values', () => {
    const at = input(0);
    expect(evaluatePredicate({ value: 'vars.orderNumber', op: '==', operand: 123 }, at)).toBe(true);
    expect(evaluatePredicate({ value: 'vars.orderNumber', op: '>', operand: 99 }, at)).toBe(true);
    expect(evaluatePredicate({ value: 'vars.none', op: '<', operand: 1 }, at)).toBe(false);
    expect(evaluatePredicate({ value: 'vars.none', op: '!=', operand: 1 }, at)).toBe(true);
    expect(evaluatePredicate({ value: 'caller.number', op: '>=', operand: 'abc' }, at)).toBe(false);
  });

  it('treats to 24:00 as end of day', () => {
    expect(
      evaluatePredicate({ timeOfDay: { from: '18:00', to: '24:00' } }, input(Date.UTC(2026, 0, 5, 23, 59))),
    ).toBe(true);
  });
});

describe('safe patterns', () => {
  it.each(['[0-9]{6,20}', '1[3-9]\\d{9}', '(86)?1\\d{10}', '(\\d{3})-?\\d+', '[*#]?\\d+', '(12|34)'])(
    'allows %s',
    (p) => {
      expect(checkSafePattern(p)).toBeUndefined();
    },
  );

  it.each([
    ['(\\d+)+', 'repetition'],
    ['(\\d*)*', 'repetition'],
    ['((\\d)+)+', 'repetition'],
    ['(\\d{2,})+', 'repetition'],
    ['(1|12)*', 'alternation'],
    ['(?=1)\\d', 'lookahead'],
    ['(\\d)\\1', 'backreferences'],
    ['(?<a>\\d)\\k<a>', 'backreferences'],
    ['[0-9', 'compile'],
  ])('refuses %s', (p, why) => {
    expect(checkSafePattern(p)).toMatch(why);
  });
});
