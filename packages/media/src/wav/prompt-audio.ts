import { ok, type Rejection, type Result } from '@switchboard/kernel';
import { resample16kTo8k } from './resample';
import { parseWav, wavSamples } from './wav-reader';

/**
 * Turns a prompt file into what the player sends: 8 kHz mono 16-bit linear. Stereo is mixed down
 * (average of both channels) and 16 kHz is decimated; the player then encodes to the leg's law.
 */
export function promptFromWav(bytes: Uint8Array): Result<Int16Array, Rejection> {
  const file = parseWav(bytes);
  if (!file.ok) return file;
  const interleaved = wavSamples(file.value);
  let mono = interleaved;
  if (file.value.format.channels === 2) {
    mono = new Int16Array(interleaved.length >> 1);
    for (let i = 0; i < mono.length; i++) mono[i] = (interleaved[2 * i]! + interleaved[2 * i + 1]!) >> 1;
  }
  return ok(file.value.format.sampleRate === 16000 ? resample16kTo8k(mono) : mono);
}
