/**
 * Music on hold and the voicemail beep, generated rather than recorded: no copyrighted audio ships
 * with the product, and nothing is downloaded. The melody is a slow arpeggio over the I–V–vi–IV
 * progression in C major, soft sine notes with a bell-like envelope (a short attack and a long
 * decay), so the loop is calm, has no clicks at note edges, and restarts seamlessly because it
 * begins and ends in silence. Pure functions of the sample rate.
 */

/** Notes of one bar: the chord's tones rising then falling (frequencies in Hz). */
const PROGRESSION: readonly (readonly number[])[] = [
  [261.63, 329.63, 392.0, 523.25, 392.0, 329.63], // C
  [196.0, 246.94, 293.66, 392.0, 293.66, 246.94], // G
  [220.0, 261.63, 329.63, 440.0, 329.63, 261.63], // Am
  [174.61, 220.0, 261.63, 349.23, 261.63, 220.0], // F
];

/** Length of one arpeggio note. */
const NOTE_MS = 450;
/** Peak of a note, about −14 dBFS: audible over a phone line without crowding an announcement. */
const PEAK = 6500;

/** One note: a sine with a quieter octave for warmth, 10 ms attack and an exponential decay. */
function addNote(out: Float64Array, start: number, hz: number, samples: number, sampleRate: number): void {
  const attack = Math.round(sampleRate * 0.01);
  const release = Math.round(sampleRate * 0.02);
  for (let i = 0; i < samples && start + i < out.length; i++) {
    const t = i / sampleRate;
    const attackGain = i < attack ? i / attack : 1;
    const releaseGain = i > samples - release ? Math.max(0, (samples - i) / release) : 1;
    const decay = Math.exp(-3 * t);
    const phase = 2 * Math.PI * hz * t;
    out[start + i]! +=
      PEAK * attackGain * releaseGain * decay * (Math.sin(phase) + 0.25 * Math.sin(2 * phase));
  }
}

/** The hold-music loop: two passes of the progression, about 22 s at 450 ms a note. */
export function holdMelody(sampleRate = 8000): Int16Array {
  const noteSamples = Math.round((sampleRate * NOTE_MS) / 1000);
  const notes = [...PROGRESSION, ...PROGRESSION].flat();
  // Each note rings on under the next one for a legato sound; the tail decays into the loop point.
  const ring = noteSamples * 2;
  const mix = new Float64Array(noteSamples * notes.length + ring);
  notes.forEach((hz, n) => addNote(mix, n * noteSamples, hz, ring, sampleRate));
  return toInt16(mix);
}

/** The beep before a voicemail: 1 kHz for 400 ms (the customary voicemail tone), ramped ends. */
export function voicemailBeep(sampleRate = 8000): Int16Array {
  const samples = Math.round(sampleRate * 0.4);
  const ramp = Math.round(sampleRate * 0.01);
  const out = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const gain = Math.min(1, i / ramp, (samples - 1 - i) / ramp);
    out[i] = 9000 * gain * Math.sin((2 * Math.PI * 1000 * i) / sampleRate);
  }
  return toInt16(out);
}

function toInt16(samples: Float64Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++)
    out[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i]!)));
  return out;
}
