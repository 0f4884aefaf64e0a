import type { CallQuality, RtpPacketView, RtpPayloadKind } from '@switchboard/media';
import type { AudioLegWatchdogEvents } from './audio-leg';
import type { PeerFailure } from './peer-transport';

/** Where a WebRTC leg stands; see the diagram on `WebRtcLeg`. */
export type WebRtcLegState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'closed';

/** Figures of one WebRTC leg. */
export interface WebRtcLegStats {
  /** Audio and event packets accepted from the browser, over every transport. */
  readonly received: number;
  /** Packets of a payload type the answer did not negotiate, dropped. */
  readonly unknownPayloadType: number;
  /** Packets handed to the transport (dropped by it while DTLS is not up). */
  readonly sent: number;
  readonly transportFailures: number;
  /** Transports so far: 1 plus the number of rejoins. */
  readonly generation: number;
  /** True while an `rtp-timeout` is outstanding. */
  readonly silent: boolean;
}

/** Typed events of a WebRTC leg. */
export interface WebRtcLegEvents extends AudioLegWatchdogEvents {
  state: { readonly state: WebRtcLegState; readonly previous: WebRtcLegState };
  /** ICE checks succeeded and DTLS-SRTP keys are in place (RFC 5764 §4.1): media flows. */
  'transport-connected': { readonly generation: number };
  /** ICE or DTLS failed, or neither completed in time: the browser cannot hear or be heard. */
  'transport-failed': { readonly generation: number; readonly failure: PeerFailure };
  /** The browser closed its side (page closed or reloaded); the leg waits for a rejoin. */
  'transport-closed': { readonly generation: number };
  /** A re-offer for the same call was answered and its transport replaced the previous one. */
  rejoined: { readonly generation: number };
  /** Every accepted packet; `packet` is a reused view, valid only during the call. */
  rtp: { readonly packet: RtpPacketView; readonly kind: RtpPayloadKind };
  /** `quality` as {@link WebRtcLeg.quality} had it at the end. */
  closed: { readonly stats: WebRtcLegStats; readonly quality: CallQuality | undefined };
}
