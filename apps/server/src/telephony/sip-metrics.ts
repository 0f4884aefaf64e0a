/**
 * SIP counters for `/metrics`. Labels take values from closed sets (transport tokens, known methods,
 * drop reasons, parser codes), never from what a peer wrote, so a scanner cannot blow up cardinality.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { SipMethod } from '@switchboard/sip';
import type { SipProtocol } from './transport/sip-transport';

/** Why a message was not handed to the handler, or a request got no real answer. */
export type SipDropReason =
  | 'banned'
  | 'rate_limited'
  | 'scanner'
  | 'oversize'
  | 'malformed_request'
  | 'malformed_response'
  | 'unanswerable'
  | 'stray_response'
  | 'too_many_in_flight'
  | 'too_many_transactions'
  | 'overloaded'
  | 'send_failed'
  | 'internal_error';

/** Why digest authentication did not succeed. */
export type SipAuthOutcome = 'challenged' | 'failed' | 'stale' | 'succeeded';

/** What the SIP layers count. */
export interface SipMetrics {
  received(protocol: SipProtocol, kind: 'request' | 'response', method?: string): void;
  dropped(protocol: SipProtocol, reason: SipDropReason): void;
  parseError(code: string): void;
  responseSent(status: number): void;
  auth(outcome: SipAuthOutcome): void;
  banned(): void;
  connectionRefused(protocol: SipProtocol): void;
}

const KNOWN_METHODS = new Set<string>(Object.values(SipMethod));

/** Live values read at scrape time. */
export interface SipGaugeSources {
  readonly bindings: () => number;
  readonly connections: () => Readonly<Partial<Record<SipProtocol, number>>>;
  readonly bannedSources: () => number;
}

/**
 * Registers the SIP metrics on `registry` (the one `/metrics` serves) and returns the recorder:
 * `sip_messages_received_total{transport,kind,method}`, `sip_messages_dropped_total{transport,reason}`,
 * `sip_parse_errors_total{code}`, `sip_responses_sent_total{status}`, `sip_auth_total{outcome}`,
 * `sip_bans_total`, `sip_connections_refused_total{transport}`, and the gauges
 * `sip_registered_contacts`, `sip_connections{transport}`, `sip_banned_sources`.
 */
export function registerSipMetrics(registry: Registry, gauges: SipGaugeSources): SipMetrics {
  const registers = [registry];
  const pendingReceived = new PendingCounts<'transport' | 'kind' | 'method'>();
  const pendingResponses = new PendingCounts<'status'>();
  // Registered here and counted through the pending counts above, flushed at collection.
  new Counter({
    name: 'sip_messages_received_total',
    help: 'SIP messages parsed, by transport, kind and method (other for unknown methods)',
    labelNames: ['transport', 'kind', 'method'] as const,
    registers,
    collect() {
      pendingReceived.flushInto(this);
    },
  });
  const dropped = new Counter({
    name: 'sip_messages_dropped_total',
    help: 'SIP messages dropped or refused before reaching a handler, by reason',
    labelNames: ['transport', 'reason'] as const,
    registers,
  });
  const parseErrors = new Counter({
    name: 'sip_parse_errors_total',
    help: 'SIP messages the parser refused, by rejection code',
    labelNames: ['code'] as const,
    registers,
  });
  new Counter({
    name: 'sip_responses_sent_total',
    help: 'SIP responses sent, by status code',
    labelNames: ['status'] as const,
    registers,
    collect() {
      pendingResponses.flushInto(this);
    },
  });
  const auth = new Counter({
    name: 'sip_auth_total',
    help: 'SIP digest authentication outcomes',
    labelNames: ['outcome'] as const,
    registers,
  });
  const bans = new Counter({ name: 'sip_bans_total', help: 'SIP sources banned', registers });
  const refused = new Counter({
    name: 'sip_connections_refused_total',
    help: 'SIP connections refused at the connection limit',
    labelNames: ['transport'] as const,
    registers,
  });
  registerGauges(registry, gauges);
  return {
    received: (transport, kind, method) => {
      const m = method === undefined ? '' : methodLabel(method);
      pendingReceived.add(`${transport} ${kind} ${m}`, () => ({ transport, kind, method: m }));
    },
    dropped: (transport, reason) => dropped.inc({ transport, reason }),
    parseError: (code) => parseErrors.inc({ code }),
    responseSent: (status) => pendingResponses.add(String(status), () => ({ status: String(status) })),
    auth: (outcome) => auth.inc({ outcome }),
    banned: () => bans.inc(),
    connectionRefused: (transport) => refused.inc({ transport }),
  };
}

function registerGauges(registry: Registry, sources: SipGaugeSources): void {
  new Gauge({
    name: 'sip_registered_contacts',
    help: 'Registered contacts (bindings) not yet expired',
    registers: [registry],
    collect() {
      this.set(sources.bindings());
    },
  });
  new Gauge({
    name: 'sip_connections',
    help: 'Open SIP connections by transport',
    labelNames: ['transport'] as const,
    registers: [registry],
    collect() {
      for (const [transport, n] of Object.entries(sources.connections())) this.set({ transport }, n ?? 0);
    },
  });
  new Gauge({
    name: 'sip_banned_sources',
    help: 'Source addresses currently banned',
    registers: [registry],
    collect() {
      this.set(sources.bannedSources());
    },
  });
}

/**
 * Increments kept per label set until their counter is collected (a scrape, or `get()`):
 * prom-client hashes the label object of every `inc` (keys sorted and joined), about a
 * microsecond, and SIP counts several times per message. Entries stay once made: the label values
 * come from closed sets.
 */
class PendingCounts<L extends string> {
  private readonly counts = new Map<string, { readonly labels: Partial<Record<L, string>>; n: number }>();

  /** One more for the label set `key` names; `labels` is called the first time `key` is seen. */
  add(key: string, labels: () => Partial<Record<L, string>>): void {
    const entry = this.counts.get(key);
    if (entry !== undefined) entry.n += 1;
    else this.counts.set(key, { labels: labels(), n: 1 });
  }

  flushInto(counter: Counter<L>): void {
    for (const entry of this.counts.values()) {
      if (entry.n === 0) continue;
      counter.inc(entry.labels, entry.n);
      entry.n = 0;
    }
  }
}

function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'other';
}

/** A recorder that records nothing, for tests that do not read metrics. */
export const noSipMetrics: SipMetrics = {
  received: () => undefined,
  dropped: () => undefined,
  parseError: () => undefined,
  responseSent: () => undefined,
  auth: () => undefined,
  banned: () => undefined,
  connectionRefused: () => undefined,
};
