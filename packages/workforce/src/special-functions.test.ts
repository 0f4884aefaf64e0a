import { describe, expect, it } from 'vitest';
import { digamma, log1pExp, logAddExp, logGamma, logPoissonTerm } from './special-functions';

// References: 40-digit evaluations of ln Γ, ψ and ln(u^b e^(−u)/Γ(b+1)) in arbitrary precision.
describe('special functions', () => {
  it('ln Γ matches references from 0.1 to 1e10', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 13);
    expect(logGamma(0.1)).toBeCloseTo(2.25271265173421, 14);
    expect(logGamma(1e6) / 12815504.5691476).toBeCloseTo(1, 14);
    expect(logGamma(1e10) / 220258509288.811).toBeCloseTo(1, 14);
  });

  it('ψ matches references, including the Euler–Mascheroni constant at 1', () => {
    expect(digamma(1)).toBeCloseTo(-0.577215664901533, 14);
    expect(digamma(0.25)).toBeCloseTo(-4.22745353337627, 13);
    expect(digamma(1e5)).toBeCloseTo(11.5129204649619, 13);
  });

  it('the generalized Poisson term keeps its digits where the naive form cancels', () => {
    expect(logPoissonTerm(3.5, 100)).toBeCloseTo(-86.3356409198841, 12);
    expect(logPoissonTerm(12345.678, 12000)).toBeCloseTo(-10.5612314123009, 11);
    expect(logPoissonTerm(1e10, 1.00001e10)).toBeCloseTo(-12.9318606648749, 8);
  });

  it('log-space additions neither overflow nor lose tiny terms', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(log1pExp(800)).toBe(800);
    expect(log1pExp(-700)).toBeCloseTo(Math.exp(-700), 310);
  });
});
