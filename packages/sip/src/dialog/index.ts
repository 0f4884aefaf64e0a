// Public API of SIP dialogs and the user-agent core (RFC 3261 §12–§15, RFC 3515, 3891, 4028, 5589).
export { createUacDialog, createUasDialog } from './create-dialog';
export { Dialog, localOver, withTag } from './dialog';
export type { DialogInit, DialogRefusal, DialogRequestOptions, DialogState, LocalEndpoint } from './dialog';
export { dialogKey, incomingRequestDialogId, responseDialogId } from './dialog-id';
export type { DialogId } from './dialog-id';
export { isLooseRoute, nextHopOf, TARGET_REFRESH_METHODS, targetOf } from './dialog-request';
export { DialogRegistry } from './dialog-registry';
export { requestOverFlow } from './request-over-flow';
export type { DialogEndCause, DialogEntry } from './dialog-registry';
export {
  answerDirection,
  holdDirection,
  holdOffer,
  resumeDirection,
  resumeOffer,
  sdpDirection,
  withDirection,
} from './hold';
export type { MediaDirection } from './hold';
export { Invite2xxRetransmitter } from './invite-2xx-retransmitter';
export { capabilityHeaders, createOptionsResponse, DEFAULT_CAPABILITIES } from './options-response';
export type { Capabilities } from './options-response';
export {
  createRefer,
  NO_REFER_SUB,
  parseReferTo,
  ReferSubscription,
  serializeReferTo,
  sipfrag,
  sipfragStatus,
  wantsReferSubscription,
} from './refer';
export type { NotifyContent, ReferOptions, ReferTo } from './refer';
export {
  parseReplaces,
  replacedDialogId,
  replacesForDialog,
  replacesOf,
  serializeReplaces,
} from './replaces';
export type { Replaces } from './replaces';
export {
  DEFAULT_SESSION_TIMER_POLICY,
  negotiateSessionTimer,
  parseSessionExpires,
  serializeSessionExpires,
  SessionTimer,
  sessionTimerHeaders,
} from './session-timer';
export type { SessionExpires, SessionTimerDecision, SessionTimerPolicy } from './session-timer';
export type { InviteUser } from './uac-invite';
export type { AnswerOptions } from './uas-answer';
export { UserAgentCore } from './user-agent-core';
export type { InDialogRequestOptions, UserAgentCoreOptions, UserAgentHandler } from './user-agent-core';
