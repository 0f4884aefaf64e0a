import type { Prompt } from '../flow/prompt';
import type { NodeContext, Next } from './node-module';

/** What one key, or silence, means to a node that reads keys. */
export type DigitVerdict = { readonly more: true } | { readonly done: string } | { readonly invalid: string };

/** Prompts, timing and retries of a node that reads keys. */
export interface DigitSettings {
  readonly prompt: Prompt;
  readonly invalidPrompt?: Prompt;
  readonly noInputPrompt?: Prompt;
  /** Silence allowed after the prompt before the first key. */
  readonly timeoutMs: number;
  /** Silence allowed between keys once the caller started typing. */
  readonly interDigitTimeoutMs: number;
  /** Further tries after an invalid or missing input; then the node's failure path. */
  readonly maxRetries: number;
  /**
   * Whether keys pressed before the node listens count (type-ahead): keys typed during earlier
   * prompts, a lookup, before the flow started, or during this node's own prompts that may not be
   * cut. Without it only keys pressed while the node listens count (a barge-in prompt listens).
   */
  readonly typeAhead: boolean;
}

/** Schema fragment of the `typeAhead` option of nodes that read keys. */
export const TYPE_AHEAD_SCHEMA = { type: 'boolean', default: true } as const;

/** The fields of a node that reads one key and retries (menu, survey). */
export interface SingleKeyFields {
  readonly prompt: Prompt;
  readonly invalidPrompt?: Prompt;
  readonly noInputPrompt?: Prompt;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly typeAhead?: boolean;
}

/**
 * Settings of a node that reads one key: there is no second key to wait for, so the inter-key
 * timeout is the timeout; unset fields take the node type's `defaults`.
 */
export function singleKeySettings(
  node: SingleKeyFields,
  defaults: { readonly timeoutMs: number; readonly maxRetries: number },
): DigitSettings {
  return {
    prompt: node.prompt,
    invalidPrompt: node.invalidPrompt,
    noInputPrompt: node.noInputPrompt,
    timeoutMs: node.timeoutMs ?? defaults.timeoutMs,
    interDigitTimeoutMs: node.timeoutMs ?? defaults.timeoutMs,
    maxRetries: node.maxRetries ?? defaults.maxRetries,
    typeAhead: node.typeAhead ?? true,
  };
}

/** The part that differs between menu, collect, survey and callback nodes. */
export interface DigitRules<N> {
  settings(node: N): DigitSettings;
  /** The caller pressed `digit` after `collected`. */
  read(node: N, collected: string, digit: string): DigitVerdict;
  /** The caller stayed silent after `collected`. */
  silence(node: N, collected: string): DigitVerdict | 'no-input';
  accept(node: N, cx: NodeContext, value: string): Next;
  /** Where to go when the retries are used up. */
  failTarget(node: N): string;
  /** Whether typed input must be masked in events. */
  sensitive?(node: N): boolean;
}

/** The runtime half of a key-reading node module. */
export interface DigitBehaviour<N> {
  enter(node: N, cx: NodeContext): Next;
  onPromptEnded(node: N, cx: NodeContext): Next;
  onDigit(node: N, cx: NodeContext, digit: string): Next;
  onTimer(node: N, cx: NodeContext): Next;
}

function waiting(cx: NodeContext) {
  const w = cx.wait;
  return w?.kind === 'digits' ? w : { kind: 'digits' as const, attempt: 0, collected: '', queued: [] };
}

/**
 * The shared machine of nodes that read keys:
 *
 * ```
 *  enter ─ keys typed ahead? ─yes─▶ read them ─▶ done / invalid / more (inter-key timer)
 *     │no                   ▲
 *     ▼                     │yes (keys pressed during a prompt without barge-in)
 *  prompt(s) ──end──▶ keys typed ahead? ─no─▶ listen (timer) ──key──▶ read ──done──▶ accept ─▶ next
 *     ▲  key (barge-in) ─────────────────────────────────────────────┘     │invalid / silence
 *     └──── retry: invalid/no-input prompt, then the prompt ◀──────────────┘ (until maxRetries,
 *                                                                            then failTarget)
 * ```
 * With `typeAhead: false` the keys typed ahead are dropped instead of read, at entry and when a
 * prompt ends: only keys pressed while the node listens count.
 */
export function digitBehaviour<N>(rules: DigitRules<N>): DigitBehaviour<N> {
  const m = new DigitMachine(rules);
  return {
    enter: (node, cx) => m.enter(node, cx),
    onPromptEnded: (node, cx) => m.onPromptEnded(node, cx),
    onDigit: (node, cx, digit) => m.listen(node, cx, digit),
    onTimer: (node, cx) => m.onTimer(node, cx),
  };
}

class DigitMachine<N> {
  constructor(private readonly rules: DigitRules<N>) {}

  enter(node: N, cx: NodeContext): Next {
    cx.wait = { kind: 'digits', attempt: 0, collected: '', queued: [] };
    const ahead = this.typedAhead(node, cx);
    if (ahead !== '') return this.readAhead(node, cx, ahead);
    return playSequence(cx, 0, [this.rules.settings(node).prompt]);
  }

  onPromptEnded(node: N, cx: NodeContext): Next {
    const w = waiting(cx);
    const ahead = this.typedAhead(node, cx);
    // Keys pressed during a prompt that could not be cut: the caller is already answering.
    if (ahead !== '') {
      cx.wait = { ...w, queued: [] };
      return this.readAhead(node, cx, ahead);
    }
    if (w.queued.length > 0) return playSequence(cx, w.attempt, w.queued);
    const s = this.rules.settings(node);
    cx.startTimer(w.collected === '' ? s.timeoutMs : s.interDigitTimeoutMs);
    return null;
  }

  listen(node: N, cx: NodeContext, digit: string): Next {
    const w = waiting(cx);
    const v = this.rules.read(node, w.collected, digit);
    if (!('more' in v)) return this.settle(node, cx, v);
    // A key also cancels prompts still queued: the caller is already answering.
    cx.wait = { ...w, collected: w.collected + digit, queued: [] };
    cx.startTimer(this.rules.settings(node).interDigitTimeoutMs);
    return null;
  }

  onTimer(node: N, cx: NodeContext): Next {
    const w = waiting(cx);
    const v = this.rules.silence(node, w.collected);
    if (v !== 'no-input') return this.settle(node, cx, v);
    cx.record('IvrInputTimedOut', { attempt: w.attempt + 1 });
    return this.retry(node, cx, 'no-input');
  }

  /** The keys typed ahead, taken from the buffer; none when the node does not take type-ahead. */
  private typedAhead(node: N, cx: NodeContext): string {
    const ahead = cx.takeTypeAhead();
    return this.rules.settings(node).typeAhead ? ahead : '';
  }

  /** Reads keys typed ahead as if pressed now; waits for more (inter-key timer) if they are not enough. */
  private readAhead(node: N, cx: NodeContext, ahead: string): Next {
    for (let i = 0; i < ahead.length; i++) {
      const w = waiting(cx);
      const v = this.rules.read(node, w.collected, ahead[i]!);
      if ('more' in v) {
        cx.wait = { ...w, collected: w.collected + ahead[i]! };
        continue;
      }
      // Keys after a decision were meant for the next node; after a wrong key they are dropped.
      if ('done' in v) cx.returnTypeAhead(ahead.slice(i + 1));
      return this.settle(node, cx, v);
    }
    cx.startTimer(this.rules.settings(node).interDigitTimeoutMs);
    return null;
  }

  private settle(node: N, cx: NodeContext, v: DigitVerdict): Next {
    if ('done' in v) return this.rules.accept(node, cx, v.done);
    if (!('invalid' in v)) return null;
    const input = this.rules.sensitive?.(node) === true ? '*'.repeat(v.invalid.length) : v.invalid;
    cx.record('IvrInputInvalid', { input, attempt: waiting(cx).attempt + 1 });
    // Keys typed after a wrong one were typed against a menu the caller misunderstood.
    cx.takeTypeAhead();
    return this.retry(node, cx, 'invalid');
  }

  private retry(node: N, cx: NodeContext, why: 'invalid' | 'no-input'): Next {
    const s = this.rules.settings(node);
    const attempt = waiting(cx).attempt + 1;
    if (attempt > s.maxRetries) {
      const target = this.rules.failTarget(node);
      cx.record('IvrRetriesExhausted', { target });
      return target;
    }
    const extra = why === 'invalid' ? s.invalidPrompt : s.noInputPrompt;
    return playSequence(cx, attempt, extra ? [extra, s.prompt] : [s.prompt]);
  }
}

function playSequence(cx: NodeContext, attempt: number, prompts: readonly Prompt[]): null {
  const [first, ...rest] = prompts;
  cx.wait = { kind: 'digits', attempt, collected: '', queued: rest };
  if (first) cx.play(first);
  return null;
}
