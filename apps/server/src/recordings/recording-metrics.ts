/**
 * Recordings on `/metrics`. A center that must record every call (compliance) learns of a full
 * disk from the free space shrinking, before recordings fail, and of failures from a rising
 * `failed` count, not from a log line.
 */
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RecordingStatus } from './recordings-tables';

/** Counts one closed recording by its status. */
export type RecordingOutcome = (status: Exclude<RecordingStatus, 'recording'>) => void;

/**
 * Registers `recordings_closed_total{status}` (complete, failed, recovered) and
 * `recordings_disk_free_bytes` (space left to unprivileged writers on the file system of `root`,
 * the recordings folder), and answers the counter's hook.
 */
export function registerRecordingMetrics(registry: Registry, root: string): RecordingOutcome {
  const closed = new Counter({
    name: 'recordings_closed_total',
    help: 'Call recordings closed: complete, failed (never started or broke off), recovered after a crash',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  // Every status shows from the first scrape, zero until it happens, so a rate can be taken at once.
  for (const status of ['complete', 'failed', 'recovered'] as const) closed.inc({ status }, 0);
  new Gauge({
    name: 'recordings_disk_free_bytes',
    help: 'Free space for recordings on the file system of the recordings folder',
    registers: [registry],
    async collect() {
      const free = await freeBytes(root);
      if (free === undefined) this.reset();
      else this.set(free);
    },
  });
  return (status) => closed.inc({ status });
}

/**
 * Space `path`'s file system gives to the server (not root's reserve). Before the first recording
 * the folder does not exist yet: its nearest existing parent is on the same file system.
 */
async function freeBytes(path: string): Promise<number | undefined> {
  for (let at = path; ; at = dirname(at)) {
    try {
      const fs = await statfs(at);
      return fs.bavail * fs.bsize;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) return undefined;
    }
  }
}
