import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRecordingMetrics } from './recording-metrics';

/** One sample's value from a scrape, undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('recording metrics', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-recording-metrics-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('counts closed recordings by status, each from zero', async () => {
    const registry = new Registry();
    const outcome = registerRecordingMetrics(registry, dir);
    let text = await registry.metrics();
    for (const status of ['complete', 'failed', 'recovered'])
      expect(sample(text, `recordings_closed_total{status="${status}"}`)).toBe(0);
    outcome('complete');
    outcome('complete');
    outcome('failed');
    text = await registry.metrics();
    expect(sample(text, 'recordings_closed_total{status="complete"}')).toBe(2);
    expect(sample(text, 'recordings_closed_total{status="failed"}')).toBe(1);
    expect(sample(text, 'recordings_closed_total{status="recovered"}')).toBe(0);
  });

  it("reports the free space of the recordings' file system, before the folder exists too", async () => {
    const fs = await statfs(dir);
    const free = fs.bavail * fs.bsize;
    for (const root of [dir, join(dir, 'recordings', 'not-yet')]) {
      const registry = new Registry();
      registerRecordingMetrics(registry, root);
      const reported = sample(await registry.metrics(), 'recordings_disk_free_bytes');
      // Other writers on the machine move it a little between the two reads.
      expect(reported).toBeGreaterThan(free - 256 * 1024 * 1024);
      expect(reported).toBeLessThan(free + 256 * 1024 * 1024);
    }
  });
});
