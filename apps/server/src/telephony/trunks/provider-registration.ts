import type { Clock, Random, Rejection, Result, TimerHandle, Timers } from '@switchboard/kernel';
import {
  createCnonce,
  createDigestAuthorization,
  getHeader,
  getHeaderLines,
  parseDeltaSeconds,
  selectDigestChallenge,
  serializeUri,
  sipUri,
  type ClientTransaction,
  type ClientTransactionUser,
  type Destination,
  type DigestHash,
  type HeaderField,
  type SipRequest,
  type SipResponse,
} from '@switchboard/sip';
import { buildProviderRequest, type ProviderHop, type TagSource } from './provider-requests';
import type { TrunkAccount } from './trunk';

/** Where a registration stands. */
export type RegistrationState = 'idle' | 'registering' | 'registered' | 'failed' | 'unregistered';

/** What the admin API and `/metrics` show of a registration. */
export interface RegistrationStatus {
  readonly state: RegistrationState;
  /** Why the last attempt failed (a SIP status and reason, or a transport error); never credentials. */
  readonly lastError?: string;
  /** When the provider's binding runs out (epoch ms), while registered. */
  readonly expiresAt?: number;
  /** Failed attempts in a row. */
  readonly failures: number;
}

/** How long to wait before retrying after `failures` failed attempts in a row. */
export interface RetryPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** Retries after 5 s, doubling up to 5 minutes (RFC 5626 §4.5 spirit: back off, never give up). */
export const DEFAULT_RETRY: RetryPolicy = { initialMs: 5_000, maxMs: 300_000 };

/** Sends a request in a client transaction (the transaction layer does). */
export interface RequestSender extends TagSource {
  sendRequest(
    request: SipRequest,
    destination: Destination,
    user: ClientTransactionUser,
  ): Result<ClientTransaction, Rejection>;
}

/** What a {@link ProviderRegistration} needs. */
export interface ProviderRegistrationOptions {
  readonly account: TrunkAccount;
  /** Registration lifetime asked for, in seconds. */
  readonly expires: number;
  /** The provider's hop; undefined while its address is not resolved (that attempt fails). */
  readonly hop: () => ProviderHop | undefined;
  readonly sender: RequestSender;
  readonly timers: Timers;
  readonly clock: Clock;
  readonly random: Random;
  readonly hash?: DigestHash;
  readonly retry?: RetryPolicy;
  /** Told every change of status (for logs and metrics). */
  readonly onChange?: (status: RegistrationStatus) => void;
}

/**
 * Our registration with a trunk provider (RFC 3261 §10.2) under the trunk's account:
 * ```
 *            start             2xx: refresh before expiry
 *   idle ------------> registering ----------------------> registered
 *                        |  ^  ^ 401/407: once more with credentials   |
 *          failure       v  |  +-------------------------------------+ refresh timer
 *                       failed (retry after a growing delay)
 *   stop(): REGISTER with Expires: 0 when registered ----> unregistered
 * ```
 * One Call-ID for its whole life and a CSeq that grows with every REGISTER (§10.2.4); each
 * challenge is answered once (RFC 3261 §22.2; again only when the nonce was stale).
 */
export class ProviderRegistration {
  private state: RegistrationState = 'idle';
  private readonly callId: string;
  private readonly fromTag: string;
  private cseq = 0;
  private expires: number;
  private timer: TimerHandle | undefined;
  private lastError: string | undefined;
  private expiresAt: number | undefined;
  private failures = 0;
  /** Credentials were sent in this attempt, so another non-stale challenge means they are wrong. */
  private answered = false;
  private stopped: (() => void) | undefined;

  constructor(private readonly o: ProviderRegistrationOptions) {
    this.expires = o.expires;
    this.callId = `${o.sender.createTag()}${o.sender.createTag()}@switchboard`;
    this.fromTag = o.sender.createTag();
  }

  status(): RegistrationStatus {
    return {
      state: this.state,
      failures: this.failures,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      ...(this.state === 'registered' && this.expiresAt !== undefined ? { expiresAt: this.expiresAt } : {}),
    };
  }

  /** Sends the first REGISTER. */
  start(): void {
    if (this.state !== 'idle') return;
    this.attempt();
  }

  /**
   * Stops refreshing and, when registered, removes the binding (Expires: 0, §10.2.2); resolves once
   * the provider answered or the transaction gave up. Idempotent.
   */
  stop(): Promise<void> {
    this.clearTimer();
    if (this.stopped !== undefined) return Promise.resolve();
    const wasRegistered = this.state === 'registered';
    return new Promise((resolve) => {
      this.stopped = resolve;
      if (wasRegistered) this.attempt();
      else this.finish();
    });
  }

  private attempt(authorization?: HeaderField): void {
    this.clearTimer();
    if (authorization === undefined) this.answered = false;
    // A refresh keeps the state registered: the binding holds until it expires.
    if (this.stopped === undefined && this.state !== 'registered') this.change('registering');
    const hop = this.o.hop();
    if (hop === undefined) return this.failed('the provider address is not resolved');
    const expires = this.stopped === undefined ? this.expires : 0;
    const { account } = this.o;
    const aor = sipUri({ user: account.username, host: hop.uri.host });
    // Our Contact over the trunk's transport, with the account as user: the provider's calls for the
    // registration come to it (§10.2.1).
    const ours = hop.local.contact.uri;
    const contact = ours.kind === 'sip' ? { ...ours, user: account.username } : ours;
    const built = buildProviderRequest(this.o.sender, {
      method: 'REGISTER',
      hop,
      from: aor,
      to: aor,
      fromTag: this.fromTag,
      callId: this.callId,
      cseq: ++this.cseq,
      headers: [
        { name: 'Contact', value: `<${serializeUri(contact)}>` },
        { name: 'Expires', value: String(expires) },
        ...(authorization === undefined ? [] : [authorization]),
        { name: 'Content-Length', value: '0' },
      ],
    });
    if (!built.ok) return this.failed(built.error.message);
    const request = built.value;
    const sent = this.o.sender.sendRequest(request, hop.destination, {
      receiveResponse: (r) => this.receive(r, request),
      transportError: (e) => this.failed(e.message),
    });
    if (!sent.ok) this.failed(sent.error.message);
  }

  private receive(response: SipResponse, request: SipRequest): void {
    if (response.status < 200 || this.state === 'unregistered') return;
    if (this.stopped !== undefined) {
      const challenged = response.status === 401 || response.status === 407;
      if (!challenged || !this.answerChallenge(response, request)) this.finish();
      return;
    }
    if (response.status < 300) return this.registered(response);
    if (response.status === 401 || response.status === 407) {
      if (!this.answerChallenge(response, request)) this.failed('the provider refused the credentials');
      return;
    }
    // §10.2.8: the provider wants a longer lifetime; ask for its minimum at once.
    const min = parseDeltaSeconds(getHeader(response, 'Min-Expires') ?? '');
    if (response.status === 423 && min !== undefined && min > this.expires) {
      this.expires = min;
      return this.attempt();
    }
    this.failed(`${response.status} ${response.reason}`.trim());
  }

  /** Resends with credentials for the provider's challenge; false when that would not help. */
  private answerChallenge(response: SipResponse, request: SipRequest): boolean {
    const proxy = response.status === 407;
    const challenge = selectDigestChallenge(
      getHeaderLines(response, proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate'),
    );
    if (challenge === undefined || (this.answered && !challenge.stale)) return false;
    this.answered = true;
    const value = createDigestAuthorization(
      {
        challenge,
        username: this.o.account.username,
        password: this.o.account.password,
        method: 'REGISTER',
        uri: serializeUri(request.uri),
        nc: 1,
        cnonce: createCnonce(this.o.random),
      },
      this.o.hash,
    );
    this.attempt({ name: proxy ? 'Proxy-Authorization' : 'Authorization', value });
    return true;
  }

  private registered(response: SipResponse): void {
    const granted = grantedExpiry(response, this.o.account.username) ?? this.expires;
    if (granted <= 0) return this.failed('the provider granted no registration time');
    this.failures = 0;
    this.lastError = undefined;
    this.expiresAt = this.o.clock.now() + granted * 1000;
    this.change('registered');
    this.timer = this.o.timers.set(refreshDelayMs(granted), () => {
      this.timer = undefined;
      this.attempt();
    });
  }

  private failed(why: string): void {
    if (this.state === 'unregistered') return;
    if (this.stopped !== undefined) return this.finish();
    this.failures += 1;
    this.lastError = why;
    this.expiresAt = undefined;
    this.change('failed');
    this.timer = this.o.timers.set(
      retryDelayMs(this.failures, this.o.retry ?? DEFAULT_RETRY, this.o.random),
      () => {
        this.timer = undefined;
        this.attempt();
      },
    );
  }

  private finish(): void {
    this.expiresAt = undefined;
    this.change('unregistered');
    const done = this.stopped;
    this.stopped = () => undefined;
    done?.();
  }

  private change(state: RegistrationState): void {
    const changed = state !== this.state;
    this.state = state;
    if (changed) this.o.onChange?.(this.status());
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.o.timers.clear(this.timer);
    this.timer = undefined;
  }
}

/**
 * The lifetime the provider granted: the `expires` parameter of our Contact in the 2xx, else its
 * Expires header (RFC 3261 §10.2.4). Our Contact is the one with the account's user name.
 */
export function grantedExpiry(response: SipResponse, username: string): number | undefined {
  const contacts = response.contact === undefined || response.contact === '*' ? [] : response.contact;
  const ours = contacts.find((c) => c.uri.kind === 'sip' && c.uri.user === username) ?? contacts[0];
  const param = ours?.params['expires'];
  const fromParam = param === undefined || param === null ? undefined : parseDeltaSeconds(param);
  return fromParam ?? parseDeltaSeconds(getHeader(response, 'Expires') ?? '');
}

/** Refreshes a minute before expiry, or a quarter of the lifetime before it when that is shorter. */
export function refreshDelayMs(grantedSeconds: number): number {
  return Math.max(1, grantedSeconds - Math.min(60, Math.floor(grantedSeconds / 4))) * 1000;
}

/** The retry delay after `failures` failures in a row: doubling, capped, with up to 10% jitter. */
export function retryDelayMs(failures: number, policy: RetryPolicy, random: Random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(base * (1 + random.next() / 10));
}
