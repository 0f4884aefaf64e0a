import type { Rejection, TimerHandle, Timers } from '@switchboard/kernel';
import { createResponse } from '../message/create-message';
import type { SipMessage, SipRequest, SipResponse } from '../message/sip-message';
import type { TimerValues } from './timer-values';
import type { Destination, Transport } from './transport';

/** What every transaction needs from its surroundings: time, constants and a way out. */
export interface TransactionEnvironment {
  readonly timers: Timers;
  readonly timerValues: TimerValues;
  readonly transport: Transport;
}

/**
 * The transaction user of a client transaction (RFC 3261 §17.1): the UAC core or a dialog.
 * `receiveResponse` also gets the 408 a transaction builds when Timer B or F fires (§8.1.3.1,
 * §17.1.1.2, §17.1.2.2) and, for INVITE, every 2xx retransmission (RFC 6026 §7.2) so that the
 * dialog can re-send its ACK.
 */
export interface ClientTransactionUser {
  receiveResponse(response: SipResponse): void;
  /** The transport refused a message (§17.1.4); the transaction has terminated. */
  transportError(error: Rejection): void;
}

/** A client transaction user that hears nothing: for CANCELs nobody waits on, and for settled transactions. */
export const NO_CLIENT_USER: ClientTransactionUser = Object.freeze({
  receiveResponse: () => undefined,
  transportError: () => undefined,
});

/** The transaction user of a server transaction (RFC 3261 §17.2). */
export interface ServerTransactionUser {
  /** Timer H fired without an ACK for a non-2xx final response (§17.2.1). */
  timeout?(): void;
  /** The transport refused a response (§17.2.4); the transaction has terminated. */
  transportError?(error: Rejection): void;
}

/** Names of the RFC 3261/6026 transaction timers, for tests and diagnostics. */
export type TimerName =
  'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'Trying' | 'Cancel';

/**
 * What the four state machines share: state with change listeners, ending in `'terminated'`; named
 * one-shot timers through the kernel `Timers` port; and sending to one destination, with transport
 * errors turned into termination.
 */
export abstract class Transaction<S extends string> {
  /** The matching key the transaction layer files this transaction under (§17.1.3, §17.2.3). */
  readonly key: string;
  readonly request: SipRequest;
  /** Where the request goes (client, §18.1.1) or where responses go (server, §18.2.2). */
  readonly destination: Destination;
  protected readonly env: TransactionEnvironment;
  private current: S;
  // Parallel arrays rather than a Map: a transaction has at most three timers at a time, and a Map
  // per transaction was seen growing and shrinking its table on every timer change.
  private readonly timerNames: TimerName[] = [];
  private readonly timerHandles: TimerHandle[] = [];
  private readonly listeners: ((state: S) => void)[] = [];

  protected constructor(
    key: string,
    request: SipRequest,
    destination: Destination,
    env: TransactionEnvironment,
    initial: S,
  ) {
    this.key = key;
    this.request = request;
    this.destination = destination;
    this.env = env;
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  /** The transport this transaction sends on. */
  get transport(): Transport {
    return this.env.transport;
  }

  get reliable(): boolean {
    return this.env.transport.reliable;
  }

  /** True once the transaction reached Terminated; it will neither send nor fire timers again. */
  get terminated(): boolean {
    return this.current === 'terminated';
  }

  /** Calls `listener` after every state change (the layer uses it to drop terminated transactions). */
  onStateChange(listener: (state: S) => void): void {
    this.listeners.push(listener);
  }

  /** Names of the timers currently armed. */
  get activeTimers(): TimerName[] {
    return [...this.timerNames];
  }

  protected transition(to: S): void {
    if (this.current === to) return;
    this.current = to;
    for (const l of this.listeners) l(to);
  }

  protected startTimer(name: TimerName, delayMs: number, fire: () => void): void {
    this.stopTimer(name);
    const handle = this.env.timers.set(delayMs, () => {
      this.forgetTimer(this.timerNames.indexOf(name));
      fire();
    });
    this.timerNames.push(name);
    this.timerHandles.push(handle);
  }

  protected stopTimer(name: TimerName): void {
    const i = this.timerNames.indexOf(name);
    if (i < 0) return;
    this.env.timers.clear(this.timerHandles[i] as TimerHandle);
    this.forgetTimer(i);
  }

  protected stopAllTimers(): void {
    for (const h of this.timerHandles) this.env.timers.clear(h);
    this.timerNames.length = 0;
    this.timerHandles.length = 0;
  }

  private forgetTimer(i: number): void {
    if (i < 0) return;
    this.timerNames.splice(i, 1);
    this.timerHandles.splice(i, 1);
  }

  /**
   * The transport found out after a send that the message could not leave (the connection it was
   * queued on never opened): ends the transaction as a refused send does (§17.1.4, §17.2.4).
   */
  transportFailed(error: Rejection): void {
    if (this.terminated) return;
    this.stopAllTimers();
    this.onTransportError(error);
  }

  /** Sends to `destination`; on failure the subclass is told and the transaction ends. */
  protected sendMessage(message: SipMessage): boolean {
    const r = this.env.transport.send(message, this.destination);
    if (r.ok) return true;
    this.stopAllTimers();
    this.onTransportError(r.error);
    return false;
  }

  /** Reacts to a transport failure: must notify the user and terminate. */
  protected abstract onTransportError(error: Rejection): void;
}

/**
 * A response the transaction layer makes up for its user: 408 when Timer B/F fires (§8.1.3.1), 487
 * when a cancelled INVITE never got its final response (§9.1). Built from our own request, which
 * passed validation when it was created, so building it cannot fail.
 */
export function localResponse(request: SipRequest, status: number, reason: string): SipResponse {
  const r = createResponse(request, status, reason);
  if (!r.ok) throw new Error(`localResponse: ${r.error.code} ${r.error.message}`);
  return r.value;
}
