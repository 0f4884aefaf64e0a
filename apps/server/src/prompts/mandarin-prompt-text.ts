/**
 * Rewrites a Mandarin prompt into text that espeak-ng's `cmn-latn-pinyin` voice reads correctly:
 * digits become Chinese numerals, keypad symbols become words, and words whose espeak-ng
 * dictionary reading is wrong are replaced by tone-numbered pinyin, which that voice accepts inline.
 */
import { chineseCardinal, chineseDecimal, chineseDigitString } from './chinese-numerals';

/**
 * Words espeak-ng 1.51 misreads (checked with `espeak-ng -v cmn-latn-pinyin -x`): its dictionary
 * keeps one reading per character (欢 neutral tone, 重 zhòng, 行 xíng, 地 de, 了 le, 还 hái) and
 * applies no 一/不 tone sandhi. Only words common in hotline prompts are listed.
 */
const PINYIN_OVERRIDES: Readonly<Record<string, string>> = {
  欢迎: 'huan1 ying2',
  重新: 'chong2 xin1',
  重复: 'chong2 fu4',
  重拨: 'chong2 bo1',
  银行: 'yin2 hang2',
  行业: 'hang2 ye4',
  地址: 'di4 zhi3',
  了解: 'liao3 jie3',
  还款: 'huan2 kuan3',
  退还: 'tui4 huan2',
  便宜: 'pian2 yi5',
  获得: 'huo4 de2',
  得到: 'de2 dao4',
  调整: 'tiao2 zheng3',
  作为: 'zuo4 wei2',
  要求: 'yao1 qiu2',
  音乐: 'yin1 yue4',
  不要: 'bu2 yao4',
  不用: 'bu2 yong4',
  不会: 'bu2 hui4',
  不是: 'bu2 shi4',
  不对: 'bu2 dui4',
  不到: 'bu2 dao4',
  一下: 'yi2 xia4',
  一定: 'yi2 ding4',
  一样: 'yi2 yang4',
  一次: 'yi2 ci4',
  一位: 'yi2 wei4',
  一个: 'yi2 ge4',
};

// Longest word first so that a longer entry wins over its prefix. 一 keeps its own tone after a
// numeral (十一位, 第一次), so entries starting with 一 must not match there.
const OVERRIDE_PATTERN = new RegExp(
  Object.keys(PINYIN_OVERRIDES)
    .sort((a, b) => b.length - a.length)
    .map((word) => (word.startsWith('一') ? `(?<![零〇一二两三四五六七八九十百千万亿第])${word}` : word))
    .join('|'),
  'gu',
);

/** Counting words after which a number is a quantity (3个工作日, 12位, 99元), not an identifier. */
const QUANTITY_UNIT =
  /^\s*(?:元|块|角|毛|分|秒|个|位|件|天|日|号|月|小时|周|星期|年|岁|人|次|名|台|张|条|项|单|笔|公斤|千克|克|斤|米|公里|万|亿|折|倍|层|楼|期|份|本|箱|包|瓶|点|种|家)/u;
/** Identifiers written in groups (400-800-1234, 138 0013 8000) are read digit by digit. */
const GROUPED_DIGITS = /(?<![A-Za-z\d.])\d{2,}(?:[- ]\d{2,})+(?![\d.])/g;
const RANGE = /(?<![A-Za-z\d.])(\d+(?:\.\d+)?)\s*[-~～]\s*(\d+(?:\.\d+)?)(?![\d.])/g;
const PERCENT = /(?<![A-Za-z\d.])(\d+(?:\.\d+)?)\s*%/g;
const NUMBER = /(?<![A-Za-z\d.])\d+(?:\.\d+)?(?![\d])/g;
const MIN_GROUPED_IDENTIFIER_DIGITS = 7;

/** Prepares a Mandarin prompt for espeak-ng; see the module comment for what changes. */
export function prepareMandarinText(text: string): string {
  const withSymbols = spellKeypadSymbols(toHalfWidth(text));
  return replaceOverrides(spellNumbers(withSymbols));
}

/** Full-width digits and signs, common in Chinese input methods, become ASCII for the rules below. */
function toHalfWidth(text: string): string {
  return text.replace(/[０-９％＊＃．]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
}

/** `*` and `#` on a keypad are 星号 and 井号 (请按*号键 → 请按星号键). */
function spellKeypadSymbols(text: string): string {
  return text
    .replace(/\*(?=\s*[号键])/g, '星')
    .replace(/#(?=\s*[号键])/g, '井')
    .replace(/\*/g, '星号')
    .replace(/#/g, '井号');
}

function spellNumbers(text: string): string {
  return text
    .replace(GROUPED_DIGITS, (match) => {
      const groups = match.split(/[- ]/);
      if (groups.join('').length < MIN_GROUPED_IDENTIFIER_DIGITS) return match;
      // A comma between groups gives the caller the pause a person makes when reading them out.
      return groups.map((g) => chineseDigitString(g)).join('，');
    })
    .replace(RANGE, (match, from: string, to: string, offset: number, whole: string) => {
      // Both ends take the unit after the range: 1-3个 → 一到三个.
      const after = whole.slice(offset + match.length);
      return `${readNumber(from, after)}到${readNumber(to, after)}`;
    })
    .replace(PERCENT, (_m, value: string) => `百分之${chineseDecimal(value)}`)
    .replace(NUMBER, (match, offset: number, whole: string) =>
      readNumber(match, whole.slice(offset + match.length)),
    );
}

/**
 * Chooses how a number is spoken from its shape and the word after it: decimals and quantities
 * as amounts, four digits before 年 as a year, short numbers (请按1, 第12) as amounts, anything
 * else (order, phone, extension numbers) digit by digit.
 */
function readNumber(token: string, after: string): string {
  if (token.includes('.')) return chineseDecimal(token);
  if (/^\d{4}$/.test(token) && after.startsWith('年')) return chineseDigitString(token, '一');
  if (token.length > 1 && token.startsWith('0')) return chineseDigitString(token);
  if (token.length <= 12 && QUANTITY_UNIT.test(after)) return chineseCardinal(token);
  if (token.length <= 2) return chineseCardinal(token);
  return chineseDigitString(token);
}

function replaceOverrides(text: string): string {
  // Spaces keep the pinyin syllables apart from neighbouring Hanzi for espeak-ng's tokenizer.
  return text.replace(OVERRIDE_PATTERN, (word) => ` ${PINYIN_OVERRIDES[word] ?? word} `);
}
