import { rejection, type Rejection } from '@switchboard/kernel';

/**
 * Stable codes of the media layer's expected refusals. Signalling turns them into SIP answers
 * with {@link sipStatusOfMediaRejection}.
 */
export const MediaCode = {
  /** Every RTP port of the configured range is in use. */
  PortsExhausted: 'MEDIA.RTP_PORTS_EXHAUSTED',
  /** A port could not be bound for a reason other than "in use" (address not on this host). */
  BindFailed: 'MEDIA.RTP_BIND_FAILED',
  /** The offer has no codec the leg can use (neither PCMU nor PCMA). */
  NoCommonCodec: 'MEDIA.NO_COMMON_CODEC',
  /** A prompt file is missing or not a WAV the player reads. */
  PromptUnreadable: 'MEDIA.PROMPT_UNREADABLE',
  /** The recording file could not be opened or written. */
  RecordingFailed: 'MEDIA.RECORDING_FAILED',
  /** The media worker thread holding the call died (its calls ended) or is being replaced. */
  WorkerFailed: 'MEDIA.WORKER_FAILED',
  /** Two legs on different media workers cannot be bridged: RTP never crosses threads. */
  LegsOnDifferentWorkers: 'MEDIA.LEGS_ON_DIFFERENT_WORKERS',
} as const;

/** One of {@link MediaCode}'s values. */
export type MediaCode = (typeof MediaCode)[keyof typeof MediaCode];

/** A coded media rejection with details. */
export function mediaRejection(
  code: MediaCode,
  message: string,
  details?: Record<string, unknown>,
): Rejection {
  return rejection(code, message, details);
}

/**
 * The SIP final response for a media refusal while answering an INVITE: no ports is a capacity
 * problem (503, RFC 3261 §21.5.4, the caller may retry elsewhere); no usable codec is 488 Not
 * Acceptable Here (§21.4.26).
 */
export function sipStatusOfMediaRejection(r: Rejection): { status: number; reason: string } {
  switch (r.code) {
    case MediaCode.NoCommonCodec:
      return { status: 488, reason: 'Not Acceptable Here' };
    case MediaCode.PortsExhausted:
    case MediaCode.BindFailed:
    case MediaCode.WorkerFailed:
      return { status: 503, reason: 'Service Unavailable' };
    default:
      return { status: 500, reason: 'Server Internal Error' };
  }
}
