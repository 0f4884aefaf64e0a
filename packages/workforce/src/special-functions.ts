/**
 * The few special functions the Erlang formulas need, written for doubles over the whole range the
 * package accepts (up to ~1e11 in the arguments): every quantity that could overflow is kept as a
 * natural logarithm.
 *
 * References: C. Lanczos, "A precise method for computing the gamma function" (1964), coefficients
 * for g = 7, n = 9 as in Numerical Recipes 3rd ed. §6.1; C. Loader, "Fast and Accurate Computation of
 * Binomial Probabilities" (2000) for `stirlerr` and `bd0`, the method R's `dpois` uses.
 */

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate range: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Digamma ψ(x) = d/dx ln Γ(x) for x > 0: recurrence up to 12, then the asymptotic series. */
export function digamma(x: number): number {
  let shift = 0;
  let v = x;
  while (v < 12) {
    shift -= 1 / v;
    v += 1;
  }
  const inv2 = 1 / (v * v);
  const series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))));
  return shift + Math.log(v) - 0.5 / v - series;
}

/** Loader's δ(n) = ln n! − ln(√(2πn) (n/e)^n), the error of Stirling's formula, for n > 0. */
function stirlerr(n: number): number {
  if (n <= 15) return logGamma(n + 1) - (n + 0.5) * Math.log(n) + n - LN_SQRT_2PI;
  const nn = n * n;
  const s0 = 1 / 12;
  const s1 = 1 / 360;
  const s2 = 1 / 1260;
  const s3 = 1 / 1680;
  const s4 = 1 / 1188;
  if (n > 500) return (s0 - s1 / nn) / n;
  if (n > 80) return (s0 - (s1 - s2 / nn) / nn) / n;
  if (n > 35) return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
  return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

/** Loader's bd0(x, m) = x ln(x/m) + m − x, without the cancellation of the naive form near x = m. */
function bd0(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let s = (x - m) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const next = s + ej / (2 * j + 1);
      if (next === s) return next;
      s = next;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

/**
 * ln D(b, u) where D(b, u) = u^b e^(−u) / Γ(b + 1): the Poisson probability generalized to a real
 * count b ≥ 0, for u > 0. Loader's saddle-point form keeps full relative accuracy for b, u ~ 1e11,
 * where the naive `b ln u − u − lnΓ(b+1)` would lose most digits to cancellation.
 */
export function logPoissonTerm(b: number, u: number): number {
  if (b < 16) return b * Math.log(u) - u - logGamma(b + 1);
  return -stirlerr(b) - bd0(b, u) - LN_SQRT_2PI - 0.5 * Math.log(b);
}

/** ln(e^a + e^b) without overflow; −∞ is the additive identity. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const hi = Math.max(a, b);
  return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
}

/** ln(1 + e^t) (softplus) without overflow for large t or loss of precision for very negative t. */
export function log1pExp(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}
