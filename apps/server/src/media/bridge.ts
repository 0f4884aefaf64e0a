import { ALAW_TO_ULAW, ULAW_TO_ALAW, type RtpPacketView, type RtpPayloadKind } from '@switchboard/media';
import type { CallRecorder, RecordingSide } from './call-recorder';
import type { RtpSink, SwitchableLeg } from './media-leg-types';

/** Packets relayed in each direction. */
export interface BridgeStats {
  callerToAgent: number;
  agentToCaller: number;
  transcoded: number;
  eventsRelayed: number;
  /** Events not relayed because the other leg negotiated no telephone-event. */
  eventsDropped: number;
}

/** One direction of a bridge: packets received on `from` go out on `to`. */
class Direction implements RtpSink {
  private readonly scratch = new Uint8Array(2048);
  private readonly table: Uint8Array | undefined;
  /** The transcoded payload as a view of `scratch`, kept while packets keep one size. */
  private scratchView = this.scratch.subarray(0, 0);

  constructor(
    private readonly bridge: Bridge,
    private readonly to: SwitchableLeg,
    private readonly side: RecordingSide,
    fromLaw: SwitchableLeg['codec']['law'],
  ) {
    this.table = fromLaw === to.codec.law ? undefined : fromLaw === 'pcmu' ? ULAW_TO_ALAW : ALAW_TO_ULAW;
  }

  receiveRtp(packet: RtpPacketView, kind: RtpPayloadKind, nowMs: number): void {
    const stats = this.bridge.stats;
    if (kind === 'telephone-event') {
      const pt = this.to.codec.telephoneEventPayloadType;
      if (pt === undefined) stats.eventsDropped++;
      else {
        this.to.relay(packet, pt, undefined, nowMs);
        stats.eventsRelayed++;
      }
      return;
    }
    if (kind !== 'pcmu' && kind !== 'pcma') return;
    this.bridge.recorder?.tap(this.side, packet, nowMs);
    if (this.side === 'caller') stats.callerToAgent++;
    else stats.agentToCaller++;
    const table = this.table;
    if (table === undefined) {
      // Same law on both legs: the payload goes through untouched, no decode, no re-encode.
      this.to.relay(packet, this.to.codec.payloadType, undefined, nowMs);
      return;
    }
    // μ-law ↔ A-law through the media package's direct 256-entry tables.
    const n = Math.min(packet.payloadLength, this.scratch.length);
    const bytes = packet.bytes;
    const from = packet.payloadOffset;
    for (let i = 0; i < n; i++) this.scratch[i] = table[bytes[from + i]!]!;
    stats.transcoded++;
    this.to.relay(packet, this.to.codec.payloadType, this.view(n), nowMs);
  }

  private view(n: number): Uint8Array {
    if (this.scratchView.length !== n) this.scratchView = this.scratch.subarray(0, n);
    return this.scratchView;
  }
}

/**
 * Two-party bridge between a caller leg and an agent leg: each received packet is relayed as
 * soon as it arrives (no jitter buffer on the relay path, so the bridge adds no delay) under the
 * other leg's SSRC, sequence and timestamp space (a B2BUA's RTP translator, RFC 3550 §7.1).
 * Payloads are copied when both legs use the same law and transcoded by table otherwise; RFC 4733
 * events are relayed to a leg that negotiated them. An optional {@link CallRecorder} is tapped
 * with both directions. Supervisor listen/whisper/barge and three-way calls go through a
 * `Conference` instead (see `MediaConnections`), which takes the recorder over.
 */
export class Bridge {
  readonly stats: BridgeStats = {
    callerToAgent: 0,
    agentToCaller: 0,
    transcoded: 0,
    eventsRelayed: 0,
    eventsDropped: 0,
  };
  recorder: CallRecorder | undefined;
  private active = true;

  constructor(
    readonly caller: SwitchableLeg,
    readonly agent: SwitchableLeg,
    recorder?: CallRecorder,
  ) {
    this.recorder = recorder;
    caller.setSink(new Direction(this, agent, 'caller', caller.codec.law));
    agent.setSink(new Direction(this, caller, 'agent', agent.codec.law));
  }

  /** True until {@link unbridge}. */
  get bridged(): boolean {
    return this.active;
  }

  /** Stops relaying (hold, transfer, hang-up); the legs stay open. */
  unbridge(): void {
    if (!this.active) return;
    this.active = false;
    this.caller.setSink(undefined);
    this.agent.setSink(undefined);
  }
}
