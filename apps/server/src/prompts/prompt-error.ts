/**
 * Stable codes of prompt synthesis failures. Synthesis runs outside any decider, so failures are
 * thrown as {@link PromptError} (a `DomainError`) and the HTTP edge maps them like any other code.
 */
import { DomainError } from '@switchboard/kernel';

/** Every code prompt synthesis produces. */
export const PromptCode = {
  /** The request is unusable: empty or too long text, unknown language, malformed voice or rate. */
  InvalidRequest: 'PROMPTS.INVALID_REQUEST',
  /** espeak-ng or sox is not installed at the configured path (details name the Debian package). */
  ToolMissing: 'PROMPTS.TOOL_MISSING',
  /** espeak-ng or sox exited with an error (details carry the end of its stderr). */
  ToolFailed: 'PROMPTS.TOOL_FAILED',
  /** espeak-ng or sox ran longer than the configured timeout and was killed. */
  ToolTimedOut: 'PROMPTS.TOOL_TIMED_OUT',
  /** The tools succeeded but the result holds no audible speech (text of punctuation only). */
  NoAudio: 'PROMPTS.NO_AUDIO',
  /** The prompt cache directory could not be written. */
  CacheFailed: 'PROMPTS.CACHE_FAILED',
} as const;

/** One of {@link PromptCode}'s values. */
export type PromptCode = (typeof PromptCode)[keyof typeof PromptCode];

/** A prompt could not be synthesized; `code` says why, `details` say with what. */
export class PromptError extends DomainError {
  constructor(
    code: PromptCode,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options);
    this.name = 'PromptError';
  }
}
