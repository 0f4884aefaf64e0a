/**
 * The supervisor-mode and conference ports over call control's mix commands (`Monitor`,
 * `ChangeMonitorMode`, `StopMonitor`, `Conference`): what the live server and the tests use.
 */
import { ok, type Rejection, type Result } from '@switchboard/kernel';
import type { CallControl, CommandOutcome } from '../calls';
import type { ConferenceControl, MonitorControl } from './call-action-ports';

type Commands = Pick<CallControl, 'execute'>;

function done(result: Result<CommandOutcome, Rejection>): Result<void, Rejection> {
  return result.ok ? ok(undefined) : result;
}

/** Supervisor modes carried out by call control's monitor. */
export function callControlMonitoring(control: Commands): MonitorControl {
  return {
    available: true,
    start: async (supervisorLegId, targetLegId, mode) =>
      done(await control.execute({ type: 'Monitor', supervisorLegId, targetLegId, mode })),
    change: async (supervisorLegId, mode) =>
      done(await control.execute({ type: 'ChangeMonitorMode', supervisorLegId, mode })),
    stop: async (supervisorLegId) => done(await control.execute({ type: 'StopMonitor', supervisorLegId })),
  };
}

/** Three-way calls carried out by call control's conference: `legIds[0]` anchors the mix. */
export function callControlConference(control: Commands): ConferenceControl {
  return {
    available: true,
    join: async (legIds) => done(await control.execute({ type: 'Conference', legIds })),
  };
}
