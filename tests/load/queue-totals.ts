/**
 * Each queue's figures recomputed from the event log alone, per ARCHITECTURE.md's metric
 * definitions, for comparison with what `/api/v1/stats/queues` publishes. A voicemail contact (the
 * message a caller left, queued for an agent: `attributes.voicemailFor` names the call) is not a
 * caller on the line; the wallboard counts it among the callbacks waiting, and so does this.
 */
import { QUEUE_OUTCOMES } from './call-ledger';
import type { LoggedEvent } from '../../apps/server/test/support/event-log';

/** A queue's counters over an interval, as `/api/v1/stats/queues` publishes them. */
export interface QueueTotals {
  readonly offered: number;
  readonly answered: number;
  readonly answeredWithinThreshold: number;
  readonly abandoned: number;
  readonly serviceLevel: number | null;
  readonly asaSeconds: number | null;
  readonly meanWaitSeconds: number | null;
  readonly abandonRate: number | null;
}

interface Tally {
  offered: number;
  answered: number;
  answeredWithinThreshold: number;
  abandoned: number;
  answeredWaitMs: number;
  totalWaitMs: number;
}

/**
 * Each queue's figures for contacts whose time in the queue ended at or after `since` (the start
 * of the statistics' "today"): a live contact is offered when it entered the queue and counts once
 * its wait ends (answered, abandoned, overflowed, turned into a callback); callbacks the center owes
 * and voicemail contacts are not callers waiting. Abandons shorter than the queue's short-abandon threshold are left out.
 */
export function queueTotals(events: readonly LoggedEvent[], since: number): Map<string, QueueTotals> {
  const config = new Map<string, { thresholdMs: number; shortAbandonMs: number }>();
  const waiting = new Map<string, { queueId: string; at: number }>();
  const tallies = new Map<string, Tally>();
  for (const e of events) {
    const d = e.data as Record<string, unknown> & { at: number; contactId: string; queueId: string };
    if (e.type === 'QueueConfigured') {
      const c = d.config as {
        queueId: string;
        serviceLevel: { thresholdSeconds: number };
        shortAbandonSeconds: number;
      };
      config.set(c.queueId, {
        thresholdMs: c.serviceLevel.thresholdSeconds * 1000,
        shortAbandonMs: c.shortAbandonSeconds * 1000,
      });
      if (!tallies.has(c.queueId)) tallies.set(c.queueId, emptyTally());
    } else if (e.type === 'ContactQueued' && d.kind === 'inbound' && !isVoicemailContact(e)) {
      waiting.set(d.contactId, { queueId: d.queueId, at: d.at });
    } else if (QUEUE_OUTCOMES.has(e.type)) {
      const entered = waiting.get(d.contactId);
      if (entered === undefined || entered.queueId !== d.queueId) continue;
      waiting.delete(d.contactId);
      if (d.at < since) continue;
      const wait = d.at - entered.at;
      const limits = config.get(d.queueId) ?? { thresholdMs: 20_000, shortAbandonMs: 0 };
      const t = tallies.get(d.queueId) ?? emptyTally();
      tallies.set(d.queueId, t);
      if (e.type === 'ContactAbandoned' && wait < limits.shortAbandonMs) continue;
      t.offered++;
      t.totalWaitMs += wait;
      if (e.type === 'ContactAnswered') {
        t.answered++;
        t.answeredWaitMs += wait;
        if (wait <= limits.thresholdMs) t.answeredWithinThreshold++;
      } else if (e.type === 'ContactAbandoned') t.abandoned++;
    }
  }
  const per = (x: number, n: number): number | null => (n === 0 ? null : x / n);
  return new Map(
    [...tallies].map(([queueId, t]) => [
      queueId,
      {
        offered: t.offered,
        answered: t.answered,
        answeredWithinThreshold: t.answeredWithinThreshold,
        abandoned: t.abandoned,
        serviceLevel: per(t.answeredWithinThreshold, t.offered),
        asaSeconds: per(t.answeredWaitMs / 1000, t.answered),
        meanWaitSeconds: per(t.totalWaitMs / 1000, t.offered),
        abandonRate: per(t.abandoned, t.offered),
      },
    ]),
  );
}

/** Whether an event queues a voicemail contact: one routing holds as inbound, naming the call. */
export function isVoicemailContact(e: LoggedEvent): boolean {
  if (e.type !== 'ContactQueued' || e.data.kind !== 'inbound') return false;
  const attributes = e.data.attributes as Readonly<Record<string, unknown>> | undefined;
  return typeof attributes?.['voicemailFor'] === 'string';
}

/** Routing events that take a contact out of its queue for good (a callback request does not). */
const LEAVES_QUEUE: ReadonlySet<string> = new Set([
  'ContactAnswered',
  'ContactAbandoned',
  'ContactOverflowed',
]);

/**
 * Voicemail contacts still waiting for an agent, per queue: the part of a queue's
 * `callbacksWaiting` that is not callback contacts. One stops waiting in its queue when answered,
 * abandoned or overflowed there (an overflow to another queue queues it there again), or when a
 * dial attempt fails for good.
 */
export function voicemailContactsWaiting(events: readonly LoggedEvent[]): Map<string, number> {
  const queueOf = new Map<string, string>();
  for (const e of events) {
    const contactId = String(e.data.contactId);
    if (isVoicemailContact(e)) queueOf.set(contactId, String(e.data.queueId));
    else if (LEAVES_QUEUE.has(e.type) && queueOf.get(contactId) === e.data.queueId) queueOf.delete(contactId);
    else if (e.type === 'ContactCallbackFailed' && e.data.retryAt === null) queueOf.delete(contactId);
  }
  const counts = new Map<string, number>();
  for (const queueId of queueOf.values()) counts.set(queueId, (counts.get(queueId) ?? 0) + 1);
  return counts;
}

function emptyTally(): Tally {
  return {
    offered: 0,
    answered: 0,
    answeredWithinThreshold: 0,
    abandoned: 0,
    answeredWaitMs: 0,
    totalWaitMs: 0,
  };
}
