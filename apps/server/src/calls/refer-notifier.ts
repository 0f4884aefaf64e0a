import { ReferSubscription, type Dialog, type UserAgentCore } from '@switchboard/sip';

interface Report {
  readonly status: number;
  readonly reason: string;
}

/**
 * The NOTIFYs of the implicit subscription a REFER created (RFC 3515 §2.4.4, §2.4.5): each carries
 * the progress of the new call as a `message/sipfrag` status line, the first right after the 202,
 * the last (a final status) terminating the subscription. One NOTIFY is in flight at a time, so they
 * arrive in order over UDP; a 481 or a timeout ends the subscription (RFC 6665 §4.1.2.4). With
 * `Refer-Sub: false` honoured (RFC 4488 §4) nothing is sent at all.
 */
export class ReferNotifier {
  private readonly subscription: ReferSubscription | undefined;
  private readonly queue: Report[] = [];
  private inFlight = false;
  private ended = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly core: UserAgentCore,
    private readonly dialog: Dialog,
    referSeq: number,
    subscribed: boolean,
  ) {
    this.subscription = subscribed ? new ReferSubscription(dialog, referSeq) : undefined;
    this.ended = !subscribed;
  }

  /** Queues a NOTIFY reporting `status`; ignored once a final status was reported. */
  report(status: number, reason: string): void {
    if (this.ended) return;
    if (status >= 200) this.ended = true;
    this.queue.push({ status, reason });
    this.next();
  }

  /** Runs `then` once every queued NOTIFY has had its final response (at once when none is left). */
  whenSent(then: () => void): void {
    if (!this.inFlight && this.queue.length === 0) then();
    else this.idle.push(then);
  }

  /** The dialog is gone: nothing more can be sent. */
  stop(): void {
    this.ended = true;
    this.queue.length = 0;
    if (!this.inFlight) this.settle();
  }

  private next(): void {
    if (this.inFlight) return;
    const report = this.queue.shift();
    if (report === undefined || this.subscription === undefined) return this.settle();
    const content = this.subscription.notifyContent(report.status, report.reason);
    const sent = !content.ok
      ? content
      : this.core.sendRequest(this.dialog, 'NOTIFY', content.value, {
          receiveResponse: (r) => {
            if (r.status < 200) return;
            this.inFlight = false;
            if (r.status === 481 || r.status === 408) this.stop();
            else this.next();
          },
          transportError: () => {
            this.inFlight = false;
            this.stop();
          },
        });
    if (!sent.ok) return this.stop();
    this.inFlight = true;
  }

  private settle(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const then of waiting) then();
  }
}
