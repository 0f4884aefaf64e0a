// The public surface: validated entry points only; the unchecked `…Metrics` helpers stay internal.
export { arrivalRateFromVolume } from './arrival-rate';
export { erlangA, type ErlangAInput, type ErlangAResult } from './erlang-a';
export { erlangB, type ErlangBResult } from './erlang-b';
export { erlangC, type ErlangCInput, type ErlangCResult } from './erlang-c';
export { offeredLoad, type QueueInput } from './queue-input';
export {
  requiredAgentsErlangA,
  requiredAgentsErlangC,
  type ErlangAStaffingInput,
  type ErlangCStaffingInput,
  type Staffing,
} from './required-agents';
export { scheduledAgents } from './shrinkage';
export { WORKFORCE_LIMITS, WorkforceRejectionCode } from './workforce-limits';
