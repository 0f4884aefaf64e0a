/**
 * The voice context's {@link PromptSource} over the prompt synthesizer (text, rendered once by
 * espeak-ng and cached) and a folder of recorded prompt files.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { TenantId } from '@switchboard/kernel';
import type { PromptLibrary } from '../media';
import type { PromptSynthesizer } from '../prompts/prompt-synthesizer';
import type { PromptAudio, PromptSource } from './voice-ports';

/** Options of {@link synthesizedPromptSource}. */
export interface SynthesizedPromptSourceOptions {
  readonly synthesizer: Pick<PromptSynthesizer, 'synthesize'>;
  /** Loads recorded files to learn their duration (the media service's library caches them). */
  readonly library: Pick<PromptLibrary, 'get'>;
  /** Folder that a flow's `file` prompts are relative to; files outside it are refused. */
  readonly fileRoot: string;
}

/**
 * Text prompts are synthesized; file prompts resolve under `fileRoot`. Rejects (the IVR then skips
 * the prompt) for a prompt with neither, a path escaping the folder, or an unreadable file.
 */
export function synthesizedPromptSource(o: SynthesizedPromptSourceOptions): PromptSource {
  return {
    async audioFor(_tenantId: TenantId, prompt): Promise<PromptAudio> {
      if (prompt.file !== undefined) return fileAudio(o, prompt.file);
      if (prompt.text === undefined) throw new Error('prompt has neither text nor file');
      const audio = await o.synthesizer.synthesize({ text: prompt.text, language: prompt.language });
      return { path: audio.path, durationMs: audio.durationMs };
    },
  };
}

async function fileAudio(o: SynthesizedPromptSourceOptions, file: string): Promise<PromptAudio> {
  const root = resolve(o.fileRoot);
  const path = resolve(root, file);
  const inside = relative(root, path);
  // A flow is tenant-authored: it must not name files elsewhere on the host.
  if (inside.startsWith('..') || isAbsolute(inside))
    throw new Error(`prompt file outside the prompt folder: ${file}`);
  const clip = await o.library.get(path);
  if (!clip.ok) throw new Error(clip.error.message);
  return { path, durationMs: clip.value.durationMs };
}
