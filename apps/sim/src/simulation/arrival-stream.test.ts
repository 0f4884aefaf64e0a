import { seededRandom } from '@switchboard/kernel';
import { describe, expect, it } from 'vitest';
import { ArrivalStream, type ArrivalProfile } from './arrival-stream';

function arrivals(profile: ArrivalProfile, intervalSeconds: number, seed = 1): number[] {
  const stream = new ArrivalStream(profile, intervalSeconds, seededRandom(seed));
  const out: number[] = [];
  for (let t = stream.next(); t !== Infinity; t = stream.next()) out.push(t);
  return out;
}

function perInterval(times: readonly number[], intervalSeconds: number, count: number): number[] {
  const counts = new Array<number>(count).fill(0);
  for (const t of times) counts[Math.floor(t / intervalSeconds)]!++;
  return counts;
}

describe('ArrivalStream', () => {
  it('Poisson arrivals average the expected calls per interval with Poisson dispersion', () => {
    const calls = new Array<number>(2000).fill(40);
    const times = arrivals({ kind: 'poisson', callsPerInterval: calls }, 900);
    const counts = perInterval(times, 900, calls.length);
    const mean = counts.reduce((s, c) => s + c, 0) / counts.length;
    const variance = counts.reduce((s, c) => s + (c - mean) ** 2, 0) / (counts.length - 1);
    expect(Math.abs(mean - 40)).toBeLessThan(4 * Math.sqrt(40 / counts.length));
    // A Poisson count has variance equal to its mean (index of dispersion 1).
    expect(variance / mean).toBeGreaterThan(0.9);
    expect(variance / mean).toBeLessThan(1.1);
  });

  it('follows a changing rate and skips intervals without calls', () => {
    const calls = [0, 1000, 0, 100];
    const counts = perInterval(arrivals({ kind: 'poisson', callsPerInterval: calls }, 1800, 9), 1800, 4);
    expect(counts[0]).toBe(0);
    expect(counts[2]).toBe(0);
    expect(Math.abs(counts[1]! - 1000)).toBeLessThan(4 * Math.sqrt(1000));
    expect(Math.abs(counts[3]! - 100)).toBeLessThan(4 * Math.sqrt(100));
  });

  it('an empirical profile gives exactly its counts, spread over each interval, in order', () => {
    const counts = [3, 0, 250, 1, 40];
    const times = arrivals({ kind: 'empirical', counts }, 600, 4);
    expect(perInterval(times, 600, counts.length)).toEqual(counts);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Uniform within the interval: the spike's arrivals fill its first and second halves alike.
    const spike = times.filter((t) => t >= 1200 && t < 1800);
    const firstHalf = spike.filter((t) => t < 1500).length;
    expect(Math.abs(firstHalf - 125)).toBeLessThan(4 * Math.sqrt(250 / 4));
  });

  it('never yields a time at or after the end of the last interval', () => {
    const times = arrivals({ kind: 'poisson', callsPerInterval: [500, 500] }, 60, 2);
    expect(Math.max(...times)).toBeLessThan(120);
  });
});
