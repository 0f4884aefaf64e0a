/**
 * Voicemail recording on the caller's RTP leg: the leg's audio packets (PCMU or PCMA) are taken as
 * the leg's sink, decoded to 16-bit linear and appended to a mono 8 kHz WAV, while a
 * {@link SpeechMeter} watches for the silence that ends a message. The recording ends on `stop()`
 * (`#`), after `silenceSeconds` of silence, at `maxSeconds`, or when the leg closes (hang-up); the
 * file's header is finalised in every case. The leg gets its sink back (none) when it ends.
 */
import { join } from 'node:path';
import { decodeG711, type RtpPacketView, type RtpPayloadKind } from '@switchboard/media';
import { err, ok, reject, type Rejection, type Result, type Timers } from '@switchboard/kernel';
import type { LegId } from '../calls';
import { RecordingFile, type TappableLeg } from '../media';
import { SpeechMeter } from './speech-meter';
import type {
  VoicemailEnd,
  VoicemailMessage,
  VoicemailPort,
  VoicemailRequest,
  VoicemailTake,
} from './voice-ports';

/** Options of {@link mediaVoicemailRecorder}. */
export interface MediaVoicemailRecorderOptions {
  /** The RTP leg serving a call leg (`MediaServicePort.legOf`). */
  readonly legOf: (legId: LegId) => TappableLeg | undefined;
  /** Where recordings are written until they are kept or discarded. */
  readonly workDir: string;
  readonly timers: Timers;
}

const MONO_PCM16 = { encoding: 'pcm16', sampleRate: 8000, channels: 1 } as const;

/** Records voicemails on RTP legs. */
export function mediaVoicemailRecorder(o: MediaVoicemailRecorderOptions): VoicemailPort {
  return {
    record(request) {
      let stopRequested: (() => void) | undefined;
      let stoppedEarly = false;
      const finished = recordOn(o, request, (finish) => {
        stopRequested = finish;
        if (stoppedEarly) finish();
      });
      return {
        stop: () => {
          stoppedEarly = true;
          stopRequested?.();
        },
        finished,
      } satisfies VoicemailTake;
    },
  };
}

async function recordOn(
  o: MediaVoicemailRecorderOptions,
  request: VoicemailRequest,
  onStoppable: (stop: () => void) => void,
): Promise<Result<VoicemailMessage, Rejection>> {
  const leg = o.legOf(request.legId);
  if (leg === undefined)
    return reject('VOICE.VOICEMAIL_UNAVAILABLE', 'the caller has no media leg to record', {
      legId: request.legId,
    });
  const path = join(o.workDir, `${request.contactId.replace(/[^A-Za-z0-9_-]/g, '_')}.wav`);
  const created = await RecordingFile.create(path, MONO_PCM16);
  if (!created.ok) return err(created.error);
  const file = created.value;
  const meter = new SpeechMeter({ silenceMs: request.silenceSeconds * 1000 });
  const law = leg.codec.law;
  let samples = 0;
  return new Promise((resolve) => {
    let done = false;
    const end = (endedBy: VoicemailEnd) => {
      if (done) return;
      done = true;
      o.timers.clear(limit);
      leg.off('closed', onClosed);
      if (endedBy !== 'hang-up') leg.setSink(undefined);
      void file
        .finish()
        .then((finished) =>
          resolve(
            finished.ok
              ? ok({ path, durationMs: samples / 8, voicedMs: meter.voicedMs, endedBy })
              : err(finished.error),
          ),
        );
    };
    const onClosed = () => end('hang-up');
    const limit = o.timers.set(request.maxSeconds * 1000, () => end('max-length'));
    leg.on('closed', onClosed);
    leg.setSink({
      receiveRtp(packet: RtpPacketView, kind: RtpPayloadKind) {
        if (done || (kind !== 'pcmu' && kind !== 'pcma')) return;
        const payload = packet.payload();
        const linear = new Int16Array(payload.length);
        decodeG711(kind === 'pcma' ? 'pcma' : law, payload, linear);
        samples += linear.length;
        meter.add(linear);
        // The file owns the bytes from here on: `linear` is never reused.
        file.append(new Uint8Array(linear.buffer, linear.byteOffset, linear.byteLength));
        if (meter.silent) end('silence');
      },
    });
    onStoppable(() => end('key'));
  });
}
