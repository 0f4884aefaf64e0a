/**
 * The recording switch over a media layer that can pause the recording of the connection a leg is
 * in (`MediaConnections.pauseRecording`: the recorder writes silence while paused). The media layer
 * says only whether anything records; which calls are paused is kept here, by caller leg.
 */
import { ok, reject } from '@switchboard/kernel';
import type { LegId } from '../calls';
import { CallActionCode } from './call-action-codes';
import type { RecordingSwitch } from './call-action-ports';

/** What the media layer offers: pause or resume, false when the leg's connection records nothing. */
export interface RecordingPauser {
  pauseRecording(legId: LegId, paused: boolean): boolean;
  /** Whether anything records the leg's call now; without it every call is taken as recorded. */
  isRecording?(legId: LegId): boolean;
}

/** A {@link RecordingSwitch} over `media`; `live` tells whether a caller leg is still up. */
export function mediaRecordingSwitch(
  media: RecordingPauser,
  live: (callerLegId: LegId) => boolean,
): RecordingSwitch {
  const paused = new Set<LegId>();
  return {
    state(call) {
      // Forget calls that ended paused: the set holds live calls only.
      for (const legId of paused) if (!live(legId)) paused.delete(legId);
      if (media.isRecording?.(call.callerLegId) === false) return undefined;
      return { paused: paused.has(call.callerLegId) };
    },
    setPaused(call, pause) {
      if (!media.pauseRecording(call.callerLegId, pause))
        return reject(CallActionCode.NOT_RECORDED, 'This call is not being recorded');
      if (pause) paused.add(call.callerLegId);
      else paused.delete(call.callerLegId);
      return ok(undefined);
    },
  };
}
