import { describe, expect, it } from 'vitest';
import { prepareMandarinText } from './mandarin-prompt-text';

describe('prepareMandarinText', () => {
  it('reads a menu key as a number word', () => {
    expect(prepareMandarinText('查询订单请按1')).toBe('查询订单请按一');
  });

  it('reads order numbers digit by digit with 幺 for 1', () => {
    expect(prepareMandarinText('您的订单号12345已发货')).toBe('您的订单号幺二三四五已发货');
  });

  it('reads amounts and quantities as numbers', () => {
    expect(prepareMandarinText('金额99.5元')).toBe('金额九十九点五元');
    expect(prepareMandarinText('应付 12345 元')).toBe('应付 一万二千三百四十五 元');
    expect(prepareMandarinText('预计等待15分钟')).toBe('预计等待十五分钟');
  });

  it('reads years, percentages and ranges', () => {
    expect(prepareMandarinText('2024年')).toBe('二零二四年');
    expect(prepareMandarinText('满意度98%')).toBe('满意度百分之九十八');
    expect(prepareMandarinText('1-3个工作日')).toBe('一到三个工作日');
  });

  it('reads grouped phone numbers digit by digit with pauses', () => {
    expect(prepareMandarinText('请拨打400-800-1234')).toBe('请拨打四零零，八零零，幺二三四');
  });

  it('turns full-width digits and keypad symbols into words', () => {
    expect(prepareMandarinText('请按＃号键，返回请按*')).toBe('请按井号键，返回请按星号');
    expect(prepareMandarinText('按２')).toBe('按二');
  });

  it('replaces misread words with tone-numbered pinyin', () => {
    expect(prepareMandarinText('欢迎致电')).toBe(' huan1 ying2 致电');
    expect(prepareMandarinText('重新输入')).toBe(' chong2 xin1 输入');
  });

  it('applies 一 sandhi only where 一 is not part of a numeral', () => {
    expect(prepareMandarinText('前面还有1位')).toBe('前面还有 yi2 wei4 ');
    expect(prepareMandarinText('前面还有11位')).toBe('前面还有十一位');
  });
});
