/**
 * The end of a load: nothing left to happen. Waits (bounded: timed wrap-up is 30 s) until no
 * caller waits or rings in a queue, every agent is ready, every desk's requests are answered and
 * every call that arrived has ended in the event log.
 */
import type { AgentStatistics, QueueStatistics } from '@switchboard/contracts';
import type { AgentDesk } from './agent-desk';
import { readEventLog } from '../../apps/server/test/support/event-log';
import type { ApiSession } from './load-server';

/** Resolves once drained; fails after `timeoutMs` saying what was still going on. */
export async function waitForDrain(
  supervisor: ApiSession,
  desks: readonly AgentDesk[],
  dbFile: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await Promise.all(desks.map((d) => d.settled()));
    const [queues, agents] = await Promise.all([
      supervisor.get<QueueStatistics[]>('/api/v1/stats/queues'),
      supervisor.get<AgentStatistics[]>('/api/v1/stats/agents'),
    ]);
    const events = readEventLog(dbFile);
    const arrived = events.filter((e) => e.type === 'CallArrived').length;
    const ended = events.filter((e) => e.type === 'CallEnded').length;
    const inQueues = queues.body.reduce((n, q) => n + q.waiting + q.ringing, 0);
    const notReady = agents.body
      .filter((a) => a.status !== 'ready')
      .map((a) => `${a.displayName}:${a.status}`);
    if (inQueues === 0 && notReady.length === 0 && arrived === ended) return;
    if (Date.now() > deadline)
      throw new Error(
        `load did not drain: ${arrived} calls arrived, ${ended} ended, ${inQueues} callers in queues, ` +
          `agents not ready: ${notReady.join(' ')}`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}
