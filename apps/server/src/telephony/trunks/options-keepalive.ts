import type { Clock, TimerHandle, Timers } from '@switchboard/kernel';
import { sipUri, type SipResponse } from '@switchboard/sip';
import { buildProviderRequest, type ProviderHop } from './provider-requests';
import type { RequestSender } from './provider-registration';

/** Whether the provider answers: unknown until the first OPTIONS ends. */
export type Reachability = 'unknown' | 'up' | 'down';

/** What the admin API and `/metrics` show of the keepalive. */
export interface KeepaliveStatus {
  readonly state: Reachability;
  /** When the last OPTIONS ended (epoch ms). */
  readonly lastCheckedAt?: number;
  /** Why the provider counts as down. */
  readonly lastError?: string;
}

/** What an {@link OptionsKeepalive} needs. */
export interface OptionsKeepaliveOptions {
  readonly hop: () => ProviderHop | undefined;
  readonly sender: RequestSender;
  readonly timers: Timers;
  readonly clock: Clock;
  /** Pause between the end of one OPTIONS and the next. */
  readonly intervalMs: number;
  readonly onChange?: (status: KeepaliveStatus) => void;
}

/**
 * OPTIONS pings to a trunk's provider (RFC 3261 §11; the keepalive): any answer means the
 * provider is up, except 503 (it asks us to go elsewhere, §21.5.4) and 408 (which the transaction
 * also reports when Timer F fires without one, §17.1.2.2); those and transport errors mark it down,
 * and a down trunk is skipped for outbound calls. One OPTIONS at a time: the next is sent
 * `intervalMs` after the previous ended, so a silent provider is not flooded.
 */
export class OptionsKeepalive {
  private state: Reachability = 'unknown';
  private lastCheckedAt: number | undefined;
  private lastError: string | undefined;
  private timer: TimerHandle | undefined;
  private running = false;

  constructor(private readonly o: OptionsKeepaliveOptions) {}

  status(): KeepaliveStatus {
    return {
      state: this.state,
      ...(this.lastCheckedAt === undefined ? {} : { lastCheckedAt: this.lastCheckedAt }),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /** Sends the first OPTIONS now. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.ping();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.o.timers.clear(this.timer);
    this.timer = undefined;
  }

  private ping(): void {
    this.timer = undefined;
    if (!this.running) return;
    const hop = this.o.hop();
    if (hop === undefined) return this.ended('down', 'the provider address is not resolved');
    const tag = this.o.sender.createTag();
    const built = buildProviderRequest(this.o.sender, {
      method: 'OPTIONS',
      hop,
      from: sipUri({ user: 'switchboard', host: hop.local.host }),
      to: hop.uri,
      fromTag: tag,
      callId: `${tag}${this.o.sender.createTag()}@switchboard`,
      cseq: 1,
      headers: [
        { name: 'Accept', value: 'application/sdp' },
        { name: 'Content-Length', value: '0' },
      ],
    });
    if (!built.ok) return this.ended('down', built.error.message);
    const sent = this.o.sender.sendRequest(built.value, hop.destination, {
      receiveResponse: (r) => this.answered(r),
      transportError: (e) => this.ended('down', e.message),
    });
    if (!sent.ok) this.ended('down', sent.error.message);
  }

  private answered(response: SipResponse): void {
    if (response.status < 200) return;
    if (response.status === 408 || response.status === 503)
      this.ended('down', `${response.status} ${response.reason}`.trim());
    else this.ended('up', undefined);
  }

  private ended(state: Reachability, error: string | undefined): void {
    if (!this.running) return;
    this.lastCheckedAt = this.o.clock.now();
    this.lastError = error;
    const changed = state !== this.state;
    this.state = state;
    if (changed) this.o.onChange?.(this.status());
    this.timer = this.o.timers.set(this.o.intervalMs, () => this.ping());
  }
}
