import type { Rejection } from '@switchboard/kernel';
import type { LegId } from '../calls';
import type { MediaService, MediaWorkerPool, PlaybackItem, RecordingSummary } from '../media';
import type { WebRtcEndpointOptions } from '../webrtc';

/** Options of `MediaServicePort` (`media-service-port.ts`). */
export interface MediaServicePortOptions {
  /** The in-process media layer; with `workers` it only serves the prompt library. */
  readonly media: MediaService;
  /** Media worker threads: when given, every leg, bridge, conference and recording runs there. */
  readonly workers?: MediaWorkerPool;
  /** The address our SDP advertises; default the address the RTP sockets are bound to. */
  readonly advertisedAddress?: string;
  /** A key the caller pressed (RFC 4733 or in-band), e.g. `voice.digit`. */
  readonly onDigit?: (legId: LegId, digit: string) => void;
  /** What music on hold loops in process; default silence, which still keeps NAT bindings alive. */
  readonly musicOnHold?: () => Promise<PlaybackItem | undefined>;
  /** The WAV music on hold loops on media workers (they load prompts by path); default silence. */
  readonly musicOnHoldPath?: () => Promise<string | undefined>;
  /**
   * Where a connection is recorded (stereo WAV) when `connect` names no path, or `undefined` not
   * to record it.
   */
  readonly recordingPath?: (a: LegId, b: LegId) => string | undefined;
  /** A recording was closed (unbridge, hold, hang-up) or could not start (`error`). */
  readonly onRecordingClosed?: (summary: RecordingSummary) => void;
  /** Why a recording could not start; the call is connected unrecorded. */
  readonly onRecordingFailed?: (path: string, rejection: Rejection) => void;
  /**
   * Browser softphones (`webrtc` legs): ICE addresses, timeouts and the leg events (no audio,
   * transport failure, rejoin). Without it a WebRTC leg is still served, with werift's defaults.
   */
  readonly webrtc?: WebRtcEndpointOptions;
}
