import { describe, expect, it } from 'vitest';
import { chineseCardinal, chineseDecimal, chineseDigitString } from './chinese-numerals';

describe('chineseCardinal', () => {
  it.each([
    ['0', '零'],
    ['1', '一'],
    ['2', '二'],
    ['10', '十'],
    ['12', '十二'],
    ['20', '二十'],
    ['105', '一百零五'],
    ['110', '一百一十'],
    ['200', '两百'],
    ['1200', '一千二百'],
    ['2000', '两千'],
    ['10001', '一万零一'],
    ['12345', '一万二千三百四十五'],
    ['20000', '两万'],
    ['120000', '十二万'],
    ['100010000', '一亿零一万'],
    ['100001000', '一亿零一千'],
    ['1000000001', '十亿零一'],
    ['007', '七'],
  ])('reads %s as %s', (digits, reading) => {
    expect(chineseCardinal(digits)).toBe(reading);
  });

  it('falls back to digit by digit beyond 万亿', () => {
    expect(chineseCardinal('12345678901234567')).toBe('幺二三四五六七八九零幺二三四五六七');
  });
});

describe('chineseDigitString', () => {
  it('says 幺 for 1 in identifiers and 一 in years', () => {
    expect(chineseDigitString('4008001234')).toBe('四零零八零零幺二三四');
    expect(chineseDigitString('2021', '一')).toBe('二零二一');
  });
});

describe('chineseDecimal', () => {
  it('reads the fraction digit by digit after 点', () => {
    expect(chineseDecimal('99.5')).toBe('九十九点五');
    expect(chineseDecimal('0.05')).toBe('零点零五');
    expect(chineseDecimal('12.10')).toBe('十二点一零');
  });
});
