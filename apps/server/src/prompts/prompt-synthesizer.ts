/**
 * Text-to-speech for IVR prompts: Mandarin and English text becomes an 8 kHz mono WAV, rendered
 * once by espeak-ng and sox and cached under `<dataDir>/prompts/<hash>.wav`.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ConcurrencyLimit } from './concurrency-limit';
import { prepareMandarinText } from './mandarin-prompt-text';
import { PromptCode, PromptError } from './prompt-error';
import { resolvePromptVoice, type PromptLanguage } from './prompt-voice';
import { PROMPT_AUDIO_FORMAT, renderPrompt } from './render-prompt';
import { readWavFormat, type WavFormat } from './wav-format';

/**
 * Part of every cache key. Bump it whenever the text preparation or the sox pipeline changes, so
 * that prompts cached by an older release are rendered again instead of played stale.
 */
export const PROMPT_FORMAT_VERSION = 1;

/** Settings of a {@link PromptSynthesizer}; everything but `dataDir` has a default. */
export interface PromptSynthesizerOptions {
  /** Data directory of the server; prompts are cached in its `prompts/` folder. */
  readonly dataDir: string;
  /** espeak-ng executable (Debian package `espeak-ng`); default `espeak-ng` from `PATH`. */
  readonly espeakPath?: string;
  /** sox executable (Debian package `sox`); default `sox` from `PATH`. */
  readonly soxPath?: string;
  /** Renderings running at once; default the number of cores, at most 2. */
  readonly maxConcurrency?: number;
  /** Each child process is killed after this many milliseconds; default 15 000. */
  readonly timeoutMs?: number;
  /** Longest accepted prompt text in characters; default 1 000 (several minutes of speech). */
  readonly maxTextLength?: number;
}

/** One prompt to speak. */
export interface PromptRequest {
  /** The words to speak, as an admin or a webhook wrote them (digits and symbols allowed). */
  readonly text: string;
  readonly language: PromptLanguage;
  /** espeak-ng voice; default `cmn-latn-pinyin` for `zh`, `en-us` for `en`. */
  readonly voice?: string;
  /** Words per minute (80–400); default 160. */
  readonly rate?: number;
}

/** A synthesized prompt, ready for the media layer's player. */
export interface PromptAudio {
  /** Path of the 8 kHz mono 16-bit PCM WAV file, `<dataDir>/prompts/<hash>.wav`. */
  readonly path: string;
  /** sha256 cache key (hex) of version, language, voice, rate and text. */
  readonly hash: string;
  readonly durationMs: number;
  /** True when the file was already cached when the call arrived; false when it was rendered. */
  readonly cached: boolean;
}

/** Counters since the synthesizer was created, for metrics and tests. */
export interface PromptSynthesizerStats {
  /** Prompts rendered by espeak-ng and sox. */
  readonly rendered: number;
  /** Calls answered from the cache directory. */
  readonly cacheHits: number;
  /** Calls that joined a rendering already in flight for the same prompt. */
  readonly joinedInFlight: number;
  /** Child processes started. */
  readonly processesSpawned: number;
  readonly failures: number;
}

/** Where a prompt is cached and what espeak-ng will be asked to say. */
export interface PromptKey {
  readonly hash: string;
  /** Cache path, `<dataDir>/prompts/<hash>.wav`. */
  readonly path: string;
  readonly voice: string;
  readonly rate: number;
  /** The text after language preparation (numerals spelled out, pinyin corrections). */
  readonly spokenText: string;
}

/** Work files older than this were left by a crashed process; no rendering lives that long. */
const STALE_WORK_FILE_MS = 60 * 60 * 1000;

/**
 * Renders prompts with espeak-ng and sox and caches them by content hash.
 *
 * - The same prompt is rendered once: later calls find the cached file, and concurrent calls join
 *   the rendering in flight.
 * - A cached file appears by atomic rename after it is complete and flushed, so a crash leaves
 *   either no entry or a whole one (work files live in `prompts/tmp/`).
 * - Child processes get argument arrays and the text on stdin, a timeout, and at most
 *   `maxConcurrency` renderings run at once.
 *
 * Failures reject with a {@link PromptError}; a missing tool names the Debian package to install.
 */
export class PromptSynthesizer {
  readonly #dir: string;
  readonly #workDir: string;
  readonly #espeakPath: string;
  readonly #soxPath: string;
  readonly #timeoutMs: number;
  readonly #maxTextLength: number;
  readonly #limit: ConcurrencyLimit;
  readonly #inFlight = new Map<string, Promise<PromptAudio>>();
  #ready: Promise<void> | undefined;
  #stats = { rendered: 0, cacheHits: 0, joinedInFlight: 0, processesSpawned: 0, failures: 0 };

  constructor(options: PromptSynthesizerOptions) {
    this.#dir = join(options.dataDir, 'prompts');
    this.#workDir = join(this.#dir, 'tmp');
    this.#espeakPath = options.espeakPath ?? 'espeak-ng';
    this.#soxPath = options.soxPath ?? 'sox';
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#maxTextLength = options.maxTextLength ?? 1_000;
    this.#limit = new ConcurrencyLimit(options.maxConcurrency ?? Math.min(2, availableParallelism()));
  }

  /**
   * Returns the WAV file for the prompt, rendering it first if it is not cached. Rejects with a
   * {@link PromptError} on invalid input (`PROMPTS.INVALID_REQUEST`) or a failed rendering.
   */
  synthesize(request: PromptRequest): Promise<PromptAudio> {
    let key: PromptKey;
    try {
      key = this.promptKey(request);
    } catch (error) {
      return Promise.reject(error); // callers handle one channel of failure, the promise
    }
    const running = this.#inFlight.get(key.hash);
    if (running) {
      this.#stats.joinedInFlight++;
      return running;
    }
    // Registered before the first await, so a concurrent identical call always finds it.
    const job = this.#lookupOrRender(key).finally(() => this.#inFlight.delete(key.hash));
    this.#inFlight.set(key.hash, job);
    return job;
  }

  /** Validates the request and computes its cache key and path without touching the disk. */
  promptKey(request: PromptRequest): PromptKey {
    const { language, voice, rate } = resolvePromptVoice(request.language, request.voice, request.rate);
    const text = this.#cleanText(request.text);
    const hash = createHash('sha256')
      .update(JSON.stringify([PROMPT_FORMAT_VERSION, language, voice, rate, text]))
      .digest('hex');
    const spokenText = language === 'zh' ? prepareMandarinText(text) : text;
    return { hash, path: join(this.#dir, `${hash}.wav`), voice, rate, spokenText };
  }

  /** Counters since creation. */
  stats(): PromptSynthesizerStats {
    return { ...this.#stats };
  }

  async #lookupOrRender(key: PromptKey): Promise<PromptAudio> {
    try {
      await this.#prepareDirectories();
      const existing = await readWavFormat(key.path);
      if (existing && isPromptFormat(existing)) {
        this.#stats.cacheHits++;
        return { path: key.path, hash: key.hash, durationMs: existing.durationMs, cached: true };
      }
      const format = await this.#limit.run(() =>
        renderPrompt({
          espeakPath: this.#espeakPath,
          soxPath: this.#soxPath,
          voice: key.voice,
          rate: key.rate,
          text: key.spokenText,
          timeoutMs: this.#timeoutMs,
          workDir: this.#workDir,
          target: key.path,
          onSpawn: () => this.#stats.processesSpawned++,
        }),
      );
      this.#stats.rendered++;
      return { path: key.path, hash: key.hash, durationMs: format.durationMs, cached: false };
    } catch (error) {
      this.#stats.failures++;
      throw asPromptError(error, key.path);
    }
  }

  #cleanText(raw: unknown): string {
    if (typeof raw !== 'string') {
      throw new PromptError(PromptCode.InvalidRequest, 'prompt text must be a string');
    }
    // Control characters carry no speech and would make equal prompts hash differently.
    const text = raw
      .normalize('NFC')
      .replace(/\p{Cc}+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (text === '' || text.length > this.#maxTextLength) {
      throw new PromptError(
        PromptCode.InvalidRequest,
        `prompt text must have 1 to ${this.#maxTextLength} characters`,
        { length: text.length },
      );
    }
    return text;
  }

  #prepareDirectories(): Promise<void> {
    this.#ready ??= (async () => {
      await mkdir(this.#workDir, { recursive: true });
      await removeStaleWorkFiles(this.#workDir);
    })().catch((error: unknown) => {
      this.#ready = undefined; // a later call may succeed once the directory is fixed
      throw error;
    });
    return this.#ready;
  }
}

function isPromptFormat(format: WavFormat): boolean {
  return (
    format.encoding === 'pcm16' &&
    format.sampleRate === PROMPT_AUDIO_FORMAT.sampleRate &&
    format.channels === PROMPT_AUDIO_FORMAT.channels
  );
}

async function removeStaleWorkFiles(workDir: string): Promise<void> {
  const cutoff = Date.now() - STALE_WORK_FILE_MS;
  for (const name of await readdir(workDir)) {
    const path = join(workDir, name);
    const info = await stat(path).catch(() => undefined);
    // Only old files: another process sharing the data directory may be rendering right now.
    if (info && info.mtimeMs < cutoff) await rm(path, { force: true });
  }
}

function asPromptError(error: unknown, path: string): PromptError {
  if (error instanceof PromptError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PromptError(
    PromptCode.CacheFailed,
    `prompt cache could not be written: ${message}`,
    { path },
    {
      cause: error,
    },
  );
}
