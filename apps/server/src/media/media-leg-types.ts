import type {
  G711Law,
  ReceiveSnapshot,
  RtpLegCounters,
  RtpPacketView,
  RtpPayloadKind,
  TelephoneEventCounters,
  TelephoneEventName,
  DtmfSource,
} from '@switchboard/media';
import type { MediaRuntime } from './media-clock';
import type { MediaTicker } from './media-ticker';
import type { RemoteReport } from './rtcp-session';
import type { RtpSocketPair } from './rtp-port-pool';
import type { SourceLatchOptions, TransportAddress } from './source-latch';

/** The codec a leg negotiated in SDP: one G.711 law and, optionally, RFC 4733 events. */
export interface LegCodec {
  readonly law: G711Law;
  /** 0 for PCMU, 8 for PCMA (RFC 3551 static types) unless the offer remapped them. */
  readonly payloadType: number;
  /** Dynamic payload type of `telephone-event/8000`, when negotiated. */
  readonly telephoneEventPayloadType?: number;
}

/** Where the remote wants media, from its SDP (`c=`, `m=` port, optional `a=rtcp`, RFC 3605). */
export interface RemoteMedia extends TransportAddress {
  readonly rtcpPort?: number;
}

export interface MediaLegOptions {
  /** Id for logs and events (the call leg id of signalling). */
  readonly id: string;
  readonly sockets: RtpSocketPair;
  readonly codec: LegCodec;
  /** The remote from SDP; may come later through `MediaLeg.setRemote`. */
  readonly remote?: RemoteMedia;
  readonly runtime: MediaRuntime;
  readonly ticker: MediaTicker;
  /** "No audio" is reported after this much silence on the receive side; default 10 s. */
  readonly noRtpTimeoutMs?: number;
  readonly latch?: SourceLatchOptions;
  /** SDES CNAME (RFC 3550 §6.5.1); default `<id>@switchboard`. */
  readonly cname?: string;
  /** Called once when the leg closes, e.g. to give its ports back to the pool. */
  readonly release?: (sockets: RtpSocketPair) => void;
  /**
   * Detect key presses in the audio (Goertzel) besides RFC 4733 events; default true. Detection
   * runs while it can matter and costs little: always on a leg that negotiated no telephone-event
   * (tones are its only way to signal), and on any other leg while its audio is not relayed to
   * another party (IVR, queue), where a gateway may send tones in band anyway. While bridged, a leg
   * with telephone-event skips it: its presses come as events, and tones reach the other party in
   * the relayed audio. A press seen both ways is reported once ({@link DtmfArbiter}).
   */
  readonly inBandDtmf?: boolean;
}

/** Typed events of a media leg. */
export interface MediaLegEvents {
  /** Media now goes to the address packets came from (symmetric RTP, callers behind NAT). */
  latched: { readonly remote: TransportAddress; readonly previous: TransportAddress | undefined };
  /** The remote's stream changed SSRC (RFC 3550 §8.2: a new source, e.g. after a transfer). */
  'ssrc-changed': { readonly ssrc: number; readonly previous: number | undefined };
  /** First packet of a key press (RFC 4733), or its tones confirmed in band: enough to barge in. */
  'dtmf-started': { readonly digit: TelephoneEventName; readonly source: DtmfSource };
  /**
   * A key press, reported once however many redundant end packets came, and once when both RFC 4733
   * and in-band tones carried it. RFC 4733 presses are reported at their end with their duration;
   * in-band ones as soon as the tones are confirmed, with the confirmed duration.
   */
  dtmf: { readonly digit: TelephoneEventName; readonly durationMs: number; readonly source: DtmfSource };
  /** No RTP for `silentMs`: one-way or dead audio, reported instead of a silent call. */
  'rtp-timeout': { readonly silentMs: number };
  /** RTP came back after an `rtp-timeout`. */
  'rtp-resumed': { readonly silentMs: number };
  /** The remote's view of our stream, from its SR or RR. */
  'rtcp-report': RemoteReport;
  /** The remote said goodbye (RFC 3550 §6.6). */
  'rtcp-bye': { readonly ssrc: number | undefined };
  /** Part of the leg's media path failed; the call goes on, see {@link MediaFault}. */
  'media-fault': MediaFault;
  closed: { readonly stats: MediaLegStats };
}

/**
 * A failure on a leg's media path, reported once per kind (a send failure again after the remote
 * changed) and counted every time (`sendErrors`, `receiveErrors`), instead of a thrown error that
 * would end the process or the media worker with every call on it:
 * - `send`: the socket refused a datagram at once (`code` is Node's, e.g. `ERR_SOCKET_BAD_PORT`,
 *   `ERR_SOCKET_DGRAM_NOT_RUNNING`); the leg sends nothing more until signalling or latching
 *   gives it another remote, so the far end hears silence and its own watchdog applies;
 * - `receive`: handling a received packet threw (a bug); that packet is dropped, the next ones
 *   are handled as usual.
 */
export interface MediaFault {
  readonly kind: 'send' | 'receive';
  readonly code: string;
  readonly message: string;
}

/** Receive-side counters beyond the media package's: latching and RTCP. */
export interface LegExtraCounters {
  /** Valid RTP from a source that is not the remote, dropped (latching closed). */
  stray: number;
  /** Valid RTP from a candidate source while learning, before it latched. */
  learning: number;
  latches: number;
  /** RTP or RTCP from a source nothing can be sent to (UDP source port 0), dropped. */
  unusableSource: number;
  /** Datagrams (RTP or RTCP) the socket refused to send (see {@link MediaFault}). */
  sendErrors: number;
  /** Received datagrams whose handling threw (see {@link MediaFault}). */
  receiveErrors: number;
  rtcpReceived: number;
  rtcpMalformed: number;
  socketErrors: number;
}

/** Figures of one leg for call-quality statistics. */
export interface MediaLegStats {
  readonly receive: ReceiveSnapshot;
  readonly counters: Readonly<RtpLegCounters> & Readonly<LegExtraCounters>;
  readonly dtmf: TelephoneEventCounters;
  readonly sentPackets: number;
  readonly sentOctets: number;
  readonly rtcpSent: number;
  readonly lastRemoteReport: RemoteReport | undefined;
  /** The latest round trip RTCP measured, which the last report may not carry. */
  readonly roundTripMs: number | undefined;
  readonly remote: TransportAddress | undefined;
}

/**
 * Where a leg delivers accepted packets (audio and telephone-events). `packet` is a reused view,
 * valid only during the call. One consumer at a time: the bridge or conference, or nothing (IVR
 * ignores audio).
 */
export interface RtpSink {
  receiveRtp(packet: RtpPacketView, kind: RtpPayloadKind, nowMs: number): void;
}

/**
 * What a bridge or conference needs of a leg: its codec, where its packets go, and how to send
 * to it. A {@link MediaLeg} is one; so is the stand-in for a leg on another media worker.
 */
export interface SwitchableLeg {
  readonly id: string;
  readonly codec: LegCodec;
  setSink(sink: RtpSink | undefined): void;
  /** Relays a packet received on another leg (`payload` when it was transcoded). */
  relay(packet: RtpPacketView, payloadType: number, payload?: Uint8Array, nowMs?: number): void;
  /** Encodes one 20 ms frame of 8 kHz linear samples to the leg's law and sends it. */
  sendLinear(samples: Int16Array): void;
}
