/**
 * How each call of the load ended up, from the event log alone (independently of the server's
 * projections): answered, abandoned, voicemail, callback, or where it was lost; the callback
 * contacts the queues' policy created; and how many calls were up at once.
 */
import type { LoggedEvent } from '../../apps/server/test/support/event-log';

/** How a call that reached the server ended up; the first four are the accounted outcomes. */
export type CallOutcome =
  'answered' | 'abandoned' | 'voicemail' | 'callback' | 'hung-up-by-queue' | 'left-in-ivr' | 'unaccounted';

/** Outcomes the issue accepts for a call of the load. */
export const ACCOUNTED: ReadonlySet<CallOutcome> = new Set([
  'answered',
  'abandoned',
  'voicemail',
  'callback',
]);

/** One call as the log tells it. */
export interface CallRecord {
  readonly contactId: string;
  readonly callId: string;
  readonly arrivedAt: number;
  /** `CallEnded` events of the call (exactly one when all is well). */
  readonly ends: readonly LoggedEvent[];
  /**
   * Who hung up the conversation: the agent when they ended it and the caller stayed for the
   * post-call survey (`CallConversationEnded`), else the party of the call's end.
   */
  readonly hungUpBy: string | undefined;
  /** Routing outcomes of the contact (answered, abandoned, overflowed, callback): at most one. */
  readonly queueOutcomes: readonly LoggedEvent[];
  readonly queuedTo: readonly string[];
  readonly priority: number | undefined;
  /** Keys chosen in IVR menus, in order. */
  readonly menuKeys: readonly string[];
  readonly outcome: CallOutcome;
}

/** Routing events that end a contact's time in a queue. */
export const QUEUE_OUTCOMES: ReadonlySet<string> = new Set([
  'ContactAnswered',
  'ContactAbandoned',
  'ContactOverflowed',
  'ContactCallbackRequested',
]);

/**
 * Every call that arrived (`CallArrived`), with what its contact stream says happened to it. A
 * caller who hung up while queued and whom the queue's policy turned into a callback contact (one
 * whose `originContactId` is the call's) counts as a callback: the center owes them the call.
 */
export function callLedger(events: readonly LoggedEvent[]): CallRecord[] {
  const byStream = new Map<string, LoggedEvent[]>();
  for (const e of events) {
    const list = byStream.get(e.streamId) ?? [];
    list.push(e);
    byStream.set(e.streamId, list);
  }
  const calledBack = new Set(callbackContacts(events).map((c) => c.originContactId));
  return events
    .filter((e) => e.type === 'CallArrived')
    .map((arrived) => {
      const stream = byStream.get(arrived.streamId) ?? [];
      const queueOutcomes = stream.filter((e) => QUEUE_OUTCOMES.has(e.type));
      const queued = stream.filter((e) => e.type === 'ContactQueued');
      const ends = stream.filter((e) => e.type === 'CallEnded');
      return {
        contactId: String(arrived.data.contactId),
        callId: String(arrived.data.callId),
        arrivedAt: Number(arrived.data.at),
        ends,
        hungUpBy: partyOf(stream.find((e) => e.type === 'CallConversationEnded') ?? ends[0]),
        queueOutcomes,
        queuedTo: queued.map((e) => String(e.data.queueId)),
        priority: queued[0] === undefined ? undefined : Number(queued[0].data.priority),
        menuKeys: stream.filter((e) => e.type === 'IvrMenuChoiceMade').map((e) => String(e.data.digit)),
        outcome: outcomeOf(stream, queueOutcomes, ends, calledBack.has(String(arrived.data.contactId))),
      };
    });
}

function partyOf(event: LoggedEvent | undefined): string | undefined {
  return event === undefined ? undefined : String(event.data.party);
}

function outcomeOf(
  stream: readonly LoggedEvent[],
  queueOutcomes: readonly LoggedEvent[],
  ends: readonly LoggedEvent[],
  calledBack: boolean,
): CallOutcome {
  const last = queueOutcomes.at(-1);
  // Reached voicemail (from the IVR or a queue's overflow), whether a message was kept or not.
  if (ends[0]?.data.stage === 'voicemail' || stream.some((e) => e.type.startsWith('Voicemail')))
    return 'voicemail';
  if (last === undefined) {
    const stage = ends[0]?.data.stage;
    return stage === 'ivr' && !stream.some((e) => e.type === 'ContactQueued') ? 'left-in-ivr' : 'unaccounted';
  }
  switch (last.type) {
    case 'ContactAnswered':
      return 'answered';
    case 'ContactAbandoned':
      return calledBack ? 'callback' : 'abandoned';
    case 'ContactCallbackRequested':
      return 'callback';
    default: {
      const action = (last.data.action as { kind?: string } | undefined)?.kind;
      if (action === 'voicemail') return 'voicemail';
      if (action === 'callback') return 'callback';
      return action === 'hang-up' ? 'hung-up-by-queue' : 'unaccounted';
    }
  }
}

/** A callback contact (`kind: callback`) and where it stands. */
export interface CallbackContact {
  readonly contactId: string;
  readonly originContactId: string | null;
  readonly queueId: string;
  /** Dial attempts that failed. */
  readonly failures: number;
  /** Still owed: not answered, and not given up after its last attempt. */
  readonly pending: boolean;
}

/** Every callback contact routing created, from its stream. */
export function callbackContacts(events: readonly LoggedEvent[]): CallbackContact[] {
  const callbacks = new Map<string, { queued: LoggedEvent; later: LoggedEvent[] }>();
  for (const e of events) {
    const contactId = String(e.data.contactId);
    if (e.type === 'ContactQueued' && e.data.kind === 'callback')
      callbacks.set(contactId, { queued: e, later: [] });
    else callbacks.get(contactId)?.later.push(e);
  }
  return [...callbacks].map(([contactId, { queued, later }]) => {
    const failed = later.filter((e) => e.type === 'ContactCallbackFailed');
    const gaveUp = failed.some((e) => e.data.retryAt === null);
    const answered = later.some((e) => e.type === 'ContactAnswered');
    return {
      contactId,
      originContactId: queued.data.originContactId == null ? null : String(queued.data.originContactId),
      queueId: String(queued.data.queueId),
      failures: failed.length,
      pending: !gaveUp && !answered,
    };
  });
}

/**
 * Callers the queues' policies owe a callback: those who hung up while waiting in a queue whose
 * callback policy takes abandons, after waiting at least its minimum, with a number to call.
 */
export function callbacksOwed(events: readonly LoggedEvent[]): Set<string> {
  const policy = new Map<string, { onAbandon: boolean; minWaitMs: number }>();
  const waiting = new Map<string, { at: number; number: unknown }>();
  const owed = new Set<string>();
  for (const e of events) {
    const d = e.data as Record<string, unknown> & { at: number; contactId: string; queueId: string };
    if (e.type === 'QueueConfigured') {
      const c = d.config as { queueId: string; callback: { onAbandon: boolean; minWaitSeconds: number } };
      policy.set(c.queueId, { onAbandon: c.callback.onAbandon, minWaitMs: c.callback.minWaitSeconds * 1000 });
    } else if (e.type === 'ContactQueued' && d.kind === 'inbound') {
      waiting.set(d.contactId, { at: d.at, number: d.callbackNumber });
    } else if (e.type === 'ContactAbandoned') {
      const entered = waiting.get(d.contactId);
      const p = policy.get(d.queueId);
      if (entered && p?.onAbandon && entered.number != null && d.at - entered.at >= p.minWaitMs)
        owed.add(d.contactId);
    }
  }
  return owed;
}

/** The most calls up at once on the server: between each `CallArrived` and its `CallEnded`. */
export function maxConcurrentCalls(calls: readonly CallRecord[]): number {
  const steps: [number, number][] = [];
  for (const c of calls) {
    steps.push([c.arrivedAt, 1]);
    const end = c.ends[0];
    if (end !== undefined) steps.push([Number(end.data.at), -1]);
  }
  // At one instant an end is counted before an arrival: the two calls were not up together.
  steps.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let up = 0;
  let max = 0;
  for (const [, delta] of steps) max = Math.max(max, (up += delta));
  return max;
}
