import type { Result } from '@switchboard/kernel';
import type { MediaWorkerHealth } from './media-worker-protocol';

/** What the server says once at start about its media workers' real-time priority. */
export interface RealtimeReport {
  readonly level: 'info' | 'warn';
  readonly fields: object;
  readonly message: string;
}

/**
 * The start-up report on the real-time priority asked for `priority`, from each worker's health.
 * A refusal is a warning, and so is a grant on every core: real-time threads that between them
 * can fill the machine leave the main thread and the runtime's helper threads, which they wait on,
 * no CPU at all (docs/adr/0009).
 */
export function realtimeReport(
  health: readonly Result<MediaWorkerHealth, unknown>[],
  priority: number,
  cores: number,
): RealtimeReport {
  const refused = health.flatMap((h) => (h.ok && h.value.realtimeRefused ? [h.value.realtimeRefused] : []));
  if (refused.length > 0)
    return {
      level: 'warn',
      fields: { priority, refused },
      message: refused.includes('EPERM')
        ? 'media workers run at ordinary priority: real-time priority needs CAP_SYS_NICE or LimitRTPRIO'
        : 'media workers run at ordinary priority: real-time priority refused',
    };
  const workers = health.length;
  if (workers >= cores)
    return {
      level: 'warn',
      fields: { priority, workers, cores },
      message:
        'media workers run at real-time priority on every core, which can starve the server’s other threads: ' +
        'run fewer (--media-workers)',
    };
  return { level: 'info', fields: { priority, workers }, message: 'media workers run at real-time priority' };
}
