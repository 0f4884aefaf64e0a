/**
 * What the call actions need from layers they do not own, each as a small port: outbound trunks
 * (numbers outside), the media layer's supervisor modes and conferences, and the recorder's pause.
 * Each has an "unavailable" stand-in so the API answers a clear 503 until the layer provides it.
 */
import { reject, type Rejection, type Result, type TenantId } from '@switchboard/kernel';
import type { MonitorMode } from '@switchboard/contracts';
import type { CallerId, LegId, OriginateTarget } from '../calls';
import { CallActionCode } from './call-action-codes';
import type { LiveCall } from './live-calls';

/** How to reach an outside number: the trunk's target and the caller ID its rules allow. */
export interface TrunkRoute {
  readonly target: OriginateTarget;
  readonly callerId: CallerId;
}

/**
 * Outbound trunks (`telephony/trunks/`): picks an enabled trunk that is up, formats the number
 * per its dial format and applies its caller-ID rules (the number we would like to present is
 * `callerId`, e.g. the customer's for a transfer, or the tenant's DID).
 */
export interface OutboundTrunks {
  route(tenantId: TenantId, number: string, callerId?: string): Promise<Result<TrunkRoute, Rejection>>;
}

/** Until trunks exist: every outside number is refused with 503. */
export const NO_OUTBOUND_TRUNKS: OutboundTrunks = {
  route: () =>
    Promise.resolve(
      reject(
        CallActionCode.NO_OUTBOUND_TRUNK,
        'No outbound trunk is configured for calls to outside numbers',
      ),
    ),
};

/**
 * Supervisor modes on a live caller↔agent bridge (call control's `Monitor`, `ChangeMonitorMode`,
 * `StopMonitor`): the supervisor's answered leg hears both parties and is heard by nobody
 * (listen), by the agent only (whisper) or by both (barge).
 */
export interface MonitorControl {
  readonly available: boolean;
  start(supervisorLegId: LegId, agentLegId: LegId, mode: MonitorMode): Promise<Result<void, Rejection>>;
  change(supervisorLegId: LegId, mode: MonitorMode): Promise<Result<void, Rejection>>;
  stop(supervisorLegId: LegId): Promise<Result<void, Rejection>>;
}

/** Until call control has supervisor modes. */
export const NO_MONITORING: MonitorControl = {
  available: false,
  start: () => Promise.resolve(monitoringUnavailable()),
  change: () => Promise.resolve(monitoringUnavailable()),
  stop: () => Promise.resolve(monitoringUnavailable()),
};

function monitoringUnavailable(): Result<never, Rejection> {
  return reject(CallActionCode.MONITORING_UNAVAILABLE, 'Listening, whispering and barging are not available');
}

/** A three-way call (call control's `Conference`): the caller, the agent and an answered third leg. */
export interface ConferenceControl {
  readonly available: boolean;
  join(legIds: readonly LegId[]): Promise<Result<void, Rejection>>;
}

/** Until call control has conferences. */
export const NO_CONFERENCE: ConferenceControl = {
  available: false,
  join: () =>
    Promise.resolve(
      reject(CallActionCode.CONFERENCE_UNAVAILABLE, 'Three-way calls are not available on this server'),
    ),
};

/**
 * Pauses the recording of a call (card numbers, 支付信息): silence is recorded in place of the
 * conversation until resumed, so the file keeps the call's timeline. The live server implements
 * this over `MediaServicePort.pauseRecording` (`media-recording-switch.ts`).
 */
export interface RecordingSwitch {
  /** Whether the call is being recorded, and whether that is paused; undefined when not recorded. */
  state(call: LiveCall): { readonly paused: boolean } | undefined;
  setPaused(call: LiveCall, paused: boolean): Result<void, Rejection>;
}

/** Where nothing can be paused. */
export const NO_RECORDING_SWITCH: RecordingSwitch = {
  state: () => undefined,
  setPaused: () => reject(CallActionCode.NOT_RECORDED, 'This call is not being recorded'),
};
