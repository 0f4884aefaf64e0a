import type { Clock, Random, Rejection, Result, TenantId, TimerHandle, Timers } from '@switchboard/kernel';
import type { DigestHash } from '@switchboard/sip';
import { AddressList } from '../protection/address-list';
import type { TelephonyLogger } from '../telephony';
import type { CallerIdRequest } from './caller-id-rules';
import type { KeepaliveStatus } from './options-keepalive';
import { ProviderAddresses, type HostLookup } from './provider-addresses';
import { providerHop, providerTlsPeer } from './provider-requests';
import type { RegistrationStatus, RetryPolicy } from './provider-registration';
import type { TlsPeer } from '../transport/tls-peers';
import type { Trunk, TrunkProvider } from './trunk';
import { inboundRule, type InboundRule } from './trunk-matching';
import { routeThroughTrunk, type TrunkRoute } from './trunk-route';
import { TrunkSession, sessionKey, type SipSide } from './trunk-sessions';

/** The name the trunks' entries go by in telephony's {@link TlsPeers}. */
const TLS_OWNER = 'trunks';

/** The live state of one trunk, for the admin API and `/metrics`. */
export interface TrunkStatus {
  readonly trunkId: string;
  /** False for a disabled trunk, which neither registers nor admits calls. */
  readonly active: boolean;
  /** Registering trunks only. */
  readonly registration?: RegistrationStatus;
  readonly reachability: KeepaliveStatus;
  /** What the provider's host resolved to (INVITEs from there are the trunk's when registering). */
  readonly providerAddresses: readonly string[];
}

/** What {@link TrunkRuntime} needs. */
export interface TrunkRuntimeOptions {
  /** Every enabled trunk of every tenant. */
  readonly load: () => Promise<readonly Trunk[]>;
  readonly timers: Timers;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: TelephonyLogger;
  readonly hash?: DigestHash;
  readonly lookup?: HostLookup;
  readonly retry?: RetryPolicy;
  /** Reload from the database this often, for changes made through another node; default 60 s. */
  readonly reloadIntervalMs?: number;
  /** How long {@link TrunkRuntime.stop} waits for providers to confirm the unregistrations; 3 s. */
  readonly stopTimeoutMs?: number;
}

/**
 * This node's view of the enabled trunks: the inbound rules INVITE admission checks, the sessions
 * registering with providers and pinging them, and the outbound route. Reloaded after every change
 * through the admin API and periodically; sessions start once {@link attach} gave the SIP side.
 */
export class TrunkRuntime {
  private trunks: readonly Trunk[] = [];
  private rules: readonly InboundRule[] = [];
  /** Every rule's sources in one list: SIP protection asks it about every packet received. */
  private sources = new AddressList();
  private readonly sessions = new Map<string, TrunkSession>();
  private readonly addresses: ProviderAddresses;
  private side: SipSide | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly o: TrunkRuntimeOptions) {
    this.addresses = new ProviderAddresses(o.lookup);
  }

  /** The inbound rules of every enabled trunk. */
  inboundRules(): readonly InboundRule[] {
    return this.rules;
  }

  /** True when some enabled trunk admits calls from `address` (its allow-list or its provider). */
  isTrunkSource(address: string): boolean {
    return this.sources.has(address);
  }

  /** Starts the sessions over `side` (call control's transaction layer and our endpoint) and reloads. */
  async attach(side: SipSide): Promise<void> {
    this.side = side;
    await this.reload();
    this.schedule();
  }

  /** Reads the trunks again and starts, replaces or stops sessions to match; serialised. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(
      () => this.apply(),
      () => this.apply(),
    );
    return this.reloading;
  }

  /**
   * Stops every session and the periodic reload. Unregistrations are sent at once; shutdown waits
   * for the providers' answers only a few seconds (an unanswered REGISTER would hold it for Timer F).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.o.timers.clear(this.timer);
    await this.reloading.catch(() => undefined);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    let bound: TimerHandle | undefined;
    const timeout = new Promise<void>((resolve) => {
      bound = this.o.timers.set(this.o.stopTimeoutMs ?? 3_000, resolve);
    });
    await Promise.race([Promise.all(all.map((s) => s.stop())), timeout]);
    if (bound !== undefined) this.o.timers.clear(bound);
  }

  /** The status of `trunk` (enabled or not). */
  status(trunk: Trunk): TrunkStatus {
    const session = trunk.enabled ? this.sessions.get(trunk.id) : undefined;
    const registration =
      trunk.admission !== 'registration'
        ? undefined
        : (session?.registrationStatus() ?? ({ state: 'idle', failures: 0 } as const));
    return {
      trunkId: trunk.id,
      active: trunk.enabled && this.trunks.some((t) => t.id === trunk.id),
      ...(registration === undefined ? {} : { registration }),
      reachability: session?.reachability() ?? { state: 'unknown' },
      providerAddresses: trunk.provider === undefined ? [] : this.addresses.addresses(trunk.provider.host),
    };
  }

  /** Statuses of every enabled trunk, for the metrics. */
  statuses(): { trunk: Trunk; status: TrunkStatus }[] {
    return this.trunks.map((trunk) => ({ trunk, status: this.status(trunk) }));
  }

  /**
   * The route for a call to `number` through one of the tenant's enabled trunks that is not down,
   * with its caller-ID rules applied (`TRUNKS.NO_ROUTE`, `TRUNKS.INVALID_NUMBER`,
   * `TRUNKS.NO_CALLER_ID` otherwise).
   */
  route(tenantId: TenantId, number: string, callerId?: CallerIdRequest): Result<TrunkRoute, Rejection> {
    const local = this.side?.local;
    return routeThroughTrunk(
      {
        trunks: this.trunks.filter((t) => t.tenantId === tenantId),
        isUp: (id) => this.sessions.get(id)?.reachability().state !== 'down',
        hop: (trunk) =>
          local === undefined ? undefined : providerHop(trunk, local, (h) => this.addresses.sendTo(h)),
      },
      number,
      callerId,
    );
  }

  private async apply(): Promise<void> {
    if (this.stopped) return;
    let trunks: readonly Trunk[];
    try {
      trunks = await this.o.load();
    } catch (error) {
      this.o.logger.error({ err: error }, 'SIP trunks could not be loaded');
      return;
    }
    const hosts = trunks.flatMap((t) => [t.provider?.host, t.outboundProxy?.host]).filter(isDefined);
    for (const failure of await this.addresses.refresh(hosts))
      this.o.logger.warn(failure, 'SIP trunk provider host did not resolve');
    this.trunks = trunks;
    this.rules = trunks.map((t) => inboundRule(t, this.providerAddresses(t)));
    this.sources = new AddressList(this.rules.flatMap((r) => r.sources.entries));
    this.side?.tlsPeers?.configure(
      TLS_OWNER,
      trunks.flatMap((t) => this.tlsPeers(t)),
    );
    if (this.side !== undefined && !this.stopped) await this.reconcile(this.side);
  }

  private async reconcile(side: SipSide): Promise<void> {
    const wanted = new Map(
      this.trunks
        .filter((t): t is Trunk & { provider: TrunkProvider } => t.provider !== undefined)
        .map((t) => [t.id, t]),
    );
    const stopping: Promise<void>[] = [];
    for (const [id, session] of this.sessions) {
      const trunk = wanted.get(id);
      if (trunk !== undefined && sessionKey(trunk) === session.key) {
        session.trunk = trunk;
        wanted.delete(id);
        continue;
      }
      this.sessions.delete(id);
      stopping.push(session.stop());
    }
    // The old registration is removed before the new one is made (a changed account or provider).
    await Promise.all(stopping);
    for (const trunk of wanted.values()) {
      const session = new TrunkSession(trunk, side, {
        timers: this.o.timers,
        clock: this.o.clock,
        random: this.o.random,
        ...(this.o.hash === undefined ? {} : { hash: this.o.hash }),
        ...(this.o.retry === undefined ? {} : { retry: this.o.retry }),
        sendTo: (host) => this.addresses.sendTo(host),
        onRegistration: (t, status) => this.logRegistration(t, status),
        onReachability: (t, status) => this.logReachability(t, status),
      });
      this.sessions.set(trunk.id, session);
      session.start();
    }
  }

  /** The TLS identity of a trunk's next hop at every address requests to it may go to. */
  private tlsPeers(trunk: Trunk): TlsPeer[] {
    if (trunk.provider === undefined) return [];
    const next = trunk.outboundProxy ?? trunk.provider;
    const addresses = [...this.addresses.addresses(next.host), this.addresses.sendTo(next.host)];
    return providerTlsPeer({ ...trunk, provider: trunk.provider }, addresses) ?? [];
  }

  private providerAddresses(trunk: Trunk): string[] {
    return [trunk.provider?.host, trunk.outboundProxy?.host]
      .filter(isDefined)
      .flatMap((h) => this.addresses.addresses(h));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.o.timers.set(this.o.reloadIntervalMs ?? 60_000, () => {
      void this.reload().finally(() => this.schedule());
    });
  }

  private logRegistration(trunk: Trunk, status: RegistrationStatus): void {
    const fields = { trunkId: trunk.id, trunk: trunk.name, tenantId: trunk.tenantId, ...status };
    if (status.state === 'failed') this.o.logger.warn(fields, 'SIP trunk registration failed');
    else if (status.state === 'registered' || status.state === 'unregistered')
      this.o.logger.info(fields, `SIP trunk ${status.state}`);
  }

  private logReachability(trunk: Trunk, status: KeepaliveStatus): void {
    const fields = { trunkId: trunk.id, trunk: trunk.name, tenantId: trunk.tenantId, ...status };
    if (status.state === 'down') this.o.logger.warn(fields, 'SIP trunk provider down');
    else this.o.logger.info(fields, 'SIP trunk provider up');
  }
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
