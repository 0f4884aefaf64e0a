/**
 * Whether a recorded voicemail is worth an agent's time. A message shorter than
 * {@link MIN_VOICEMAIL_MS} (the caller hung up at the beep) or with less than
 * {@link MIN_VOICED_MS} of speech (silence or line noise until the timeout) is discarded: it would
 * only cost an agent a listen and a callback to someone who left no message.
 */
import type { VoicemailMessage } from './voice-ports';

/** Shortest message kept. */
export const MIN_VOICEMAIL_MS = 1500;
/** Least speech a kept message holds. */
export const MIN_VOICED_MS = 400;

/** Keep, or discard with a reason. */
export type VoicemailVerdict =
  { readonly keep: true } | { readonly keep: false; readonly reason: 'too-short' | 'empty' };

export function voicemailVerdict(m: Pick<VoicemailMessage, 'durationMs' | 'voicedMs'>): VoicemailVerdict {
  if (m.durationMs < MIN_VOICEMAIL_MS) return { keep: false, reason: 'too-short' };
  if (m.voicedMs < MIN_VOICED_MS) return { keep: false, reason: 'empty' };
  return { keep: true };
}
