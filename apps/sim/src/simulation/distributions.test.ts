import { seededRandom } from '@switchboard/kernel';
import { describe, expect, it } from 'vitest';
import { createSampler, standardDeviationOf, type DistributionSpec } from './distributions';

function moments(spec: DistributionSpec, n: number, seed: number): { mean: number; sd: number; min: number } {
  const sampler = createSampler(spec, seededRandom(seed));
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const x = sampler.sample();
    sum += x;
    sumSq += x * x;
    min = Math.min(min, x);
  }
  const mean = sum / n;
  return { mean, sd: Math.sqrt(sumSq / n - mean * mean), min };
}

describe('duration distributions', () => {
  const N = 200_000;

  it.each<[string, DistributionSpec]>([
    ['exponential', { kind: 'exponential', mean: 180 }],
    ['lognormal', { kind: 'lognormal', mean: 240, sd: 120 }],
    ['lognormal with a heavy tail', { kind: 'lognormal', mean: 60, sd: 90 }],
  ])('%s draws have the configured mean and standard deviation', (_name, spec) => {
    const m = moments(spec, N, 42);
    const sd = standardDeviationOf(spec);
    // Within 4 standard errors of the mean; the sample sd within 5 % (10 % for the heavy tail).
    expect(Math.abs(m.mean - createSampler(spec, seededRandom(1)).mean)).toBeLessThan(
      (4 * sd) / Math.sqrt(N),
    );
    expect(Math.abs(m.sd / sd - 1)).toBeLessThan(
      sd > 1.2 * createSampler(spec, seededRandom(1)).mean ? 0.1 : 0.05,
    );
    expect(m.min).toBeGreaterThanOrEqual(0);
  });

  it('fixed durations are always the value', () => {
    const m = moments({ kind: 'fixed', value: 30 }, 1000, 1);
    expect(m).toEqual({ mean: 30, sd: 0, min: 30 });
  });

  it('repeats the same draws for the same seed and differs for another', () => {
    const spec: DistributionSpec = { kind: 'lognormal', mean: 100, sd: 50 };
    const draw = (seed: number) => {
      const s = createSampler(spec, seededRandom(seed));
      return Array.from({ length: 100 }, () => s.sample());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('exponential draws are memoryless: the excess over the mean is again exponential', () => {
    const sampler = createSampler({ kind: 'exponential', mean: 50 }, seededRandom(3));
    let excess = 0;
    let count = 0;
    for (let i = 0; i < N; i++) {
      const x = sampler.sample();
      if (x > 50) {
        excess += x - 50;
        count++;
      }
    }
    expect(count / N).toBeCloseTo(Math.exp(-1), 2);
    expect(excess / count).toBeGreaterThan(48);
    expect(excess / count).toBeLessThan(52);
  });
});
