// The timing both load generators keep (media-load-generator.ts, webrtc-browsers.ts): a
// drift-free send schedule, and their own timer lateness and CPU over the measured window, so a
// step they could not drive is told apart from one the server could not carry.
import { LoopLagProbe } from '../apps/server/src/media/loop-lag-probe';

const now = () => performance.now();

/** Runs `slot(k, lateMs)` at start + k·stepMs until `untilMs`, drift-free; resolves when done. */
export function schedule(
  stepMs: number,
  untilMs: number,
  slot: (k: number, lateMs: number) => void,
): Promise<void> {
  const start = now();
  let k = 0;
  return new Promise((resolve) => {
    const run = () => {
      const t = now();
      const due = Math.floor((t - start) / stepMs);
      for (; k <= due; k++) slot(k, t - (start + k * stepMs));
      if (t - start >= untilMs) return resolve();
      setTimeout(run, Math.max(0, start + k * stepMs - now()));
    };
    run();
  });
}

/** Timer lateness and CPU of this process over one measured window (see LoopLagProbe). */
export function loopMonitor(): { start(): void; stop(): { p99: number; max: number; cores: number } } {
  const probe = new LoopLagProbe();
  let cpu = process.cpuUsage();
  let at = 0;
  return {
    start: () => {
      probe.start();
      cpu = process.cpuUsage();
      at = now();
    },
    stop: () => {
      probe.stop();
      const used = process.cpuUsage(cpu);
      const lag = probe.read();
      return { p99: lag.p99Ms, max: lag.maxMs, cores: (used.user + used.system) / 1000 / (now() - at) };
    },
  };
}
