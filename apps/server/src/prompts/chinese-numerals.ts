/**
 * Spelling of Arabic digits as Chinese numerals, so that a Mandarin voice reads an amount as an
 * amount and an order number digit by digit, the way a person on a hotline would.
 */

const DIGIT = '零一二三四五六七八九';
const SMALL_UNITS = ['', '十', '百', '千'] as const;
const BIG_UNITS = ['', '万', '亿', '万亿'] as const;
/** Above 万亿 (16 digits) Chinese has no unit in everyday speech: such numbers are read digit by digit. */
const MAX_CARDINAL_DIGITS = 16;

/**
 * Reads a digit string one digit at a time. Hotlines say 幺 for 1 in phone, order and extension
 * numbers so that it is not heard as 七; years keep 一 (二零二一年), hence `one`.
 */
export function chineseDigitString(digits: string, one: '幺' | '一' = '幺'): string {
  let out = '';
  for (const ch of digits) {
    const d = Number(ch);
    out += d === 1 ? one : (DIGIT[d] ?? ch);
  }
  return out;
}

/**
 * Reads a non-negative integer as a quantity: 12345 → 一万二千三百四十五, 10001 → 一万零一,
 * 12 → 十二, 2000 → 两千. Leading zeros are ignored; more than 16 digits fall back to
 * {@link chineseDigitString}.
 */
export function chineseCardinal(digits: string): string {
  const n = digits.replace(/^0+(?=\d)/, '');
  if (n.length > MAX_CARDINAL_DIGITS) return chineseDigitString(n);
  if (n === '0') return '零';
  const groups: string[] = [];
  for (let end = n.length; end > 0; end -= 4) groups.unshift(n.slice(Math.max(0, end - 4), end));
  let out = '';
  let zeroPending = false;
  groups.forEach((group, i) => {
    const padded = group.padStart(4, '0');
    if (Number(padded) === 0) {
      zeroPending = out !== '';
      return;
    }
    // One 零 stands for any run of zeros between spoken digits (一亿零一千, 一万零一).
    if (out !== '' && (zeroPending || padded.startsWith('0'))) out += '零';
    const bigUnit = BIG_UNITS[groups.length - 1 - i] ?? '';
    out += groupReading(padded, out === '', bigUnit !== '') + bigUnit;
    zeroPending = padded.endsWith('0');
  });
  return out;
}

/**
 * Reads one four-digit group (千百十个); `leading` marks the group that starts the number and
 * `beforeBigUnit` a group followed by 万 or 亿.
 */
function groupReading(padded: string, leading: boolean, beforeBigUnit: boolean): string {
  let out = '';
  let zeroRun = false;
  for (let pos = 0; pos < 4; pos++) {
    const d = Number(padded[pos]);
    const unit = SMALL_UNITS[3 - pos] ?? '';
    if (d === 0) {
      zeroRun = out !== '';
      continue;
    }
    if (zeroRun) out += '零';
    zeroRun = false;
    const first = leading && out === '';
    // Spoken Mandarin drops the 一 of a leading 十 (十二, 十二万) and says 两 for a leading 2 before
    // 百/千/万/亿 (两千, 两万); inside a number it stays 二 (一千二百).
    if (first && d === 1 && unit === '十') out += '十';
    else if (first && d === 2 && (unit === '百' || unit === '千' || (unit === '' && beforeBigUnit)))
      out += '两' + unit;
    else out += (DIGIT[d] ?? '') + unit;
  }
  return out;
}

/** Reads a decimal such as 99.5 → 九十九点五 and 0.05 → 零点零五 (fraction digits one by one). */
export function chineseDecimal(text: string): string {
  const [whole = '0', fraction = ''] = text.split('.');
  const wholeReading = chineseCardinal(whole === '' ? '0' : whole);
  return fraction === '' ? wholeReading : `${wholeReading}点${chineseDigitString(fraction, '一')}`;
}
