import type { Random } from '@switchboard/kernel';

/**
 * A non-negative duration distribution in seconds, as a scenario writes it:
 * `{ "kind": "fixed", "value": 30 }`, `{ "kind": "exponential", "mean": 180 }` or
 * `{ "kind": "lognormal", "mean": 240, "sd": 120 }` (mean and standard deviation of the duration
 * itself, not of its logarithm — what a workforce planner reads off a report).
 */
export type DistributionSpec =
  | { readonly kind: 'fixed'; readonly value: number }
  | { readonly kind: 'exponential'; readonly mean: number }
  | { readonly kind: 'lognormal'; readonly mean: number; readonly sd: number };

/** Draws durations in seconds from one distribution with one random stream. */
export interface Sampler {
  /** Mean of the distribution, in seconds. */
  readonly mean: number;
  sample(): number;
}

/** A sampler for `spec` drawing from `random` (each sampler should get its own stream). */
export function createSampler(spec: DistributionSpec, random: Random): Sampler {
  switch (spec.kind) {
    case 'fixed':
      return { mean: spec.value, sample: () => spec.value };
    case 'exponential':
      return { mean: spec.mean, sample: () => exponential(random, spec.mean) };
    case 'lognormal':
      return lognormalSampler(spec.mean, spec.sd, random);
  }
}

/** An exponential variate with the given mean (inversion; `1 − U` is in (0, 1], so ln is finite). */
export function exponential(random: Random, mean: number): number {
  return -mean * Math.log(1 - random.next());
}

/**
 * Lognormal with the given mean m and standard deviation s of the variate: its logarithm is normal
 * with σ² = ln(1 + s²/m²) and μ = ln m − σ²/2. Normals come from the polar Box–Muller method, which
 * yields two per accepted pair; the spare is kept for the next draw.
 */
function lognormalSampler(mean: number, sd: number, random: Random): Sampler {
  const sigma2 = Math.log1p((sd * sd) / (mean * mean));
  const sigma = Math.sqrt(sigma2);
  const mu = Math.log(mean) - sigma2 / 2;
  let spare = NaN;
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const z = spare;
      spare = NaN;
      return z;
    }
    for (;;) {
      const u = 2 * random.next() - 1;
      const v = 2 * random.next() - 1;
      const s = u * u + v * v;
      if (s === 0 || s >= 1) continue;
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      spare = v * f;
      return u * f;
    }
  };
  return { mean, sample: () => Math.exp(mu + sigma * normal()) };
}

/** Standard deviation of a distribution, in seconds (for reports and tests). */
export function standardDeviationOf(spec: DistributionSpec): number {
  switch (spec.kind) {
    case 'fixed':
      return 0;
    case 'exponential':
      return spec.mean;
    case 'lognormal':
      return spec.sd;
  }
}
