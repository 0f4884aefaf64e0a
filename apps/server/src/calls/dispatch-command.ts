import { ok, type Rejection, type Result } from '@switchboard/kernel';
import type { BridgeLinks } from './bridge-links';
import type { CallCommand, CommandOutcome } from './call-commands';
import type { ConferenceControl } from './conference-control';
import type { LegEnding, LegId } from './call-events';
import type { HoldControl } from './hold-control';
import type { InboundCalls } from './inbound-calls';
import type { MonitorControl } from './monitor-control';
import type { OutboundCalls } from './outbound-calls';
import { causeOfStatus } from './sip-status';
import type { TransferControl } from './transfer-control';

/** The collaborators a command may go to. */
export interface CommandTargets {
  readonly inbound: InboundCalls;
  readonly outbound: OutboundCalls;
  readonly links: BridgeLinks;
  readonly hold: HoldControl;
  readonly transfers: TransferControl;
  readonly monitors: MonitorControl;
  readonly conferences: ConferenceControl;
  hangUp(legId: LegId, ending: LegEnding, keepPartner: boolean): Result<CommandOutcome, Rejection>;
}

/** Routes one command to the collaborator that owns it; exhaustive over {@link CallCommand}. */
export async function dispatchCommand(
  command: CallCommand,
  to: CommandTargets,
): Promise<Result<CommandOutcome, Rejection>> {
  switch (command.type) {
    case 'AnswerInbound':
      return none(await to.inbound.answer(command.legId));
    case 'RingInbound':
      return none(to.inbound.ring(command.legId));
    case 'RejectInbound':
      return none(
        to.inbound.reject(command.legId, command.status, command.cause ?? causeOfStatus(command.status)),
      );
    case 'Originate':
      return to.outbound.originate(command.request);
    case 'Bridge':
      return none(await to.links.bridge(command.legIds[0], command.legIds[1], command.recordingPath));
    case 'Hold':
      return none(await to.hold.hold(command.legId));
    case 'Resume':
      return none(await to.hold.resume(command.legId));
    case 'BlindTransfer':
      return to.transfers.blindTransfer(command.legId, command.target);
    case 'Consult':
      return to.transfers.consult(command.legId, command.target);
    case 'AttendedTransfer':
      return to.transfers.attendedTransfer(command.legId);
    case 'Monitor':
      return none(await to.monitors.start(command.supervisorLegId, command.targetLegId, command.mode));
    case 'ChangeMonitorMode':
      return none(await to.monitors.change(command.supervisorLegId, command.mode));
    case 'StopMonitor':
      return none(to.monitors.stop(command.supervisorLegId));
    case 'Conference':
      return none(await to.conferences.join(command.legIds));
    case 'AddToConference':
      return none(await to.conferences.join([command.conferenceLegId, command.legId]));
    case 'Mute':
      return none(await to.conferences.mute(command.legId, command.muted));
    case 'HangUp':
      return to.hangUp(
        command.legId,
        { cause: command.cause ?? 'normal', party: command.party ?? 'system' },
        command.keepPartner === true,
      );
  }
}

function none(result: Result<void, Rejection>): Result<CommandOutcome, Rejection> {
  return result.ok ? ok({}) : result;
}
