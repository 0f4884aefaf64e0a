import type { RtpPacketView } from '@switchboard/media';
import type { LegCodec, RtpSink } from '../media/media-leg-types';

/**
 * What a two-party bridge needs from a leg, whatever carries its packets: plain RTP over UDP
 * (`MediaLeg`) or DTLS-SRTP over ICE to a browser (`WebRtcLeg`). Both deliver received packets
 * to one {@link RtpSink} and accept packets to relay, in the negotiated G.711 law, so the bridge
 * copies payload bytes between them without transcoding.
 *
 * `MediaLeg` already has this shape (checked at compile time in `audio-leg.test.ts`); the bridge
 * takes the concrete class today and can take this interface instead without other change.
 */
export interface AudioLeg {
  /** Id for logs and events (the call leg id of signalling). */
  readonly id: string;
  /** The negotiated law and payload types. */
  readonly codec: LegCodec;
  /** Delivers accepted packets to `sink` (the bridge), or to nobody. */
  setSink(sink: RtpSink | undefined): void;
  /** Sends one 20 ms frame already encoded in the leg's law. */
  sendFrame(payload: Uint8Array, marker?: boolean): void;
  /** Encodes one frame of 8 kHz linear samples to the leg's law and sends it. */
  sendLinear(samples: Int16Array, marker?: boolean): void;
  /** Relays a packet received on another leg; `payload` when it had to be transcoded. */
  relay(packet: RtpPacketView, payloadType: number, payload?: Uint8Array): void;
  /** Stops everything and releases the transport. Idempotent. */
  close(): void;
}

/** The watchdog events every leg emits, with the same names and payloads as `MediaLegEvents`. */
export interface AudioLegWatchdogEvents {
  /** No RTP for `silentMs`: one-way or dead audio, reported instead of a silent call. */
  'rtp-timeout': { readonly silentMs: number };
  /** RTP came back after an `rtp-timeout`. */
  'rtp-resumed': { readonly silentMs: number };
}
