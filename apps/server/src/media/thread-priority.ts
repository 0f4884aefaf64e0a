import { getSystemErrorName } from 'node:util';
import { err, ok, type Result } from '@switchboard/kernel';
import { loadNativeAddon } from './native-addon';

/** A thread's scheduling as the kernel has it. */
export interface ThreadScheduling {
  /** The thread's id: `/proc/<pid>/task/<tid>`. */
  readonly tid: number;
  readonly policy: 'other' | 'fifo' | 'rr' | 'batch' | 'idle' | 'unknown';
  /** The real-time priority (1–99); 0 under the ordinary policies. */
  readonly priority: number;
}

/** The native half (apps/server/native/thread_priority.c). */
interface ThreadPriorityBinding {
  setRealtime(priority: number): number;
  scheduling(): ThreadScheduling;
}

let binding: ThreadPriorityBinding | undefined | null = null;

function loadBinding(): ThreadPriorityBinding | undefined {
  if (binding === null) binding = loadNativeAddon<ThreadPriorityBinding>('thread_priority');
  return binding;
}

/**
 * Runs the calling thread under SCHED_RR at `priority` (1–99), so it takes a CPU from ordinary
 * threads as soon as it has work. Refused with the errno's name: `EPERM` without CAP_SYS_NICE or
 * an RLIMIT_RTPRIO of at least `priority` (systemd: `LimitRTPRIO=`), `EINVAL` for a priority out
 * of range, `EUNAVAILABLE` where the native half is not built or not Linux.
 */
export function setRealtimePriority(priority: number): Result<void, string> {
  const native = loadBinding();
  if (native === undefined) return err('EUNAVAILABLE');
  const errno = native.setRealtime(priority);
  return errno === 0 ? ok(undefined) : err(getSystemErrorName(-errno));
}

/** The calling thread's scheduling, or undefined where the native half is not available. */
export function threadScheduling(): ThreadScheduling | undefined {
  return loadBinding()?.scheduling();
}
