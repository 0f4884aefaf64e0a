/**
 * What the media threads hold, as gauges on `/metrics`: one series per thread (`main` for media in
 * process, the worker's index for each media worker). A count that only grows while calls come and
 * go is a leak an operator sees long before the port range runs out or the ticks run late.
 */
import type { TimerHandle, Timers } from '@switchboard/kernel';
import { Gauge, type Registry } from 'prom-client';
import { systemTimers } from './media-clock';
import type { MediaService } from './media-service';
import type { MediaWorkerPool } from './media-worker-pool';
import type { MediaWorkerActivity } from './media-worker-protocol';

/** One media thread's counts; a thread reports those it has (in process: no bridges by id). */
export interface MediaThreadCounts {
  readonly thread: string;
  readonly counts: Partial<MediaWorkerActivity>;
}

/** Reads every media thread's counts (the workers' over their message ports). */
export type MediaCountsSource = () => Promise<readonly MediaThreadCounts[]>;

/**
 * The counts of the media in process (`main`) and of each media worker that answers (by index).
 * With workers the process's own service keeps the prompt library and, now and then, a leg.
 */
export function mediaThreadCounts(service: MediaService, workers?: MediaWorkerPool): MediaCountsSource {
  return async () => {
    const main: MediaThreadCounts = {
      thread: 'main',
      counts: { legs: service.openLegs, ...service.holdings },
    };
    const healths = (await workers?.health()) ?? [];
    return [
      main,
      ...healths.flatMap((h, i) => (h.ok ? [{ thread: String(i), counts: h.value.activity }] : [])),
    ];
  };
}

/** Each count's metric: every field of {@link MediaWorkerActivity}, named once here. */
const GAUGES: Record<keyof MediaWorkerActivity, { readonly name: string; readonly help: string }> = {
  legs: { name: 'media_legs', help: 'RTP legs open, by media thread' },
  browserLegs: { name: 'media_browser_legs', help: "Browsers' WebRTC legs open, by media thread" },
  players: { name: 'media_players', help: 'Prompt and music players, by media thread' },
  bridges: { name: 'media_bridges', help: 'Two-party bridges, by media thread' },
  imports: { name: 'media_imported_legs', help: 'Legs of another media thread mixed here' },
  exports: { name: 'media_exported_legs', help: "This media thread's legs mixed on another" },
  connectedLegs: { name: 'media_connected_legs', help: 'Legs in a bridge or conference, by media thread' },
  heldRecordings: {
    name: 'media_held_recordings',
    help: 'Recordings kept for a caller connected to nobody (on hold), by media thread',
  },
  tickerSubscribers: {
    name: 'media_ticker_subscribers',
    help: 'Players, recorders, mixers and watchdogs on the 20 ms clock, by media thread',
  },
  portPairs: { name: 'media_port_pairs', help: 'RTP/RTCP port pairs bound, by media thread' },
  sockets: { name: 'media_batched_sockets', help: 'Batched UDP sockets open, by media thread' },
};

/** How long a scrape waits for the media threads, and on which timers. */
export interface MediaMetricsOptions {
  readonly timeoutMs?: number;
  readonly timers?: Timers;
}

/**
 * Registers the gauges. A scrape asks `source` once, however many gauges it reads, and waits at
 * most `timeoutMs` (2 s) for it: media threads too busy to answer by then leave the gauges out of
 * that scrape rather than stall it, and their last figures are not shown as if they were current.
 */
export function registerMediaMetrics(
  registry: Registry,
  source: MediaCountsSource,
  options: MediaMetricsOptions = {},
): void {
  const timers = options.timers ?? systemTimers;
  const timeoutMs = options.timeoutMs ?? 2000;
  let pending: Promise<readonly MediaThreadCounts[]> | undefined;
  // The gauges of one scrape are collected together: they share one read of the threads.
  const read = () => {
    pending ??= withTimeout(source(), timeoutMs, timers).finally(() =>
      queueMicrotask(() => (pending = undefined)),
    );
    return pending;
  };
  for (const [key, { name, help }] of Object.entries(GAUGES) as [
    keyof MediaWorkerActivity,
    (typeof GAUGES)[keyof MediaWorkerActivity],
  ][]) {
    new Gauge({
      name,
      help,
      labelNames: ['thread'] as const,
      registers: [registry],
      async collect() {
        const threads = await read();
        this.reset();
        for (const { thread, counts } of threads) {
          const value = counts[key];
          if (value !== undefined) this.set({ thread }, value);
        }
      },
    });
  }
}

/** `work`'s answer, or none after `ms` (or when it fails). */
async function withTimeout<T>(
  work: Promise<readonly T[]>,
  ms: number,
  timers: Timers,
): Promise<readonly T[]> {
  let timer: TimerHandle | undefined;
  const late = new Promise<readonly T[]>((resolve) => (timer = timers.set(ms, () => resolve([]))));
  try {
    return await Promise.race([work.catch(() => []), late]);
  } finally {
    if (timer !== undefined) timers.clear(timer);
  }
}
