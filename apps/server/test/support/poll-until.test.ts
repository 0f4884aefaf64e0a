import { describe, expect, it } from 'vitest';
import { pollUntil } from './poll-until';

describe('pollUntil', () => {
  it('resolves with the first truthy value, checking between pauses', async () => {
    let n = 0;
    expect(
      await pollUntil(() => (++n === 3 ? 'ready' : undefined), { timeoutMs: 1000, what: 'three', every: 1 }),
    ).toBe('ready');
    expect(n).toBe(3);
  });

  it('runs the given step between checks instead of a pause', async () => {
    const steps: number[] = [];
    const value = await pollUntil(async () => steps.length >= 2 && steps.length, {
      timeoutMs: 1000,
      what: 'two steps',
      every: async () => void steps.push(steps.length),
    });
    expect(value).toBe(2);
    expect(steps).toEqual([0, 1]);
  });

  it('rejects after the timeout, naming what it waited for and the state seen last', async () => {
    const started = performance.now();
    await expect(
      pollUntil(() => false, { timeoutMs: 30, what: 'nothing', every: 5, detail: () => 'still false' }),
    ).rejects.toThrow('timed out after 30 ms waiting for nothing: still false');
    expect(performance.now() - started).toBeGreaterThanOrEqual(30);
  });

  it('ends the wait when the check throws', async () => {
    await expect(
      pollUntil(
        () => {
          throw new Error('peer died');
        },
        { timeoutMs: 10_000, what: 'a dead peer' },
      ),
    ).rejects.toThrow('peer died');
  });
});
