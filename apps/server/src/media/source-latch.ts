import { isSendable } from './sendable-address';

/** A UDP transport address. */
export interface TransportAddress {
  readonly address: string;
  readonly port: number;
}

/**
 * What {@link SourceLatch.observe} decided about a valid RTP packet from some address:
 * - `accept`: from the current remote, deliver it;
 * - `latched`: this packet moved the remote to its source (deliver it, and announce the move);
 * - `learning`: from a candidate source that has not yet sent enough packets in sequence;
 * - `stray`: from an address that is not the remote while latching is closed (dropped);
 * - `unusable`: from a source nothing can be sent back to (UDP source port 0, the unspecified
 *   address; see {@link isSendable}): never latched, and dropped, since symmetric RTP cannot
 *   answer it and no signalled remote has such an address.
 */
export type LatchVerdict = 'accept' | 'latched' | 'learning' | 'stray' | 'unusable';

export interface SourceLatchOptions {
  /** Packets in sequence a new source must send before the leg moves to it (RFC 3550 §A.1's 2). */
  readonly latchPackets?: number;
  /**
   * Reopen learning when the remote has sent nothing for this long (a NAT rebinding mid-call).
   * Off by default: while latching is open a third party could steal the stream.
   */
  readonly relatchAfterSilenceMs?: number;
}

/**
 * Symmetric RTP (RFC 4961) with latching for callers behind NAT: the address in the SDP is often
 * a private one, so after signalling sets (or changes) the remote, the leg sends there but learns
 * the real address from the first valid packets that arrive, and sends to their source from then
 * on. A packet from the signalled address itself latches at once; any other source must first send
 * `latchPackets` packets with consecutive sequence numbers from one SSRC, so a single spoofed or
 * stray packet cannot take the stream. Once latched, other sources are dropped until signalling
 * reopens learning (re-INVITE), which is what stops "RTP bleed" style hijacking. The signalled
 * address alone can always take the stream back: a stream that arrives at a recycled port (the
 * previous holder's peer still sending) or that a hostile source reached first would otherwise be
 * lost for the rest of the call, and the signalled address is where media went before any
 * latching anyway.
 *
 * The remote is always an address media can be sent to: a source that is not (port 0) is
 * `unusable`, and a signalled address that is not (a disabled stream, RFC 3264 §6, or a `c=`
 * hold, §8.4) leaves the leg with no remote and latching closed until signalling names another.
 *
 * ```
 *   open(remote) ──▶ learning ──(signalled address, or N in sequence)──▶ latched ◀─┐
 *        ▲                                                                 │  │     │
 *        └──────────── re-INVITE (open), or silence > relatchAfterSilenceMs ┘  └─────┘
 *                                                          the signalled address
 * ```
 */
export class SourceLatch {
  private current: TransportAddress | undefined;
  private signalled: TransportAddress | undefined;
  private learning = true;
  /** Signalling named an address media must not go to: nothing latches until it names another. */
  private disabled = false;
  private candidate: { address: string; port: number; ssrc: number; seq: number; count: number } | undefined;
  private lastAcceptedMs = 0;
  private readonly latchPackets: number;
  private readonly relatchAfterSilenceMs: number | undefined;

  constructor(options: SourceLatchOptions = {}) {
    this.latchPackets = Math.max(1, options.latchPackets ?? 2);
    this.relatchAfterSilenceMs = options.relatchAfterSilenceMs;
  }

  /** Where media is sent now: the latched source, else the signalled address. */
  get remote(): TransportAddress | undefined {
    return this.current;
  }

  /** True when media goes to the address signalling named, latched or not. */
  get onSignalled(): boolean {
    const cur = this.current;
    return cur !== undefined && isAt(this.signalled, cur.address, cur.port);
  }

  /** True while the leg would move to a new source. */
  get isLearning(): boolean {
    return this.learning;
  }

  /**
   * Signalling set or changed the remote address (or offered none yet): learn again. An address
   * media cannot go to stops sending instead: no remote, nothing learnt from what arrives.
   */
  open(remote: TransportAddress | undefined): void {
    this.candidate = undefined;
    if (remote !== undefined && !isSendable(remote.address, remote.port)) {
      this.signalled = undefined;
      this.current = undefined;
      this.learning = false;
      this.disabled = true;
      return;
    }
    this.signalled = remote;
    this.current = remote ?? this.current;
    this.learning = true;
    this.disabled = false;
  }

  /** Classifies a packet that parsed and carries a negotiated payload type. */
  observe(address: string, port: number, ssrc: number, seq: number, nowMs: number): LatchVerdict {
    const fromRemote = isAt(this.current, address, port);
    if (fromRemote && !this.learning) {
      this.lastAcceptedMs = nowMs;
      return 'accept';
    }
    // Never the remote (see the class comment), so checked only off the fast path.
    if (!isSendable(address, port)) return 'unusable';
    if (this.disabled) return 'stray';
    const fromSignalled = isAt(this.signalled, address, port);
    if (!this.learning && !fromSignalled) {
      const silence = this.relatchAfterSilenceMs;
      if (silence === undefined || nowMs - this.lastAcceptedMs < silence) return 'stray';
      this.learning = true;
      this.candidate = undefined;
    }
    if (fromRemote || fromSignalled) return this.latch(address, port, nowMs);
    const c = this.candidate;
    if (c && c.address === address && c.port === port && c.ssrc === ssrc && seq === ((c.seq + 1) & 0xffff)) {
      c.seq = seq;
      c.count++;
    } else this.candidate = { address, port, ssrc, seq, count: 1 };
    if (this.candidate!.count >= this.latchPackets) return this.latch(address, port, nowMs);
    return 'learning';
  }

  private latch(address: string, port: number, nowMs: number): LatchVerdict {
    const moved = this.current?.address !== address || this.current?.port !== port;
    this.current = { address, port };
    this.learning = false;
    this.candidate = undefined;
    this.lastAcceptedMs = nowMs;
    return moved ? 'latched' : 'accept';
  }
}

/** True when `at` is the transport address `address`:`port`. */
function isAt(at: TransportAddress | undefined, address: string, port: number): boolean {
  return at !== undefined && at.port === port && at.address === address;
}
