import { FLOW_LIMITS } from './flow-types';

/**
 * Checks a validation pattern for collected digits before it is published, returning the problem
 * or undefined. The pattern must match the whole input (it is anchored as `^(?:pattern)$`).
 *
 * JavaScript regular expressions backtrack, so a pattern such as `(\d+)+#` can take exponential
 * time. We refuse what can cause it and is never needed for keypad digits:
 * - a repeated group that itself contains a repetition (`(\d+)+`, `(1*)*`, `(\d{2,})+`);
 * - alternation inside a repeated group (`(1|12)+`), which can overlap the same way;
 * - backreferences and lookaround (`\1`, `\k<x>`, `(?=`, `(?<!`).
 * Overlapping adjacent repetitions (`\d*\d*`) stay allowed: they are polynomial, and collected
 * input is at most {@link FLOW_LIMITS.maxCollectLength} characters, so they finish in microseconds.
 */
export function checkSafePattern(pattern: string): string | undefined {
  if (pattern.length > FLOW_LIMITS.maxPatternLength) {
    return `pattern longer than ${FLOW_LIMITS.maxPatternLength} characters`;
  }
  try {
    new RegExp(`^(?:${pattern})$`, 'u');
  } catch (e) {
    return `pattern does not compile: ${(e as Error).message}`;
  }
  return scanForBacktracking(pattern);
}

interface Group {
  repeats: boolean;
  alternates: boolean;
}

/** Walks the pattern once, tracking for each open group whether it repeats or alternates inside. */
function scanForBacktracking(p: string): string | undefined {
  const stack: Group[] = [{ repeats: false, alternates: false }];
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '\\') {
      if (/[1-9k]/.test(p[i + 1] ?? '')) return 'backreferences are not allowed';
      i += 2;
    } else if (c === '[') {
      i = skipClass(p, i);
    } else if (c === '(') {
      if (/^\(\?<?[=!]/.test(p.slice(i, i + 4))) return 'lookahead and lookbehind are not allowed';
      stack.push({ repeats: false, alternates: false });
      i += 1;
    } else if (c === ')') {
      const inner = stack.pop()!;
      i += 1;
      const q = quantifierAt(p, i);
      if (q.repeats && inner.repeats)
        return 'a repeated group contains a repetition (catastrophic backtracking)';
      if (q.repeats && inner.alternates)
        return 'a repeated group contains alternation (catastrophic backtracking)';
      const top = stack[stack.length - 1]!;
      top.repeats ||= inner.repeats || q.repeats;
      top.alternates ||= inner.alternates;
      i += q.length;
    } else if (c === '|') {
      stack[stack.length - 1]!.alternates = true;
      i += 1;
    } else {
      const q = quantifierAt(p, i);
      if (q.length > 0) {
        stack[stack.length - 1]!.repeats ||= q.repeats;
        i += q.length;
      } else i += 1;
    }
  }
  return undefined;
}

function skipClass(p: string, start: number): number {
  let i = start + 1;
  while (i < p.length && p[i] !== ']') i += p[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The quantifier starting at `i` (if any): its length, and whether it allows more than one match. */
function quantifierAt(p: string, i: number): { length: number; repeats: boolean } {
  const c = p[i];
  if (c === '*' || c === '+') return { length: p[i + 1] === '?' ? 2 : 1, repeats: true };
  if (c === '?') return { length: p[i + 1] === '?' ? 2 : 1, repeats: false };
  const m = /^\{(\d+)(,(\d*))?\}\??/.exec(p.slice(i));
  if (!m) return { length: 0, repeats: false };
  const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
  return { length: m[0].length, repeats: max > 1 };
}
