import type { LegId } from './call-events';
import type { MonitorMode } from './mix-commands';

interface MixFact {
  readonly legId: LegId;
  /** Epoch ms from the Clock port. */
  readonly at: number;
}

/** The supervisor on `legId` now monitors the call of `targetLegId` (the agent's leg). */
export interface MonitorStarted extends MixFact {
  readonly type: 'MonitorStarted';
  readonly targetLegId: LegId;
  /** The leg bridged to the target (the customer's). */
  readonly partnerLegId: LegId;
  readonly mode: MonitorMode;
}

/** The supervisor on `legId` switched mode. */
export interface MonitorModeChanged extends MixFact {
  readonly type: 'MonitorModeChanged';
  readonly mode: MonitorMode;
  readonly previous: MonitorMode;
}

/** Why monitoring ended: asked to, the supervisor hung up, the call ended or was put on hold. */
export type MonitorEndReason = 'stopped' | 'supervisor-left' | 'call-ended' | 'call-held';

/** The supervisor on `legId` no longer takes part in the call of `targetLegId`. */
export interface MonitorEnded extends MixFact {
  readonly type: 'MonitorEnded';
  readonly targetLegId: LegId;
  readonly reason: MonitorEndReason;
}

/** `legId` joined the conference around `conferenceLegId`. */
export interface ConferenceJoined extends MixFact {
  readonly type: 'ConferenceJoined';
  readonly conferenceLegId: LegId;
}

/** Why a leg left a conference: it hung up, the call ended around it, or a hold broke it up. */
export type ConferenceLeaveReason = 'hung-up' | 'call-ended' | 'call-held';

/** `legId` left the conference around `conferenceLegId`. */
export interface ConferenceLeft extends MixFact {
  readonly type: 'ConferenceLeft';
  readonly conferenceLegId: LegId;
  readonly reason: ConferenceLeaveReason;
}

/** Others stopped (`muted`) or started again hearing `legId`. */
export interface LegMuted extends MixFact {
  readonly type: 'LegMuted';
  readonly muted: boolean;
}

/** The facts of supervisors and conferences. */
export type MixEvent =
  MonitorStarted | MonitorModeChanged | MonitorEnded | ConferenceJoined | ConferenceLeft | LegMuted;
