import type { TimerHandle, Timers } from '@switchboard/kernel';
import { scanHeaderParams } from '../header/params';
import { parseDigits, trimWhitespace } from '../header/scanner';
import type { HeaderField } from '../message/header-field';
import { getHeader, getHeaderValues, type SipRequest } from '../message/sip-message';

/** Session-Expires (RFC 4028 §4): interval in seconds and who refreshes. */
export interface SessionExpires {
  readonly interval: number;
  readonly refresher?: 'uac' | 'uas';
}

/** Parses `delta-seconds *(;se-params)`; undefined when malformed. */
export function parseSessionExpires(value: string): SessionExpires | undefined {
  const v = trimWhitespace(value);
  const semi = v.indexOf(';');
  const interval = parseDigits(trimWhitespace(semi < 0 ? v : v.slice(0, semi)), 2 ** 32 - 1);
  if (interval === undefined) return undefined;
  if (semi < 0) return { interval };
  const params = scanHeaderParams(v, semi);
  if (params === undefined || params.end !== v.length) return undefined;
  const r = params.params.refresher?.toLowerCase();
  return r === 'uac' || r === 'uas' ? { interval, refresher: r } : { interval };
}

/** Renders a Session-Expires value. */
export function serializeSessionExpires(se: SessionExpires): string {
  return se.refresher === undefined ? String(se.interval) : `${se.interval};refresher=${se.refresher}`;
}

/** What the UAS does with a session-timer request (RFC 4028 §9). */
export type SessionTimerDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'accept'; readonly interval: number; readonly refresher: 'uac' | 'uas' }
  | { readonly kind: 'reject'; readonly status: 422; readonly minSe: number };

/** Local session-timer policy. RFC 4028 §4: Min-SE may not be below 90 s; 1800 s is the recommended interval. */
export interface SessionTimerPolicy {
  readonly minSe: number;
}

export const DEFAULT_SESSION_TIMER_POLICY: SessionTimerPolicy = Object.freeze({ minSe: 90 });

/**
 * The UAS decision for an INVITE or UPDATE (RFC 4028 §9): no Session-Expires → no timer; below our
 * Min-SE → 422 with our Min-SE; otherwise accept the interval. Without a refresher the UAS chooses:
 * the UAC when it said `Supported: timer` (it will refresh), else ourselves.
 */
export function negotiateSessionTimer(
  request: SipRequest,
  policy: SessionTimerPolicy = DEFAULT_SESSION_TIMER_POLICY,
): SessionTimerDecision {
  const text = getHeader(request, 'Session-Expires');
  if (text === undefined) return { kind: 'none' };
  const se = parseSessionExpires(text);
  if (se === undefined) return { kind: 'none' };
  if (se.interval < policy.minSe) return { kind: 'reject', status: 422, minSe: policy.minSe };
  const uacSupports = getHeaderValues(request, 'Supported').some((t) => t.toLowerCase() === 'timer');
  const refresher = se.refresher ?? (uacSupports ? 'uac' : 'uas');
  return { kind: 'accept', interval: se.interval, refresher: uacSupports ? refresher : 'uas' };
}

/**
 * Headers for the response carrying a decision: the 2xx gets Session-Expires (and `Require: timer`
 * when the UAC refreshes, §9), the 422 gets Min-SE (§6).
 */
export function sessionTimerHeaders(decision: SessionTimerDecision): HeaderField[] {
  if (decision.kind === 'reject') return [{ name: 'Min-SE', value: String(decision.minSe) }];
  if (decision.kind === 'none') return [];
  const se = serializeSessionExpires({ interval: decision.interval, refresher: decision.refresher });
  const out: HeaderField[] = [{ name: 'Session-Expires', value: se }];
  if (decision.refresher === 'uac') out.push({ name: 'Require', value: 'timer' });
  return out;
}

/**
 * One side's session timer (RFC 4028 §10): the refresher refreshes at half the interval; the other
 * side sends BYE when no refresh came by `interval - min(32, interval/3)` seconds.
 */
export class SessionTimer {
  private handle: TimerHandle | undefined;

  constructor(
    private readonly timers: Timers,
    private readonly onRefresh: () => void,
    private readonly onExpire: () => void,
  ) {}

  /** (Re)starts after a successful session refresh (the 2xx of an INVITE or UPDATE). */
  start(intervalSeconds: number, weRefresh: boolean): void {
    this.stop();
    const ms = intervalSeconds * 1000;
    const delay = weRefresh ? ms / 2 : ms - Math.min(32_000, ms / 3);
    this.handle = this.timers.set(delay, () => {
      this.handle = undefined;
      if (weRefresh) this.onRefresh();
      else this.onExpire();
    });
  }

  /**
   * Ends the session `ms` from now unless a refresh succeeds first: a refresh that failed without
   * ending the call leaves the session to expire as if it had never been sent (RFC 4028 §10).
   */
  expireIn(ms: number): void {
    this.stop();
    this.handle = this.timers.set(ms, () => {
      this.handle = undefined;
      this.onExpire();
    });
  }

  stop(): void {
    if (this.handle !== undefined) this.timers.clear(this.handle);
    this.handle = undefined;
  }

  get running(): boolean {
    return this.handle !== undefined;
  }
}
