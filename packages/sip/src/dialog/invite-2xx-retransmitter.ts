import type { TimerHandle, Timers } from '@switchboard/kernel';
import type { TimerValues } from '../transaction/timer-values';

/**
 * The UAS core's retransmission of a 2xx to INVITE until its ACK arrives (RFC 3261 §13.3.1.4): the
 * 2xx is end to end, so no transaction retransmits it. Intervals start at T1 and double up to T2;
 * after 64*T1 without ACK the core gives up and should end the session with BYE. Retransmission
 * happens whatever the first hop's transport, because a later hop may be unreliable.
 */
export class Invite2xxRetransmitter {
  private handle: TimerHandle | undefined;
  private giveUpHandle: TimerHandle | undefined;
  private interval: number;

  constructor(
    private readonly timers: Timers,
    private readonly values: TimerValues,
    private readonly resend: () => void,
    private readonly giveUp: () => void,
  ) {
    this.interval = values.t1;
  }

  /** True until the ACK arrived or the core gave up. */
  get active(): boolean {
    return this.giveUpHandle !== undefined;
  }

  /** Arms the retransmission and the 64*T1 deadline; the first 2xx was already sent. */
  start(): void {
    this.giveUpHandle = this.timers.set(64 * this.values.t1, () => {
      this.stop();
      this.giveUp();
    });
    this.schedule();
  }

  /** The ACK arrived (or the dialog ended): stop retransmitting. */
  stop(): void {
    if (this.handle !== undefined) this.timers.clear(this.handle);
    if (this.giveUpHandle !== undefined) this.timers.clear(this.giveUpHandle);
    this.handle = undefined;
    this.giveUpHandle = undefined;
  }

  private schedule(): void {
    this.handle = this.timers.set(this.interval, () => {
      this.handle = undefined;
      if (!this.active) return;
      this.resend();
      this.interval = Math.min(this.interval * 2, this.values.t2);
      this.schedule();
    });
  }
}
