import { VirtualClock } from '@switchboard/testkit';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerMediaMetrics, type MediaThreadCounts } from './media-metrics';
import { IDLE_WORKER_ACTIVITY } from './media-worker-protocol';

const THREADS: MediaThreadCounts[] = [
  { thread: 'main', counts: { legs: 0, tickerSubscribers: 0, portPairs: 0, sockets: 0 } },
  {
    thread: '0',
    counts: { ...IDLE_WORKER_ACTIVITY, legs: 4, tickerSubscribers: 7, portPairs: 4, sockets: 8 },
  },
];

/** The samples of `name` in a scrape, as `labels value` lines. */
function samples(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => line.slice(name.length));
}

describe('media metrics', () => {
  it('shows each media thread its counts, read once per scrape', async () => {
    const registry = new Registry();
    let reads = 0;
    registerMediaMetrics(registry, async () => {
      reads++;
      return THREADS;
    });
    const text = await registry.metrics();
    expect(samples(text, 'media_legs')).toEqual(['{thread="main"} 0', '{thread="0"} 4']);
    expect(samples(text, 'media_ticker_subscribers')).toEqual(['{thread="main"} 0', '{thread="0"} 7']);
    // A figure a thread does not keep (bridges by id, in process) is absent, not zero.
    expect(samples(text, 'media_bridges')).toEqual(['{thread="0"} 0']);
    expect(text).toContain('# HELP media_port_pairs RTP/RTCP port pairs bound, by media thread');
    expect(reads).toBe(1);
    await registry.metrics();
    expect(reads).toBe(2);
  });

  it('leaves the gauges out of a scrape the threads do not answer in time, and shows no stale figures', async () => {
    const registry = new Registry();
    const clock = new VirtualClock(0);
    let answer = true;
    const source = () => (answer ? Promise.resolve(THREADS) : new Promise<never>(() => undefined));
    registerMediaMetrics(registry, source, { timers: clock });
    expect(samples(await registry.metrics(), 'media_legs')).toHaveLength(2);
    answer = false;
    let text: string | undefined;
    const scrape = registry.metrics().then((t) => (text = t));
    clock.advance(1999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(text).toBeUndefined();
    clock.advance(1);
    await scrape;
    expect(samples(text!, 'media_legs')).toEqual([]);
  });

  it('leaves them out when reading the threads fails', async () => {
    const registry = new Registry();
    registerMediaMetrics(registry, () => Promise.reject(new Error('worker gone')));
    expect(samples(await registry.metrics(), 'media_port_pairs')).toEqual([]);
  });
});
