import { seededRandom, sequentialIds } from '@switchboard/kernel';
import { sipUri } from '@switchboard/sip';
import { CallControl } from '../call-control';
import type { OriginateRequest } from '../call-commands';
import type { CallEvent, LegId } from '../call-events';
import { InMemoryMedia } from '../in-memory-media';
import { UNKNOWN_NUMBER, type InboundCallHandler, type InboundDecision } from '../inbound-call-handler';
import { SipWire, type SipWireOptions } from './sip-wire';
import { SteppingClock } from './stepping-clock';
import { TestPhone, type TestPhoneOptions } from './test-phone';

/** Our B2BUA's address on the test wire. */
export const B2BUA = { host: '203.0.113.10', port: 5060 };
/** The hotline the default number plan knows. */
export const HOTLINE = '4008001234';

/**
 * The inbound handler of the tests: a number plan from dialed number to decision; any other number
 * gets 404 (the server's entry-point lookup will do the same).
 */
export function numberPlan(
  plan: Readonly<Record<string, InboundDecision>>,
): InboundCallHandler & { offered: string[] } {
  const offered: string[] = [];
  return {
    offered,
    offer: (o) => {
      offered.push(o.dialed);
      return plan[o.dialed] ?? UNKNOWN_NUMBER;
    },
  };
}

/** Options of {@link callHarness}. */
export interface HarnessOptions {
  readonly phones?: Readonly<Record<string, Omit<TestPhoneOptions, 'host'> & { host?: string }>>;
  readonly inbound?: InboundCallHandler;
  readonly wire?: SipWireOptions;
  readonly ringTimeoutMs?: number;
}

/**
 * A B2BUA ({@link CallControl} over {@link InMemoryMedia}) and scripted phones on one lossy-capable
 * wire and one stepping virtual clock: a trunk at 198.51.100.7 and the named agent phones at
 * 192.0.2.11, .12, … .
 */
export function callHarness(options: HarnessOptions = {}) {
  const clock = new SteppingClock(1_000_000);
  const wire = new SipWire(clock, options.wire);
  const media = new InMemoryMedia();
  const control = new CallControl({
    transport: wire.transport(B2BUA.host, B2BUA.port),
    local: {
      contact: { uri: sipUri({ host: B2BUA.host, port: B2BUA.port }), params: {} },
      transport: 'UDP',
      ...B2BUA,
    },
    clock,
    timers: clock,
    random: seededRandom(42),
    ids: sequentialIds('leg'),
    media,
    inbound: options.inbound ?? numberPlan({ [HOTLINE]: { action: 'answer' } }),
    ringTimeoutMs: options.ringTimeoutMs,
  });
  wire.listen(B2BUA.host, B2BUA.port, (m, s) => control.core.layer.receive(m, s));
  const events: CallEvent[] = [];
  control.onEvent((e) => events.push(e));
  const trunk = new TestPhone(wire, clock, { host: '198.51.100.7', seed: 1 });
  const phones: Record<string, TestPhone> = {};
  Object.entries(options.phones ?? {}).forEach(([name, o], i) => {
    phones[name] = new TestPhone(wire, clock, { host: `192.0.2.${11 + i}`, seed: 10 + i, ...o });
  });
  return {
    clock,
    wire,
    media,
    control,
    events,
    trunk,
    phones,
    /** The trunk dials `number` at the B2BUA. */
    dial: (number = HOTLINE) => trunk.dial(`sip:${number}@${B2BUA.host}`, B2BUA),
    /** An originate request ringing the given phones in parallel. */
    ring: (...names: string[]): OriginateRequest => ({
      targets: names.map((n) => ({ uri: `sip:phone@${phones[n]!.host}:${phones[n]!.port}` })),
      callerId: { number: '13912345678', name: 'Caller' },
    }),
    /** Event types in order, optionally only those of one leg. */
    types: (legId?: LegId) =>
      events.filter((e) => legId === undefined || ('legId' in e && e.legId === legId)).map((e) => e.type),
    /** The first event of `type`. */
    first: <T extends CallEvent['type']>(type: T) =>
      events.find((e) => e.type === type) as Extract<CallEvent, { type: T }> | undefined,
    /** Every event of `type`. */
    all: <T extends CallEvent['type']>(type: T) =>
      events.filter((e) => e.type === type) as Extract<CallEvent, { type: T }>[],
    /** Runs every timer out and returns what is still alive (all zero when nothing leaked). */
    drain: async () => {
      await clock.runAll();
      return { ...control.activity(), media: media.openCount, timers: clock.pendingCount };
    },
  };
}

/** What {@link callHarness} returns. */
export type Harness = ReturnType<typeof callHarness>;

/** Nothing alive: the value `drain()` must return after a test. */
export const NOTHING_LEFT = {
  legs: 0,
  forks: 0,
  links: 0,
  transfers: 0,
  exchanges: 0,
  dialogs: 0,
  transactions: 0,
  media: 0,
  timers: 0,
};
