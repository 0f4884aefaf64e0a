/**
 * Events due at the current instant, in the order they were raised: reactions to routing's events
 * (answer an offer, log out an agent who just became free) that must not call routing while it is
 * still handing out events, yet need no place in the calendar's heap. Same fields as the calendar.
 */
export class ImmediateQueue {
  private kinds: number[] = [];
  private refs: number[] = [];
  private auxs: number[] = [];
  private head = 0;

  /** Kind of the event last returned by {@link shift}. */
  kind = 0;
  /** Reference of the event last returned by {@link shift}. */
  ref = 0;
  /** Auxiliary number of the event last returned by {@link shift}. */
  aux = 0;

  push(kind: number, ref: number, aux: number): void {
    this.kinds.push(kind);
    this.refs.push(ref);
    this.auxs.push(aux);
  }

  /** Takes the oldest event into `kind`/`ref`/`aux`; false when there is none. */
  shift(): boolean {
    if (this.head === this.kinds.length) {
      if (this.head > 0) this.clear();
      return false;
    }
    const i = this.head++;
    this.kind = this.kinds[i] as number;
    this.ref = this.refs[i] as number;
    this.aux = this.auxs[i] as number;
    return true;
  }

  private clear(): void {
    this.kinds.length = 0;
    this.refs.length = 0;
    this.auxs.length = 0;
    this.head = 0;
  }
}
