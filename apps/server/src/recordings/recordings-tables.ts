/**
 * Where a recording is in its life: being written, closed normally, repaired after a crash, or
 * failed (it never started, or its writing broke off while the call went on).
 */
export type RecordingStatus = 'recording' | 'complete' | 'recovered' | 'failed';

/** One call recording (录音) in the index; the WAV lives at `relative_path` under the recordings root. */
export interface RecordingsTable {
  id: string;
  tenant_id: string;
  contact_id: string;
  call_id: string;
  /** Relative to `<dataDir>/recordings`, `/`-separated: `<tenant>/<yyyy-mm-dd>/<contact>.wav`. */
  relative_path: string;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  /** Size of the whole file (header included) once closed; null while recording. */
  bytes: number | null;
  /** `wav/mulaw-8000-stereo` and the like: encoding, rate and layout in one string. */
  format: string;
  paused_spans: number;
  /** Audio replaced by silence while paused (card numbers), ms. */
  paused_ms: number;
  status: RecordingStatus;
  /** Why a `failed` recording failed: the rejection code and the system's error code. */
  failure: string | null;
}

/** The recordings context's tables. */
export interface RecordingsTables {
  recordings: RecordingsTable;
}
