import type { LegId } from './call-events';

/**
 * How a supervisor takes part in an agent's call (班长席): `listen` (监听) hears both and is heard
 * by nobody, `whisper` (密语) is heard by the agent only, `barge` (强插) is heard by both.
 */
export type MonitorMode = 'listen' | 'whisper' | 'barge';

/**
 * The supervisor's answered leg joins the call of `targetLegId` (the agent's leg, bridged to a
 * customer) in `mode`. The call's recording goes on; a barging supervisor is in it (the caller
 * hears them), a listening or whispering one is not.
 */
export interface Monitor {
  readonly type: 'Monitor';
  readonly supervisorLegId: LegId;
  readonly targetLegId: LegId;
  readonly mode: MonitorMode;
}

/** Switches a monitoring supervisor to another mode, live. */
export interface ChangeMonitorMode {
  readonly type: 'ChangeMonitorMode';
  readonly supervisorLegId: LegId;
  readonly mode: MonitorMode;
}

/** The supervisor leaves the call, which goes on as a plain two-party call; their leg stays up. */
export interface StopMonitor {
  readonly type: 'StopMonitor';
  readonly supervisorLegId: LegId;
}

/**
 * Joins answered legs into one conference (三方通话) around `legIds[0]`: the legs already talking
 * to it stay, the others join as parties, each hearing everyone but itself.
 */
export interface Conference {
  readonly type: 'Conference';
  readonly legIds: readonly LegId[];
}

/** Adds an answered leg (a third party the agent called) to the call `conferenceLegId` is in. */
export interface AddToConference {
  readonly type: 'AddToConference';
  readonly conferenceLegId: LegId;
  readonly legId: LegId;
}

/** Stops (or restores) everyone else hearing `legId` in its call; it still hears them. */
export interface Mute {
  readonly type: 'Mute';
  readonly legId: LegId;
  readonly muted: boolean;
}

/** The commands of supervisors and conferences. */
export type MixCommand = Monitor | ChangeMonitorMode | StopMonitor | Conference | AddToConference | Mute;
