/** TypeBox schemas of the recordings API (OpenAPI comes from them). */
import { Type, type TSchema } from 'typebox';
import type { Recording } from './recording-repository';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const RecordingSchema = Type.Object({
  id: Type.String(),
  contactId: Type.String(),
  callId: Type.String(),
  startedAt: Timestamp,
  endedAt: Nullable(Timestamp),
  durationMs: Nullable(Type.Integer({ description: 'null while recording' })),
  bytes: Nullable(Type.Integer({ description: 'size of the WAV file; null while recording' })),
  format: Type.String({ description: 'wav/mulaw-8000-stereo: caller left, agent right' }),
  pausedSpans: Type.Integer({ description: 'times the recording was paused (card numbers)' }),
  pausedMs: Type.Integer({ description: 'audio replaced by silence while paused' }),
  status: Type.Union(
    [Type.Literal('recording'), Type.Literal('complete'), Type.Literal('recovered'), Type.Literal('failed')],
    {
      description:
        'recovered: the server stopped mid-call and the file was repaired at start-up; ' +
        'failed: the recording never started, or broke off while the call went on (see failure)',
    },
  ),
  failure: Nullable(
    Type.String({ description: 'why a failed recording failed: MEDIA.RECORDING_FAILED (ENOSPC)' }),
  ),
});

export const RecordingListSchema = Type.Object({ items: Type.Array(RecordingSchema) });

export const RecordingListQuery = Type.Object(
  { contactId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })) },
  { additionalProperties: false },
);

export const RecordingIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

/** The API view of a recording: the file's place on disk stays private. */
export function recordingView(r: Recording) {
  return {
    id: r.id,
    contactId: r.contactId,
    callId: r.callId,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: r.durationMs,
    bytes: r.bytes,
    format: r.format,
    pausedSpans: r.pausedSpans,
    pausedMs: r.pausedMs,
    status: r.status,
    failure: r.failure,
  };
}
