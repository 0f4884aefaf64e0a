import { describe, expect, it } from 'vitest';
import { LoopLagProbe } from './loop-lag-probe';

describe('LoopLagProbe', () => {
  it('shows a blocked thread as a large maximum and starts a fresh window on reset', async () => {
    const probe = new LoopLagProbe(5);
    probe.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const until = performance.now() + 60;
    while (performance.now() < until); // the thread is busy: timers cannot fire
    await new Promise((resolve) => setTimeout(resolve, 20));
    const lag = probe.read(true);
    expect(lag.samples).toBeGreaterThan(2);
    expect(lag.maxMs).toBeGreaterThanOrEqual(40);
    expect(probe.read().samples).toBe(0);
    probe.stop();
  });
});
