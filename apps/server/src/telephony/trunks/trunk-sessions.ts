import type { Clock, Random, Timers } from '@switchboard/kernel';
import type { DigestHash, LocalEndpoint } from '@switchboard/sip';
import { OptionsKeepalive, type KeepaliveStatus } from './options-keepalive';
import { providerHop, type ProviderHop } from './provider-requests';
import {
  ProviderRegistration,
  type RegistrationStatus,
  type RequestSender,
  type RetryPolicy,
} from './provider-registration';
import type { TlsPeers } from '../transport/tls-peers';
import type { Trunk, TrunkProvider } from './trunk';

/** Where the sessions send from: the transaction layer that receives the answers, and our endpoint. */
export interface SipSide {
  readonly sender: RequestSender;
  readonly local: LocalEndpoint;
  /**
   * Where trunks over TLS say who their providers are (telephony's); without it a provider's
   * certificate is checked against its address alone.
   */
  readonly tlsPeers?: Pick<TlsPeers, 'configure'>;
}

/** What {@link TrunkSession}s are built with. */
export interface TrunkSessionDeps {
  readonly timers: Timers;
  readonly clock: Clock;
  readonly random: Random;
  readonly hash?: DigestHash;
  readonly retry?: RetryPolicy;
  /** The address to send to for a provider host. */
  readonly sendTo: (host: string) => string;
  readonly onRegistration: (trunk: Trunk, status: RegistrationStatus) => void;
  readonly onReachability: (trunk: Trunk, status: KeepaliveStatus) => void;
}

type ProvidedTrunk = Trunk & { readonly provider: TrunkProvider };

/**
 * The running side of one enabled trunk with a provider: its registration (registering trunks) and
 * its OPTIONS keepalive (when the interval is not 0). Replaced, never changed, when the settings
 * it depends on change (see {@link sessionKey}).
 */
export class TrunkSession {
  readonly key: string;
  private readonly registration: ProviderRegistration | undefined;
  private readonly keepalive: OptionsKeepalive | undefined;

  constructor(
    public trunk: ProvidedTrunk,
    side: SipSide,
    deps: TrunkSessionDeps,
  ) {
    this.key = sessionKey(trunk);
    const hop = (): ProviderHop => providerHop(this.trunk, side.local, deps.sendTo);
    const { account } = trunk;
    if (trunk.admission === 'registration' && account !== undefined) {
      this.registration = new ProviderRegistration({
        account,
        expires: trunk.registerExpires,
        hop,
        sender: side.sender,
        timers: deps.timers,
        clock: deps.clock,
        random: deps.random,
        ...(deps.hash === undefined ? {} : { hash: deps.hash }),
        ...(deps.retry === undefined ? {} : { retry: deps.retry }),
        onChange: (status) => deps.onRegistration(this.trunk, status),
      });
    }
    if (trunk.keepaliveSeconds > 0) {
      this.keepalive = new OptionsKeepalive({
        hop,
        sender: side.sender,
        timers: deps.timers,
        clock: deps.clock,
        intervalMs: trunk.keepaliveSeconds * 1000,
        onChange: (status) => deps.onReachability(this.trunk, status),
      });
    }
  }

  start(): void {
    this.registration?.start();
    this.keepalive?.start();
  }

  /** Stops the keepalive and unregisters; resolves when the provider answered or gave up. */
  async stop(): Promise<void> {
    this.keepalive?.stop();
    await this.registration?.stop();
  }

  registrationStatus(): RegistrationStatus | undefined {
    return this.registration?.status();
  }

  reachability(): KeepaliveStatus {
    return this.keepalive?.status() ?? { state: 'unknown' };
  }
}

/** The settings a session depends on: a change to any of them replaces the session. */
export function sessionKey(trunk: Trunk): string {
  return JSON.stringify([
    trunk.admission,
    trunk.provider,
    trunk.outboundProxy,
    trunk.account,
    trunk.registerExpires,
    trunk.keepaliveSeconds,
  ]);
}
