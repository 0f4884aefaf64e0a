/**
 * Fixed phrases the voice context speaks outside any IVR flow (queue overflow, routing's hang-ups,
 * callback confirmations), in Mandarin and English. They are synthesized and cached like flow
 * prompts (`cmn-latn-pinyin` for Mandarin).
 */
import type { PromptLanguage } from './prompt-voice';

/** Every fixed phrase by name. */
export const VOICE_PHRASES = {
  /** Queue overflow to voicemail, before the beep. */
  'voicemail-greeting': {
    zh: '所有座席都在忙，请在提示音后留言，按井号键结束，我们会尽快回复您。',
    en: 'All our agents are busy. Please leave a message after the tone, press the hash key when done, and we will get back to you.',
  },
  /** The caller booked a callback (in-queue key press or routing's overflow to callback). */
  'callback-confirmed': {
    zh: '已为您登记回电，我们会按您的排队顺序尽快给您回电，再见。',
    en: 'Your callback is booked. We will call you back in your turn. Goodbye.',
  },
  'queue-full': {
    zh: '所有座席都在忙，请稍后再拨，再见。',
    en: 'All our agents are busy. Please call again later. Goodbye.',
  },
  closed: {
    zh: '现在是非工作时间，请在工作时间再拨，再见。',
    en: 'We are closed now. Please call again during business hours. Goodbye.',
  },
} as const satisfies Record<string, Record<PromptLanguage, string>>;

/** The name of a fixed phrase. */
export type VoicePhrase = keyof typeof VOICE_PHRASES;

/** The phrase in `language`; `undefined` for a name routing sent that has no phrase. */
export function voicePhrase(name: string, language: PromptLanguage): string | undefined {
  return Object.prototype.hasOwnProperty.call(VOICE_PHRASES, name)
    ? VOICE_PHRASES[name as VoicePhrase][language]
    : undefined;
}
