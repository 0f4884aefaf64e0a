import type { FieldReader } from '../flow/field-reader';
import { FLOW_LIMITS, ID_PATTERN, NAME_PATTERN, type FlowNode, type Scalar } from '../flow/flow-types';
import type { PredicateInput } from '../flow/predicate';
import type { Prompt } from '../flow/prompt';
import type { ValueScope } from '../flow/template';
import type { IvrEffect, IvrEndReason } from '../interpreter/ivr-effect';
import type { IvrEventData, IvrEventType, NodePosition } from '../interpreter/ivr-event';
import type { NodeWait } from '../interpreter/ivr-state';

/** Where a node sends the call next: a node id of the running flow, or null to stay and wait. */
export type Next = string | null;

/** Outcome of a lookup as the node sees it (ids already matched). */
export type LookupOutcome =
  | { readonly kind: 'completed'; readonly ok: boolean; readonly data: unknown }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'timed-out' };

/**
 * The interpreter as a node sees it during one step. It owns the single prompt, timer and lookup
 * slots (starting one releases the previous one) and stamps events with the node's position.
 */
export interface NodeContext {
  readonly position: NodePosition;
  readonly maxSubflowDepth: number;
  wait: NodeWait | null;
  scope(): ValueScope;
  predicateInput(): PredicateInput;
  render(template: string): string;
  play(prompt: Prompt): void;
  startTimer(ms: number): void;
  /** Starts a lookup and its timeout timer; returns the request id. */
  startLookup(kind: string, params: Readonly<Record<string, Scalar>>, timeoutMs: number): string;
  /** Releases the lookup slot and its timer after a result arrived (no `CancelLookup`). */
  settleLookup(): void;
  /** Keys pressed before this node read them; taking empties the buffer. */
  takeTypeAhead(): string;
  /** Puts keys a node did not use back in front of the buffer, for the next node. */
  returnTypeAhead(keys: string): void;
  setVar(name: string, value: Scalar): void;
  setAttribute(name: string, value: Scalar): void;
  effect(effect: IvrEffect): void;
  record<T extends Exclude<IvrEventType, 'IvrStarted' | 'IvrNodeEntered' | 'IvrEnded'>>(
    type: T,
    data: Omit<IvrEventData<T>, keyof NodePosition>,
  ): void;
  /** Ends the flow: releases everything, emits `HangUp` when a cause is given, then `FlowEnded`. */
  end(reason: IvrEndReason, detail: string | null, hangUpCause?: string): void;
  /**
   * Ends this run as `routed` to `queue` like {@link end}, but keeps the call's state so that an
   * `AgentHungUp` input continues the flow at `resumeAt`.
   */
  park(queue: string, resumeAt: string): void;
  /** Pushes a frame for a subflow; returns its start node, or a problem. */
  enterSubflow(
    flowId: string,
    version: number | undefined,
    returnTo: string,
  ): { start: string } | { problem: string };
  /** Pops the running subflow; returns where the calling flow continues, or undefined at top level. */
  leaveSubflow(): string | undefined;
}

/**
 * One node type: its JSON Schema, its publish-time check and its runtime behaviour, in one module
 * (after jambonz verbs). The interpreter only dispatches; everything a node type means lives here.
 */
export interface NodeModule<N extends FlowNode = FlowNode> {
  readonly type: N['type'];
  /** JSON Schema (draft 2020-12) of the node object. */
  readonly schema: Readonly<Record<string, unknown>>;
  /** Checks fields other than `type`; node references go through `r.target` to become edges. */
  check(r: FieldReader): void;
  /**
   * Whether entering the node always waits for an outside input (prompt end, key, timer, lookup)
   * before it can move on: a loop through such a node cannot spin within one step.
   */
  waitsForInput(node: N): boolean;
  enter(node: N, cx: NodeContext): Next;
  onPromptEnded?(node: N, cx: NodeContext): Next;
  onDigit?(node: N, cx: NodeContext, digit: string): Next;
  onTimer?(node: N, cx: NodeContext): Next;
  onLookup?(node: N, cx: NodeContext, outcome: LookupOutcome): Next;
}

/** Schema fragment for a node reference. */
export const TARGET_SCHEMA = {
  type: 'string',
  pattern: ID_PATTERN.source,
  maxLength: FLOW_LIMITS.maxIdLength,
} as const;

/** Schema fragment for a variable name. */
export const VARIABLE_SCHEMA = { type: 'string', pattern: NAME_PATTERN.source, maxLength: 64 } as const;

/** Schema fragment for a timeout in milliseconds. */
export const TIMEOUT_SCHEMA = {
  type: 'integer',
  minimum: FLOW_LIMITS.minTimeoutMs,
  maximum: FLOW_LIMITS.maxTimeoutMs,
} as const;

/** Schema fragment for a number of further tries after an invalid or missing input. */
export const RETRIES_SCHEMA = { type: 'integer', minimum: 0, maximum: FLOW_LIMITS.maxRetries } as const;

/** Builds a node schema: `type` fixed, no unknown fields. */
export function nodeSchema(
  type: string,
  required: readonly string[],
  properties: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  return {
    type: 'object',
    required: ['type', ...required],
    additionalProperties: false,
    properties: { type: { const: type }, ...properties },
  };
}
