/** Stable rejection codes of the recordings context; HTTP statuses live in `http/problem-status.ts`. */
export const RecordingCode = {
  /** No recording with that id in the caller's tenant (other tenants' ids included). */
  RECORDING_NOT_FOUND: 'RECORDINGS.RECORDING_NOT_FOUND',
  /**
   * The index names a file that is not (or no longer) on disk, or lies outside the recordings root,
   * or the recording failed before any audio was written.
   */
  AUDIO_MISSING: 'RECORDINGS.AUDIO_MISSING',
} as const;

export type RecordingCode = (typeof RecordingCode)[keyof typeof RecordingCode];
