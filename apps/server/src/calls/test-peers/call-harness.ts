import { seededRandom, sequentialIds } from '@switchboard/kernel';
import { sipUri, type Dialog, type ServerTransaction, type SipRequest } from '@switchboard/sip';
import { CallControl, type CallControlOptions } from '../call-control';
import type { OriginateRequest } from '../call-commands';
import type { CallEvent, LegId } from '../call-events';
import { InMemoryMedia } from '../in-memory-media';
import { UNKNOWN_NUMBER, type InboundCallHandler, type InboundDecision } from '../inbound-call-handler';
import type { MediaPort } from '../media-port';
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

/** Where the trunk of the tests sends from. */
export const TRUNK_HOST = '198.51.100.7';

/** A phone of {@link agentPhones}: its host is given unless the test sets one. */
export type AgentPhoneOptions = Omit<TestPhoneOptions, 'host'> & { host?: string };

/**
 * Our B2BUA on the wire: {@link CallControl} at {@link B2BUA}, seeded so that runs repeat, taking
 * every datagram the wire delivers there.
 */
export function b2buaOnWire(
  wire: SipWire,
  clock: SteppingClock,
  parts: {
    readonly media: MediaPort;
    readonly inbound: InboundCallHandler;
    readonly ringTimeoutMs?: CallControlOptions['ringTimeoutMs'];
    readonly referTargets?: CallControlOptions['referTargets'];
    readonly rejoinGraceMs?: CallControlOptions['rejoinGraceMs'];
    readonly identify?: PeerIdentifier;
  },
): CallControl {
  const options: CallControlOptions = {
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
    media: parts.media,
    inbound: parts.inbound,
    ringTimeoutMs: parts.ringTimeoutMs,
    referTargets: parts.referTargets,
    rejoinGraceMs: parts.rejoinGraceMs,
  };
  const identify = parts.identify;
  const control =
    identify === undefined ? new CallControl(options) : new IdentifiedCallControl(options, identify);
  wire.listen(B2BUA.host, B2BUA.port, (m, s) => control.core.layer.receive(m, s));
  return control;
}

/**
 * Who sent an out-of-dialog INVITE, as the server's admission gate would say after digest: the
 * address of record of the extension, or undefined. Stands in for the gate, not for a phone.
 */
export type PeerIdentifier = (request: SipRequest) => string | undefined;

/** Call control whose new INVITEs carry the identity {@link PeerIdentifier} gives them. */
class IdentifiedCallControl extends CallControl {
  constructor(
    options: CallControlOptions,
    private readonly identify: PeerIdentifier,
  ) {
    super(options);
  }

  override receiveRequest(
    request: SipRequest,
    transaction: ServerTransaction,
    dialog: Dialog | undefined,
  ): void {
    if (dialog === undefined && request.method === 'INVITE')
      this.receiveInvite(request, transaction, this.identify(request));
    else super.receiveRequest(request, transaction, dialog);
  }
}

/** The trunk phone at {@link TRUNK_HOST}. */
export function trunkPhone(wire: SipWire, clock: SteppingClock): TestPhone {
  return new TestPhone(wire, clock, { host: TRUNK_HOST, seed: 1 });
}

/** Named agent phones at 192.0.2.11, .12, … in the order given, each with its own seed. */
export function agentPhones(
  wire: SipWire,
  clock: SteppingClock,
  phones: Readonly<Record<string, AgentPhoneOptions>>,
): Record<string, TestPhone> {
  const out: Record<string, TestPhone> = {};
  Object.entries(phones).forEach(([name, o], i) => {
    out[name] = new TestPhone(wire, clock, { host: `192.0.2.${11 + i}`, seed: 10 + i, ...o });
  });
  return out;
}

/** Options of {@link callHarness}. */
export interface HarnessOptions {
  readonly phones?: Readonly<Record<string, AgentPhoneOptions>>;
  readonly inbound?: InboundCallHandler;
  readonly wire?: SipWireOptions;
  readonly ringTimeoutMs?: number;
  /** Where phones' REFERs go; none declines them. */
  readonly referTargets?: CallControlOptions['referTargets'];
  readonly rejoinGraceMs?: number;
  /** The identity each new INVITE proved (the admission gate's digest); none without it. */
  readonly identify?: PeerIdentifier;
}

/**
 * A B2BUA ({@link CallControl} over {@link InMemoryMedia}) and scripted phones on one lossy-capable
 * wire and one stepping virtual clock: a trunk at {@link TRUNK_HOST} and the named agent phones at
 * 192.0.2.11, .12, … .
 */
export function callHarness(options: HarnessOptions = {}) {
  const clock = new SteppingClock(1_000_000);
  const wire = new SipWire(clock, options.wire);
  const media = new InMemoryMedia();
  const control = b2buaOnWire(wire, clock, {
    media,
    inbound: options.inbound ?? numberPlan({ [HOTLINE]: { action: 'answer' } }),
    ringTimeoutMs: options.ringTimeoutMs,
    referTargets: options.referTargets,
    rejoinGraceMs: options.rejoinGraceMs,
    identify: options.identify,
  });
  const events: CallEvent[] = [];
  control.onEvent((e) => events.push(e));
  const trunk = trunkPhone(wire, clock);
  const phones = agentPhones(wire, clock, options.phones ?? {});
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

/**
 * The trunk calls the hotline, the B2BUA answers, originates to the named phone and bridges the
 * two; returns both legs 100 ms after the bridge was asked for.
 */
export async function dialAndBridge(h: Harness, phone = 'alice'): Promise<{ caller: string; agent: string }> {
  await h.dial();
  await h.clock.run(100);
  const caller = h.first('LegOffered')!.legId;
  const out = await h.control.execute({ type: 'Originate', request: h.ring(phone) });
  const agent = out.ok ? out.value.legId! : '';
  await h.control.execute({ type: 'Bridge', legIds: [caller, agent] });
  await h.clock.run(100);
  return { caller, agent };
}

/** Nothing alive: the value `drain()` must return after a test. */
export const NOTHING_LEFT = {
  legs: 0,
  forks: 0,
  links: 0,
  transfers: 0,
  exchanges: 0,
  dialogs: 0,
  transactions: 0,
  rejoins: 0,
  silentLegs: 0,
  media: 0,
  timers: 0,
};
