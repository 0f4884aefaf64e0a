import { digamma, logPoissonTerm } from './special-functions';

/**
 * Weighted sums of t_k = D(a + k, u) = u^(a+k) e^(−u) / Γ(a + k + 1) over k ≥ 0, the terms of the
 * series of the regularized incomplete gamma function P(a, u) = Σ_k t_k (Abramowitz & Stegun 6.5.29).
 * Each sum is relative to the largest term, whose logarithm is `logScale`.
 */
export interface PoissonSums {
  /** ln of the largest term t_m; the sums below are in units of it. */
  readonly logScale: number;
  /** Σ_{k≥0} t_k. */
  readonly total: number;
  /** Σ_{k≥1} t_k, summed apart so that `total − 1`-style cancellation never happens. */
  readonly tail: number;
  /** Σ_{k≥0} k·t_k. */
  readonly indexWeighted: number;
  /** Σ_{k≥1} H_k·t_k with H_k = Σ_{i=1..k} 1/(a + i). */
  readonly harmonicWeighted: number;
}

/** Terms below this share of their sum no longer change a double. */
const NEGLIGIBLE = 1e-17;
/** Cut-over from adding H_m term by term to the digamma difference. */
const DIRECT_HARMONIC_LIMIT = 2_000;
/** A safety net against a bug in the stopping rule; validated inputs need at most a few million. */
const MAX_TERMS = 50_000_000;

/**
 * Sums the series from its mode outward in both directions, in units of the largest term, so the
 * work is O(√u) terms however large a and u are, and no term overflows: t_(k+1)/t_k = u/(a + k + 1),
 * so the terms rise up to k ≈ u − a and then fall off like a Gaussian of width ≈ √u.
 */
export function poissonSums(a: number, u: number): PoissonSums {
  const mode = u > a ? Math.floor(u - a) : 0;
  let harmonicAtMode = 0;
  if (mode <= DIRECT_HARMONIC_LIMIT) for (let i = 1; i <= mode; i++) harmonicAtMode += 1 / (a + i);
  else harmonicAtMode = digamma(a + mode + 1) - digamma(a + 1);

  let total = 1;
  let tail = mode >= 1 ? 1 : 0;
  let indexWeighted = mode;
  let harmonicWeighted = harmonicAtMode;

  // Upward: terms fall once past the mode while the weights k and H_k grow, so each sum needs its own
  // test before the walk may stop.
  let term = 1;
  let harmonic = harmonicAtMode;
  for (let k = mode + 1; ; k++) {
    if (k - mode > MAX_TERMS) throw new Error(`poissonSums did not converge for a=${a}, u=${u}`);
    term *= u / (a + k);
    harmonic += 1 / (a + k);
    total += term;
    tail += term;
    indexWeighted += k * term;
    harmonicWeighted += harmonic * term;
    if (
      term <= NEGLIGIBLE * total &&
      k * term <= NEGLIGIBLE * indexWeighted &&
      harmonic * term <= NEGLIGIBLE * harmonicWeighted
    )
      break;
  }

  // Downward: terms and weights both fall, and every sum already holds the mode term of size 1 times
  // its weight there, so one test on the bare term suffices.
  term = 1;
  harmonic = harmonicAtMode;
  for (let k = mode - 1; k >= 0; k--) {
    term *= (a + k + 1) / u;
    harmonic -= 1 / (a + k + 1);
    total += term;
    if (k >= 1) tail += term;
    indexWeighted += k * term;
    if (k >= 1) harmonicWeighted += Math.max(harmonic, 0) * term;
    if (term <= NEGLIGIBLE) break;
  }

  return { logScale: logPoissonTerm(a + mode, u), total, tail, indexWeighted, harmonicWeighted };
}
