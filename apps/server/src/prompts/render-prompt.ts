/**
 * The synthesis pipeline for one prompt: espeak-ng speaks the text into a 22.05 kHz WAV, sox turns
 * it into the telephone prompt format, and the result replaces the cache entry in one rename.
 */
import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PromptCode, PromptError } from './prompt-error';
import { runTool } from './run-tool';
import { readWavFormat, type WavFormat } from './wav-format';

/**
 * Format of every cached prompt: 8 kHz mono 16-bit linear PCM. Linear rather than μ-law because
 * the media layer encodes each leg to the codec it negotiated (PCMU or PCMA); a μ-law file would
 * cost A-law legs a second, lossy quantization.
 */
export const PROMPT_AUDIO_FORMAT = { sampleRate: 8000, channels: 1, bitsPerSample: 16 } as const;

/** Below this a rendering holds no speech: sox trimmed it to the padding alone. */
const MIN_SPEECH_MS = 450;

/** Everything one rendering needs. */
export interface RenderJob {
  readonly espeakPath: string;
  readonly soxPath: string;
  readonly voice: string;
  readonly rate: number;
  /** Text as espeak-ng should read it (already prepared for the language). */
  readonly text: string;
  readonly timeoutMs: number;
  /** Directory for work files, on the same file system as `target`. */
  readonly workDir: string;
  /** Final cache path; written only once the rendering is complete and flushed. */
  readonly target: string;
  /** Called before each child process starts (counts processes for statistics). */
  readonly onSpawn: () => void;
}

/** Renders the prompt into `job.target` and returns its format. */
export async function renderPrompt(job: RenderJob): Promise<WavFormat> {
  const stem = join(job.workDir, `${randomUUID()}`);
  const speech = `${stem}.speech.wav`;
  const telephone = `${stem}.wav`;
  try {
    await speak(job, speech);
    await convert(job, speech, telephone);
    const format = await readWavFormat(telephone);
    if (!format || format.durationMs < MIN_SPEECH_MS) {
      throw new PromptError(PromptCode.NoAudio, 'the prompt text produced no speech', {
        text: job.text,
        durationMs: format?.durationMs,
      });
    }
    await flush(telephone);
    await rename(telephone, job.target);
    return format;
  } finally {
    await rm(speech, { force: true });
    await rm(telephone, { force: true });
  }
}

function speak(job: RenderJob, output: string): Promise<void> {
  job.onSpawn();
  // The text goes through stdin, never argv: text starting with '-' cannot become an option, and
  // without -m espeak-ng treats SSML-looking text as plain words. -b 1 = input is UTF-8.
  return runTool({
    tool: 'espeak-ng',
    debianPackage: 'espeak-ng',
    command: job.espeakPath,
    args: ['-b', '1', '-v', job.voice, '-s', String(job.rate), '-w', output, '--stdin'],
    stdin: job.text,
    timeoutMs: job.timeoutMs,
  });
}

function convert(job: RenderJob, input: string, output: string): Promise<void> {
  job.onSpawn();
  const { sampleRate, channels, bitsPerSample } = PROMPT_AUDIO_FORMAT;
  return runTool({
    tool: 'sox',
    debianPackage: 'sox',
    command: job.soxPath,
    args: [
      // No dither: identical input gives identical bytes, and G.711 requantizes anyway.
      '-D',
      '-V1',
      input,
      ...['-r', String(sampleRate), '-c', String(channels), '-b', String(bitsPerSample)],
      ...['-e', 'signed-integer', '-t', 'wav', output],
      // Trim espeak-ng's leading and trailing silence (reverse trick: silence trims the start only).
      ...['silence', '1', '0.02', '0.5%', 'reverse', 'silence', '1', '0.02', '0.5%', 'reverse'],
      // Resample with a steep filter, then peak-normalize to -3 dBFS so every prompt plays equally
      // loud; pad a short lead-in and tail so chained prompts do not run into each other.
      ...['rate', '-h', String(sampleRate), 'norm', '-3', 'pad', '0.15', '0.25'],
    ],
    timeoutMs: job.timeoutMs,
  });
}

/** Forces the rendering to disk before the rename publishes it, so a power loss cannot leave a
 * cache entry whose name exists but whose contents never reached the disk. */
async function flush(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
