import { describe, expect, it } from 'vitest';
import { Decimator16kTo8k, resample16kTo8k } from './resample';

describe('Decimator16kTo8k', () => {
  it('streams the same samples as the one-shot filter, delayed by the filter', () => {
    const input = Int16Array.from({ length: 4000 }, (_, i) =>
      Math.round(9000 * Math.sin(i / 7) + 3000 * Math.sin(i / 2.1)),
    );
    const whole = resample16kTo8k(input);
    const d = new Decimator16kTo8k();
    const out = new Int16Array(2000);
    let n = 0;
    const scratch = new Int16Array(200);
    for (let at = 0; at < input.length; at += 333) {
      const got = d.process(input.subarray(at, Math.min(input.length, at + 333)), scratch);
      out.set(scratch.subarray(0, got), n);
      n += got;
    }
    expect(n).toBe(2000);
    // Stream output m is computed after input 2m+1 over inputs 2m−93 … 2m+1, so it is centred on
    // input 2m−46; the one-shot output k is centred on input 2k. They meet at k = m − 23.
    for (let m = 100; m < 1900; m++) expect(Math.abs(out[m]! - whole[m - 23]!)).toBeLessThanOrEqual(1);
  });
});
