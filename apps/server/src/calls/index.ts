// Public API of the B2BUA call-control layer: commands in, events out, media and routing as ports.
export { CallControl } from './call-control';
export { ReportListeners } from './report-listeners';
export type { CallActivity, CallControlOptions, LegSnapshot } from './call-control';
export type { CallEventListener } from './call-event-bus';
export type * from './call-commands';
export type * from './call-events';
export type { InboundCallHandler, InboundDecision, InboundOffer } from './inbound-call-handler';
export { UNKNOWN_NUMBER } from './inbound-call-handler';
export type {
  ConferenceRole,
  ConnectOptions,
  MediaAudioReport,
  MediaEndpoint,
  MediaEndpointId,
  MediaFaultReport,
  MediaPort,
  MediaQualityReport,
  MemberOptions,
  OpenEndpointRequest,
} from './media-port';
export { InMemoryMedia } from './in-memory-media';
export type { InMemoryMediaOptions } from './in-memory-media';
export type { LegState } from './leg-state';
export { parseDtmfInfo } from './dtmf-relay';
export type { DtmfSignal } from './dtmf-relay';
export { glareRetryDelay } from './re-invite-exchange';
export { DEFAULT_RING_TIMEOUT_MS } from './outbound-calls';
export { extensionOf, REFUSE_REFERRALS, registeredExtensionReferTargets } from './refer-target-resolver';
export type {
  ReferDecision,
  Referral,
  ReferTargetResolver,
  RegisteredExtensionOptions,
  RegisteredExtensions,
} from './refer-target-resolver';
export { REFERRER_HANG_UP_GRACE_MS } from './refer-from-phone';
export { REJOIN_GRACE_MS } from './rejoin-grace';
