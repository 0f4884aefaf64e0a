import type { FieldReader } from './field-reader';
import { FLOW_LIMITS } from './flow-types';
import { checkTemplate } from './template';

/** Languages prompts are spoken in (the server has a TTS voice for each). */
export const PROMPT_LANGUAGES = ['zh', 'en'] as const;
export type PromptLanguage = (typeof PROMPT_LANGUAGES)[number];

/**
 * What the caller hears: synthesized text (a template, see `renderTemplate`) or a recorded file
 * from the tenant's prompt library. `bargeIn` (default true) lets a key press cut the prompt short;
 * the key then counts as input. With `bargeIn: false` the prompt plays to its end and keys pressed
 * meanwhile are typed ahead: the node that reads keys next gets them, unless it sets
 * `typeAhead: false`.
 */
export type Prompt =
  | { readonly tts: string; readonly language: PromptLanguage; readonly bargeIn?: boolean }
  | { readonly file: string; readonly language?: PromptLanguage; readonly bargeIn?: boolean };

/** File references are library-relative paths: no `..`, no absolute path, no URL. */
const FILE_REF = /^(?!.*\.\.)[A-Za-z0-9_-][A-Za-z0-9_./-]*$/;

/** Checks the prompt in field `key` of `r`. */
export function checkPrompt(r: FieldReader, key: string, required = true): void {
  const p = r.object(key, required);
  if (!p) return;
  p.allow(['tts', 'file', 'language', 'bargeIn']);
  p.boolean('bargeIn');
  if (p.has('tts') === p.has('file')) {
    r.error(key, "needs exactly one of 'tts' (text) or 'file'");
    return;
  }
  if (p.has('tts')) {
    const text = p.string('tts', { max: FLOW_LIMITS.maxPromptChars });
    if (text !== undefined) checkTemplate(text, p.at('tts'), p.issues);
    p.oneOf('language', PROMPT_LANGUAGES);
  } else {
    p.string('file', { max: 200, pattern: FILE_REF, shape: 'a relative prompt file path' });
    p.oneOf('language', PROMPT_LANGUAGES, false);
  }
}

/** JSON Schema of a prompt. */
export const PROMPT_SCHEMA = {
  oneOf: [
    {
      type: 'object',
      required: ['tts', 'language'],
      additionalProperties: false,
      properties: {
        tts: { type: 'string', minLength: 1, maxLength: FLOW_LIMITS.maxPromptChars },
        language: { enum: PROMPT_LANGUAGES },
        bargeIn: { type: 'boolean', default: true },
      },
    },
    {
      type: 'object',
      required: ['file'],
      additionalProperties: false,
      properties: {
        file: { type: 'string', minLength: 1, maxLength: 200, pattern: FILE_REF.source },
        language: { enum: PROMPT_LANGUAGES, default: 'zh' },
        bargeIn: { type: 'boolean', default: true },
      },
    },
  ],
} as const;
