import { dtmfFrequencies } from '../dtmf/dtmf-detector';
import type { DtmfDigit } from '../dtmf/telephone-event';

/** One sinusoid of a tone and its level. */
export interface ToneComponent {
  readonly hz: number;
  readonly levelDbm0: number;
}

/** On/off periods repeated in order; an empty cadence means a continuous tone. */
export interface CadenceStep {
  readonly onMs: number;
  readonly offMs: number;
}

export interface ToneSpec {
  readonly name: string;
  readonly components: readonly ToneComponent[];
  readonly cadence: readonly CadenceStep[];
  /** Play the cadence once and stop (DTMF) instead of repeating it (ringback). */
  readonly once?: boolean;
}

/** The call-progress tones a caller hears from the contact center. */
export interface TonePlan {
  readonly dial: ToneSpec;
  readonly ringback: ToneSpec;
  readonly busy: ToneSpec;
  readonly congestion: ToneSpec;
}

const tone = (name: string, hz: number[], levelDbm0: number, cadence: CadenceStep[]): ToneSpec => ({
  name,
  components: hz.map((f) => ({ hz: f, levelDbm0 })),
  cadence,
});

/**
 * Chinese national tone plan: every tone is 450 Hz; ringback 1 s on 4 s off, busy
 * 0.35 s on 0.35 s off, congestion 0.7 s on 0.7 s off, dial tone continuous.
 */
export const CHINA_TONE_PLAN: TonePlan = {
  dial: tone('dial', [450], -10, []),
  ringback: tone('ringback', [450], -10, [{ onMs: 1000, offMs: 4000 }]),
  busy: tone('busy', [450], -10, [{ onMs: 350, offMs: 350 }]),
  congestion: tone('congestion', [450], -10, [{ onMs: 700, offMs: 700 }]),
};

/**
 * North American precise tone plan: dial 350+440 Hz continuous, ringback 440+480 Hz 2 s on 4 s
 * off, busy 480+620 Hz 0.5/0.5 s, reorder (congestion) 480+620 Hz 0.25/0.25 s.
 */
export const US_TONE_PLAN: TonePlan = {
  dial: tone('dial', [350, 440], -13, []),
  ringback: tone('ringback', [440, 480], -19, [{ onMs: 2000, offMs: 4000 }]),
  busy: tone('busy', [480, 620], -24, [{ onMs: 500, offMs: 500 }]),
  congestion: tone('congestion', [480, 620], -24, [{ onMs: 250, offMs: 250 }]),
};

export interface DtmfToneOptions {
  readonly onMs?: number;
  readonly offMs?: number;
  /** Level of the low (row) tone; the high tone is 2 dB louder to offset line loss (Q.23 twist). */
  readonly levelDbm0?: number;
}

/** A single in-band DTMF digit: the row and column tones for `onMs`, then `offMs` of silence. */
export function dtmfToneSpec(digit: DtmfDigit, options: DtmfToneOptions = {}): ToneSpec {
  const [low, high] = dtmfFrequencies(digit);
  const level = options.levelDbm0 ?? -8;
  return {
    name: `dtmf-${digit}`,
    components: [
      { hz: low, levelDbm0: level },
      { hz: high, levelDbm0: level + 2 },
    ],
    cadence: [{ onMs: options.onMs ?? 100, offMs: options.offMs ?? 100 }],
    once: true,
  };
}
