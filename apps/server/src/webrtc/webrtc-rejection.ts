import { rejection, type Rejection } from '@switchboard/kernel';

/**
 * Stable codes of the WebRTC leg's expected refusals. Signalling answers the INVITE (or the
 * re-INVITE of a rejoin) with {@link sipStatusOfWebRtcRejection}.
 */
export const WebRtcCode = {
  /** The offer is not a session description we can read. */
  BadOffer: 'WEBRTC.BAD_OFFER',
  /** The offer has no usable audio stream (none, or port 0). */
  NoAudio: 'WEBRTC.NO_AUDIO',
  /** The offer's audio has neither PCMU nor a codec we can transcode. */
  NoCommonCodec: 'WEBRTC.NO_COMMON_CODEC',
  /** The offer lacks ICE credentials or a DTLS fingerprint (RFC 8829 §5.8), or werift refused it. */
  NegotiationFailed: 'WEBRTC.NEGOTIATION_FAILED',
  /** Our ICE candidates were not all gathered in time (RFC 8445 §5.1.1), so no answer could go out. */
  GatheringTimedOut: 'WEBRTC.ICE_GATHERING_TIMED_OUT',
  /** The leg was closed (hang-up) while an offer was being answered. */
  LegClosed: 'WEBRTC.LEG_CLOSED',
} as const;

/** One of {@link WebRtcCode}'s values. */
export type WebRtcCode = (typeof WebRtcCode)[keyof typeof WebRtcCode];

/** A coded WebRTC rejection with details. */
export function webRtcRejection(
  code: WebRtcCode,
  message: string,
  details?: Record<string, unknown>,
): Rejection {
  return rejection(code, message, details);
}

/**
 * The SIP final response for a refused offer: anything wrong with what the browser offered is
 * 488 Not Acceptable Here (RFC 3261 §21.4.26); our own failure to gather candidates is 503 so
 * the softphone may retry (§21.5.4); a leg closed meanwhile is 481, the call is gone (§21.4.19).
 */
export function sipStatusOfWebRtcRejection(r: Rejection): { status: number; reason: string } {
  switch (r.code) {
    case WebRtcCode.BadOffer:
    case WebRtcCode.NoAudio:
    case WebRtcCode.NoCommonCodec:
    case WebRtcCode.NegotiationFailed:
      return { status: 488, reason: 'Not Acceptable Here' };
    case WebRtcCode.GatheringTimedOut:
      return { status: 503, reason: 'Service Unavailable' };
    case WebRtcCode.LegClosed:
      return { status: 481, reason: 'Call/Transaction Does Not Exist' };
    default:
      return { status: 500, reason: 'Server Internal Error' };
  }
}
