/**
 * The generated hold music, beep and voicemail tail (silence) as WAV files, written once into the
 * prompt cache (`<dataDir>/prompts/signals/`) like synthesized prompts, so the media layer's
 * prompt library loads and shares them like any prompt. A file appears by rename once complete, so
 * a crash never leaves half a file to play; the name changes when the audio does.
 */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWav } from '@switchboard/media';
import type { PlaybackItem, PromptLibrary } from '../media';
import { holdMelody, voicemailBeep } from './hold-melody';
import type { PromptAudio, SignalAudio } from './voice-ports';
import { VOICEMAIL_TAIL_MS } from './voicemail-listening';

/** Where the files are and how long they play. */
export interface SignalAudioFiles extends SignalAudio {
  /** The hold-music loop, written on first use. */
  holdMusic(): Promise<PromptAudio>;
}

/** Signal audio cached under `dataDir`. */
export function signalAudioFiles(dataDir: string): SignalAudioFiles {
  const dir = join(dataDir, 'prompts', 'signals');
  const once = new Map<string, Promise<PromptAudio>>();
  const file = (name: string, samples: () => Int16Array): Promise<PromptAudio> => {
    let pending = once.get(name);
    if (pending === undefined) {
      pending = ensureWav(join(dir, name), samples);
      // A failed write (full disk) is tried again on the next call rather than remembered.
      pending.catch(() => once.delete(name));
      once.set(name, pending);
    }
    return pending;
  };
  return {
    holdMusic: () => file('hold-music-v1.wav', holdMelody),
    beep: () => file('beep-v1.wav', voicemailBeep),
    voicemailTail: () =>
      file(`silence-${VOICEMAIL_TAIL_MS}ms.wav`, () => new Int16Array(VOICEMAIL_TAIL_MS * 8)),
  };
}

async function ensureWav(path: string, render: () => Int16Array): Promise<PromptAudio> {
  const samples = render();
  const durationMs = samples.length / 8;
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isFile()) return { path, durationMs };
  await mkdir(join(path, '..'), { recursive: true });
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const work = `${path}.${process.pid}.tmp`;
  await writeFile(work, encodeWav({ encoding: 'pcm16', sampleRate: 8000, channels: 1 }, bytes));
  await rename(work, path);
  return { path, durationMs };
}

/**
 * The hold music as a clip: loaded once by `prompts` and shared by every waiting caller of the
 * thread that plays it (media workers load it themselves, from its path).
 */
export function holdMusicClip(
  signals: SignalAudioFiles,
  prompts: PromptLibrary,
): () => Promise<PlaybackItem | undefined> {
  return async () => {
    const clip = await prompts.get((await signals.holdMusic()).path);
    return clip.ok ? { kind: 'prompt', clip: clip.value } : undefined;
  };
}
