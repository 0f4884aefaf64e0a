import type { Scalar } from '../flow/flow-types';
import type { PromptLanguage } from '../flow/prompt';

/**
 * What the server must do because of a step. Ids (`promptId`, `timerId`, `requestId`) are unique
 * within one call; the server reports back with the same id, and the interpreter ignores reports
 * whose id is no longer current, so a late timer or a slow webhook can never act twice.
 */
export type IvrEffect =
  | {
      readonly type: 'PlayPrompt';
      readonly promptId: string;
      /** Rendered TTS text, or a prompt library file: exactly one is present. */
      readonly text?: string;
      readonly file?: string;
      readonly language: PromptLanguage;
      readonly bargeIn: boolean;
    }
  | { readonly type: 'StopPrompt'; readonly promptId: string }
  | { readonly type: 'StartTimer'; readonly timerId: string; readonly ms: number }
  | { readonly type: 'CancelTimer'; readonly timerId: string }
  | {
      readonly type: 'StartLookup';
      readonly requestId: string;
      /** `customer` (CRM by caller number), `webhook`, or a tenant-defined kind such as `order-status`. */
      readonly kind: string;
      readonly params: Readonly<Record<string, Scalar>>;
      readonly timeoutMs: number;
    }
  | { readonly type: 'CancelLookup'; readonly requestId: string }
  | {
      readonly type: 'RouteToQueue';
      readonly queue: string;
      /** Higher is served first (routing's contact priority). */
      readonly priority: number;
      /** Skill name → minimum level. */
      readonly skills: Readonly<Record<string, number>>;
      readonly attributes: Readonly<Record<string, Scalar>>;
    }
  | {
      readonly type: 'StartVoicemail';
      readonly mailbox: string;
      readonly maxSeconds: number;
      readonly beep: boolean;
      /** Queue code whose agents get the message; absent: the mailbox name as a queue code. */
      readonly queue?: string;
    }
  | {
      /** The caller accepted a callback: create a callback contact in `queue` for `number`. */
      readonly type: 'OfferCallback';
      readonly queue: string;
      readonly number: string;
      readonly priority: number;
    }
  | { readonly type: 'TransferExternal'; readonly number: string; readonly trunk: string | null }
  | { readonly type: 'RecordSurvey'; readonly score: number }
  | { readonly type: 'HangUp'; readonly cause: string }
  /**
   * Always the last effect of a run, exactly once per run: the server can drop what it keeps for the
   * run (prompts, timers). It keeps the state itself when it is `parked`, to resume it later.
   */
  | { readonly type: 'FlowEnded'; readonly reason: IvrEndReason };

/** Why a flow ended. */
export type IvrEndReason =
  'routed' | 'voicemail' | 'transferred' | 'hung-up' | 'caller-hung-up' | 'flow-loop' | 'flow-error';

export type IvrEffectType = IvrEffect['type'];
