/**
 * Which espeak-ng voice speaks which prompt language, and the limits on caller-chosen voices and
 * rates.
 *
 * Mandarin voice, measured on espeak-ng 1.51 (Debian `espeak-ng`): `espeak-ng --voices=cmn` lists
 * `cmn` ("latin as English") and `cmn-latn-pinyin` ("latin as Pinyin"). Both look Hanzi up in the
 * same dictionary, which yields pinyin with tone numbers; `cmn` then reads that pinyin as English,
 * so `-x` shows 妈麻马骂 as "ma one, ma two, ma three, ma four" and 欢迎致电 as "huan five ying two…"
 * (6.1 s for 欢迎致电示例商城，查询订单请按1 against 4.8 s). `cmn-latn-pinyin` gives the four
 * Mandarin tones (55/35/214/51) for Hanzi and for tone-numbered pinyin alike, so it speaks every
 * Chinese prompt. Its dictionary still reads numbers poorly (12345 as 十二千…, 99.5 without 点) and
 * picks one reading per character (银行 as yin xing), which `prepareMandarinText` corrects first.
 */
import { PromptCode, PromptError } from './prompt-error';

/** Languages a prompt can be written in. */
export type PromptLanguage = 'zh' | 'en';

/** The voice each language gets unless the request names one. */
export const DEFAULT_PROMPT_VOICES: Readonly<Record<PromptLanguage, string>> = {
  zh: 'cmn-latn-pinyin',
  en: 'en-us',
};

/**
 * Speaking rate in words per minute (espeak-ng `-s`). Slightly under espeak-ng's 175 because
 * callers hear prompts once, through a narrow-band phone channel.
 */
export const DEFAULT_PROMPT_RATE = 160;

const MIN_RATE = 80;
const MAX_RATE = 400;
// Voice names are file names under espeak-ng-data/voices (`en-us`, `cmn-latn-pinyin`, `en+f3`).
const VOICE_NAME = /^[a-z][a-z0-9]*(?:[-+_][a-z0-9]+)*$/i;

/** A voice and rate checked and ready to hand to espeak-ng. */
export interface ResolvedVoice {
  readonly language: PromptLanguage;
  readonly voice: string;
  readonly rate: number;
}

/** Applies the defaults and checks the request's language, voice and rate; throws on bad input. */
export function resolvePromptVoice(language: unknown, voice?: string, rate?: number): ResolvedVoice {
  if (language !== 'zh' && language !== 'en') {
    throw new PromptError(PromptCode.InvalidRequest, `prompt language must be 'zh' or 'en'`, {
      language,
    });
  }
  const chosenVoice = voice ?? DEFAULT_PROMPT_VOICES[language];
  if (!VOICE_NAME.test(chosenVoice) || chosenVoice.length > 64) {
    throw new PromptError(PromptCode.InvalidRequest, 'voice must be an espeak-ng voice name', {
      voice: chosenVoice,
    });
  }
  const chosenRate = rate ?? DEFAULT_PROMPT_RATE;
  if (!Number.isInteger(chosenRate) || chosenRate < MIN_RATE || chosenRate > MAX_RATE) {
    throw new PromptError(
      PromptCode.InvalidRequest,
      `rate must be an integer from ${MIN_RATE} to ${MAX_RATE} words per minute`,
      { rate: chosenRate },
    );
  }
  return { language, voice: chosenVoice, rate: chosenRate };
}
