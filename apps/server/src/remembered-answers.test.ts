import { describe, expect, it } from 'vitest';
import { RememberedAnswers } from './remembered-answers';

describe('RememberedAnswers', () => {
  it('computes once per key and gives the kept answer after', () => {
    const asked: string[] = [];
    const answers = new RememberedAnswers<number>(10);
    const length = (key: string) => {
      asked.push(key);
      return key.length;
    };
    expect(answers.answer('abc', length)).toBe(3);
    expect(answers.answer('abc', length)).toBe(3);
    expect(answers.answer('de', length)).toBe(2);
    expect(asked).toEqual(['abc', 'de']);
  });

  it('starts over past its bound, and stays right', () => {
    let computed = 0;
    const answers = new RememberedAnswers<string>(3);
    const upper = (key: string) => {
      computed++;
      return key.toUpperCase();
    };
    for (const key of ['a', 'b', 'c', 'd']) expect(answers.answer(key, upper)).toBe(key.toUpperCase());
    // 'd' found it full and cleared it: 'a' is computed again, 'd' is kept.
    expect(answers.answer('a', upper)).toBe('A');
    expect(answers.answer('d', upper)).toBe('D');
    expect(computed).toBe(5);
  });
});
