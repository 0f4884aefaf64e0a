import { describe, expect, it } from 'vitest';
import { err, ok } from '@switchboard/kernel';
import { IDLE_WORKER_ACTIVITY, type MediaWorkerHealth } from './media-worker-protocol';
import { realtimeReport } from './realtime-report';

const worker = (realtimeRefused?: string): MediaWorkerHealth => ({
  activity: IDLE_WORKER_ACTIVITY,
  ticker: { ticks: 0, lateTicks: 0, maxLateMs: 0, skippedFrames: 0 },
  timerLag: { p99Ms: 0, maxMs: 0, samples: 0 },
  ...(realtimeRefused === undefined ? {} : { realtimeRefused }),
});

describe('realtimeReport', () => {
  it('says at info level that workers on fewer than all cores got the priority', () => {
    expect(realtimeReport([ok(worker())], 10, 2)).toEqual({
      level: 'info',
      fields: { priority: 10, workers: 1 },
      message: 'media workers run at real-time priority',
    });
  });

  it('warns when real-time workers take every core, naming the setting that runs fewer', () => {
    const report = realtimeReport([ok(worker()), ok(worker())], 10, 2);
    expect(report.level).toBe('warn');
    expect(report.fields).toEqual({ priority: 10, workers: 2, cores: 2 });
    expect(report.message).toContain('every core');
    expect(report.message).toContain('--media-workers');
  });

  it('warns of a refusal with the capability to grant when the kernel said EPERM', () => {
    const report = realtimeReport([ok(worker('EPERM')), ok(worker('EPERM'))], 10, 4);
    expect(report).toEqual({
      level: 'warn',
      fields: { priority: 10, refused: ['EPERM', 'EPERM'] },
      message: 'media workers run at ordinary priority: real-time priority needs CAP_SYS_NICE or LimitRTPRIO',
    });
  });

  it('reports any other refusal as such, even on every core, and skips workers that did not answer', () => {
    const report = realtimeReport([ok(worker('EINVAL')), err('timeout')], 100, 2);
    expect(report.level).toBe('warn');
    expect(report.fields).toEqual({ priority: 100, refused: ['EINVAL'] });
    expect(report.message).toBe('media workers run at ordinary priority: real-time priority refused');
  });
});
