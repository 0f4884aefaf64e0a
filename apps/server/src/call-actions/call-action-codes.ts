/**
 * Stable rejection codes of the call actions; HTTP statuses live in `http/problem-status.ts`.
 * Call control's own refusals (`CALLS.*`) are translated to these, so clients see one vocabulary.
 */
export const CallActionCode = {
  /** No live call of that contact in the caller's tenant (other tenants' calls included). */
  NOT_FOUND: 'CALL.NOT_FOUND',
  /** An agent acting on a call another agent is on. */
  NOT_YOUR_CALL: 'CALL.NOT_YOUR_CALL',
  /** The caller is in the IVR or a queue, or between two parties: no agent to act for. */
  NOT_CONNECTED: 'CALL.NOT_CONNECTED',
  ALREADY_HELD: 'CALL.ALREADY_HELD',
  NOT_HELD: 'CALL.NOT_HELD',
  /** A consultation is running: complete or cancel it first. */
  CONSULTING: 'CALL.CONSULTING',
  NO_CONSULTATION: 'CALL.NO_CONSULTATION',
  /** The call is already a three-way call. */
  CONFERENCING: 'CALL.CONFERENCING',
  /** The consulted party has not answered yet. */
  CONSULTATION_NOT_CONNECTED: 'CALL.CONSULTATION_NOT_CONNECTED',
  /** A transfer of this call is already under way. */
  TRANSFER_PENDING: 'CALL.TRANSFER_PENDING',
  /** The target agent is not logged in and ready. */
  AGENT_NOT_AVAILABLE: 'CALL.AGENT_NOT_AVAILABLE',
  /** Transferring to oneself. */
  SAME_AGENT: 'CALL.SAME_AGENT',
  /** The target (agent or supervisor) has no registered phone or softphone. */
  NO_DEVICE: 'CALL.NO_DEVICE',
  /** No outbound trunk can carry a call to that number. */
  NO_OUTBOUND_TRUNK: 'CALL.NO_OUTBOUND_TRUNK',
  /** Nothing is recording this call. */
  NOT_RECORDED: 'CALL.NOT_RECORDED',
  ALREADY_PAUSED: 'CALL.ALREADY_PAUSED',
  NOT_PAUSED: 'CALL.NOT_PAUSED',
  /** The media layer has no supervisor modes or conferences (yet). */
  MONITORING_UNAVAILABLE: 'CALL.MONITORING_UNAVAILABLE',
  CONFERENCE_UNAVAILABLE: 'CALL.CONFERENCE_UNAVAILABLE',
  /** The supervisor already monitors this call, or monitors none. */
  ALREADY_MONITORING: 'CALL.ALREADY_MONITORING',
  NOT_MONITORING: 'CALL.NOT_MONITORING',
  /** The supervisor's device has not answered yet. */
  MONITOR_NOT_CONNECTED: 'CALL.MONITOR_NOT_CONNECTED',
  /** Call control refused for a reason of its own (the leg changed state meanwhile). */
  CALL_CONTROL_REFUSED: 'CALL.CALL_CONTROL_REFUSED',
} as const;

export type CallActionCode = (typeof CallActionCode)[keyof typeof CallActionCode];
