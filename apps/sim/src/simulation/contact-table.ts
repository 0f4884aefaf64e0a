/** Where a simulated contact is, as far as the simulator needs to know to act on its timers. */
export const ContactPhase = { waiting: 1, offered: 2, connected: 3, wrapUp: 4, done: 5 } as const;
export type ContactPhase = (typeof ContactPhase)[keyof typeof ContactPhase];

const PREFIX = 'c';

/**
 * Per-contact facts of a run in growable typed arrays indexed by contact number, so a day of
 * hundreds of thousands of contacts costs a few bytes each and no object per contact. The contact
 * id routing sees is `c<number>`, which maps back to the index without a lookup table.
 */
export class ContactTable {
  private phases = new Uint8Array(1024);
  private queues = new Uint16Array(1024);
  private agents = new Int32Array(1024);
  private offers = new Int32Array(1024);
  /** Ids of live contacts, made once: number-to-string conversion is not free at this rate. */
  private readonly ids: string[] = [];
  private count = 0;

  /** Contacts created so far. */
  get size(): number {
    return this.count;
  }

  /** Adds a waiting contact of queue `queue`; returns its index. */
  add(queue: number): number {
    if (this.count === this.phases.length) this.grow();
    const i = this.count++;
    this.phases[i] = ContactPhase.waiting;
    this.queues[i] = queue;
    this.agents[i] = -1;
    this.ids.push(PREFIX + i);
    return i;
  }

  /** The routing id of contact `i` (`c<i>`). */
  id(i: number): string {
    return this.ids[i] as string;
  }

  /**
   * The index of a routing contact id, or -1 for an id the simulator did not create. Parsed digit by
   * digit: this runs for several events of every contact, and slicing would allocate each time.
   */
  static indexOf(id: string): number {
    if (id.length < 2 || id.length > 11 || id.charCodeAt(0) !== 99) return -1;
    let n = 0;
    for (let k = 1; k < id.length; k++) {
      const digit = id.charCodeAt(k) - 48;
      if (digit < 0 || digit > 9) return -1;
      n = n * 10 + digit;
    }
    return n;
  }

  phase(i: number): ContactPhase {
    return this.phases[i] as ContactPhase;
  }

  setPhase(i: number, phase: ContactPhase): void {
    this.phases[i] = phase;
    // A finished contact's id is not needed again; dropping it keeps a long day's memory flat.
    if (phase === ContactPhase.done) this.ids[i] = '';
  }

  queue(i: number): number {
    return this.queues[i] as number;
  }

  setQueue(i: number, queue: number): void {
    this.queues[i] = queue;
  }

  agent(i: number): number {
    return this.agents[i] as number;
  }

  /** Records an offer to `agent`; returns the offer's number, which stale answer events lack. */
  offer(i: number, agent: number): number {
    this.phases[i] = ContactPhase.offered;
    this.agents[i] = agent;
    const n = (this.offers[i] as number) + 1;
    this.offers[i] = n;
    return n;
  }

  offerNumber(i: number): number {
    return this.offers[i] as number;
  }

  private grow(): void {
    const n = this.phases.length * 2;
    const phases = new Uint8Array(n);
    phases.set(this.phases);
    const queues = new Uint16Array(n);
    queues.set(this.queues);
    const agents = new Int32Array(n);
    agents.set(this.agents);
    const offers = new Int32Array(n);
    offers.set(this.offers);
    this.phases = phases;
    this.queues = queues;
    this.agents = agents;
    this.offers = offers;
  }
}
