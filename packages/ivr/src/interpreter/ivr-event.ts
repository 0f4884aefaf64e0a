import type { EventDraft } from '@switchboard/kernel';
import type { NodeType } from '../flow/flow-types';
import type { IvrEndReason } from './ivr-effect';

/** Where in which flow version an event happened. */
export interface NodePosition {
  readonly flowId: string;
  readonly version: number;
  readonly nodeId: string;
}

/** Why a lookup attempt failed. */
export type LookupFailure = 'timeout' | 'error' | 'invalid-result';

/**
 * Facts about an IVR call, appended to the contact's stream. The call-detail timeline (IVR path)
 * is a projection of them: `IvrNodeEntered` gives the path, the others say what the caller did.
 * Values the caller typed appear only where the node does not mark them `sensitive`.
 */
export type IvrEvent =
  | EventDraft<
      'IvrStarted',
      {
        readonly flowId: string;
        readonly version: number;
        readonly callerNumber: string | null;
        readonly pins: Readonly<Record<string, number>>;
      }
    >
  | EventDraft<'IvrNodeEntered', NodePosition & { readonly nodeType: NodeType }>
  | EventDraft<'IvrMenuChoiceMade', NodePosition & { readonly digit: string; readonly target: string }>
  | EventDraft<
      'IvrDigitsCollected',
      NodePosition & { readonly variable: string; readonly value: string; readonly length: number }
    >
  | EventDraft<'IvrInputInvalid', NodePosition & { readonly input: string; readonly attempt: number }>
  | EventDraft<'IvrInputTimedOut', NodePosition & { readonly attempt: number }>
  | EventDraft<'IvrRetriesExhausted', NodePosition & { readonly target: string }>
  | EventDraft<
      'IvrConditionEvaluated',
      NodePosition & { readonly branch: number | null; readonly target: string }
    >
  | EventDraft<
      'IvrVariablesSet',
      NodePosition & { readonly vars: readonly string[]; readonly attributes: readonly string[] }
    >
  | EventDraft<
      'IvrLookupStarted',
      NodePosition & { readonly requestId: string; readonly kind: string; readonly attempt: number }
    >
  | EventDraft<
      'IvrLookupSucceeded',
      NodePosition & { readonly requestId: string; readonly stored: readonly string[] }
    >
  | EventDraft<
      'IvrLookupFailed',
      NodePosition & {
        readonly requestId: string;
        readonly reason: LookupFailure;
        readonly attempt: number;
        readonly willRetry: boolean;
      }
    >
  | EventDraft<'IvrSurveyAnswered', NodePosition & { readonly score: number }>
  | EventDraft<'IvrCallbackAccepted', NodePosition & { readonly queue: string }>
  | EventDraft<'IvrCallbackDeclined', NodePosition>
  | EventDraft<
      'IvrSubflowEntered',
      NodePosition & { readonly subflowId: string; readonly subflowVersion: number }
    >
  | EventDraft<'IvrSubflowReturned', NodePosition & { readonly returnTo: string }>
  /** A parked flow resumed at `target` (the route node's `afterCall`) because the agent hung up. */
  | EventDraft<'IvrResumed', NodePosition & { readonly target: string; readonly reason: 'agent-hung-up' }>
  | EventDraft<
      'IvrEnded',
      {
        readonly reason: IvrEndReason;
        readonly flowId: string | null;
        readonly nodeId: string | null;
        /** Queue for `routed`, number for `transferred`, cause for `hung-up`, problem for `flow-error`. */
        readonly detail: string | null;
      }
    >;

/** The `type` of an IVR event. */
export type IvrEventType = IvrEvent['type'];

/** The data of the event of type `T`. */
export type IvrEventData<T extends IvrEventType> = Extract<IvrEvent, { type: T }>['data'];
