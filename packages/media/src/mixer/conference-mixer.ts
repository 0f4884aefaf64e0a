/**
 * How a participant takes part in a conference:
 * - `party`: a caller or agent — heard by everyone, hears everyone but itself (mix-minus);
 * - `listen`: a supervisor monitoring (or a recorder) — hears everyone, heard by nobody;
 * - `whisper`: a supervisor coaching — hears everyone, heard only by `whisperTo` (the agent);
 * - `barge`: a supervisor joining — heard by everyone, like a party.
 */
export type ConferenceRole = 'party' | 'listen' | 'whisper' | 'barge';

export interface ParticipantOptions {
  readonly role?: ConferenceRole;
  /** For `whisper`: the id of the only participant who hears this one. */
  readonly whisperTo?: string;
  readonly muted?: boolean;
}

/**
 * One leg of a conference. Each tick the leg writes its decoded frame into `input` and sets
 * `hasInput` (a leg with nothing this tick simply leaves it false); after
 * {@link ConferenceMixer.mix}, `output` holds what the leg should hear. Both buffers belong to the
 * participant for its lifetime, so the steady state allocates nothing.
 */
export class ConferenceParticipant {
  readonly id: string;
  readonly input: Int16Array;
  readonly output: Int16Array;
  hasInput = false;
  role: ConferenceRole;
  whisperTo: string | undefined;
  muted: boolean;
  /** Sum of whispers addressed to this participant in the current tick. */
  readonly whispers: Int32Array;
  whispered = false;

  constructor(id: string, frameSamples: number, options: ParticipantOptions) {
    this.id = id;
    this.input = new Int16Array(frameSamples);
    this.output = new Int16Array(frameSamples);
    this.whispers = new Int32Array(frameSamples);
    this.role = options.role ?? 'party';
    this.whisperTo = options.whisperTo;
    this.muted = options.muted ?? false;
  }

  /** Copies a frame into `input` and marks it present. */
  write(frame: Int16Array): void {
    const input = this.input;
    if (frame.length === input.length) input.set(frame);
    else {
      // No subarray: a view per write would be the only allocation of the tick.
      const n = Math.min(frame.length, input.length);
      for (let i = 0; i < n; i++) input[i] = frame[i]!;
      input.fill(0, n);
    }
    this.hasInput = true;
  }

  /** True when everyone hears this participant this tick. */
  get speaksToAll(): boolean {
    return this.hasInput && !this.muted && (this.role === 'party' || this.role === 'barge');
  }
}

function saturate(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

/**
 * N-party conference mixer on 16-bit linear frames. Each tick it sums every public speaker once
 * into a 32-bit accumulator and gives each participant that sum minus its own contribution (so
 * nobody hears themselves) plus any whisper addressed to it, saturated to 16 bits only at the end
 * so intermediate sums never clip. O(participants × samples) per tick, no allocation.
 */
export class ConferenceMixer {
  readonly frameSamples: number;
  private readonly participants: ConferenceParticipant[] = [];
  private readonly total: Int32Array;

  constructor(frameSamples = 160) {
    this.frameSamples = frameSamples;
    this.total = new Int32Array(frameSamples);
  }

  /** Adds a participant (or returns the existing one with that id, updated). */
  add(id: string, options: ParticipantOptions = {}): ConferenceParticipant {
    const existing = this.get(id);
    if (existing) {
      this.update(id, options);
      return existing;
    }
    const p = new ConferenceParticipant(id, this.frameSamples, options);
    this.participants.push(p);
    return p;
  }

  /** Removes a participant; false if there was none. */
  remove(id: string): boolean {
    const at = this.participants.findIndex((p) => p.id === id);
    if (at < 0) return false;
    this.participants.splice(at, 1);
    return true;
  }

  get(id: string): ConferenceParticipant | undefined {
    return this.participants.find((p) => p.id === id);
  }

  get size(): number {
    return this.participants.length;
  }

  /** Changes role, whisper target or mute; fields left out keep their value. */
  update(id: string, options: ParticipantOptions): boolean {
    const p = this.get(id);
    if (!p) return false;
    if (options.role !== undefined) p.role = options.role;
    if (options.whisperTo !== undefined || options.role !== undefined) p.whisperTo = options.whisperTo;
    if (options.muted !== undefined) p.muted = options.muted;
    return true;
  }

  /** Mixes one tick: fills every participant's `output`, then clears every `hasInput`. */
  mix(): void {
    const n = this.frameSamples;
    const total = this.total;
    const all = this.participants;
    total.fill(0);
    for (let k = 0; k < all.length; k++) {
      const p = all[k]!;
      if (p.speaksToAll) {
        const x = p.input;
        for (let i = 0; i < n; i++) total[i] = total[i]! + x[i]!;
      } else if (p.role === 'whisper' && p.hasInput && !p.muted && p.whisperTo !== undefined) {
        const target = this.find(p.whisperTo);
        if (target && target !== p) {
          if (!target.whispered) target.whispers.fill(0);
          target.whispered = true;
          const w = target.whispers;
          const x = p.input;
          for (let i = 0; i < n; i++) w[i] = w[i]! + x[i]!;
        }
      }
    }
    for (let k = 0; k < all.length; k++) {
      const p = all[k]!;
      const out = p.output;
      // Separate loops per case keep the per-sample work branch-free.
      if (p.whispered) {
        const w = p.whispers;
        if (p.speaksToAll) {
          const own = p.input;
          for (let i = 0; i < n; i++) out[i] = saturate(total[i]! - own[i]! + w[i]!);
        } else for (let i = 0; i < n; i++) out[i] = saturate(total[i]! + w[i]!);
      } else if (p.speaksToAll) {
        const own = p.input;
        for (let i = 0; i < n; i++) out[i] = saturate(total[i]! - own[i]!);
      } else for (let i = 0; i < n; i++) out[i] = saturate(total[i]!);
    }
    for (let k = 0; k < all.length; k++) {
      all[k]!.hasInput = false;
      all[k]!.whispered = false;
    }
  }

  /** Linear search without a closure, to keep `mix` allocation-free. */
  private find(id: string): ConferenceParticipant | undefined {
    const all = this.participants;
    for (let k = 0; k < all.length; k++) if (all[k]!.id === id) return all[k];
    return undefined;
  }
}
