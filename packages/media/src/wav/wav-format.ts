/**
 * WAVE formats this package reads and writes (RIFF WAVE, Microsoft/IBM 1991; RFC 2361 for the
 * format tags): 16-bit PCM at 8 or 16 kHz, and 8-bit G.711 A-law (tag 6) or μ-law (tag 7) at 8 kHz,
 * mono or stereo (a recording keeps the caller left and the agent right).
 */
export const WAVE_FORMAT_PCM = 1;
export const WAVE_FORMAT_ALAW = 6;
export const WAVE_FORMAT_MULAW = 7;
/** WAVE_FORMAT_EXTENSIBLE: the real tag sits in the first two bytes of the SubFormat GUID. */
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export type WavEncoding = 'pcm16' | 'alaw' | 'mulaw';

export interface WavFormat {
  readonly encoding: WavEncoding;
  readonly sampleRate: 8000 | 16000;
  readonly channels: 1 | 2;
}

/** Stable codes for files that are refused (never thrown). */
export type WavError =
  | 'MEDIA.WAV_NOT_RIFF'
  | 'MEDIA.WAV_NOT_WAVE'
  | 'MEDIA.WAV_NO_FORMAT'
  | 'MEDIA.WAV_BAD_FORMAT'
  | 'MEDIA.WAV_UNSUPPORTED_FORMAT'
  | 'MEDIA.WAV_NO_DATA';

/** WAVE format tag of an encoding. */
export function formatTag(encoding: WavEncoding): number {
  return encoding === 'pcm16' ? WAVE_FORMAT_PCM : encoding === 'alaw' ? WAVE_FORMAT_ALAW : WAVE_FORMAT_MULAW;
}

/** Bytes per sample of one channel. */
export function bytesPerSample(encoding: WavEncoding): number {
  return encoding === 'pcm16' ? 2 : 1;
}

/** Bytes per sample frame (all channels): the `nBlockAlign` of the format chunk. */
export function blockAlign(format: WavFormat): number {
  return bytesPerSample(format.encoding) * format.channels;
}
