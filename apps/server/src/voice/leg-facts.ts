/**
 * Call control's facts about a call's legs that belong on the call's timeline: no audio from the
 * caller or the agent (`LegAudioLost`, `LegAudioRestored`, from the media watchdog), and the
 * agent's device taking the call back after a browser reload (`AgentDeviceRejoined`, an INVITE
 * with Replaces). Each is appended to the call's contact stream, naming whose leg it was.
 */
import type { Clock } from '@switchboard/kernel';
import type { CallEvent, LegId } from '../calls';
import type { AgentLegs } from './agent-legs';
import type { CallJournal } from './call-journal';
import { callTarget } from './voice-deps';
import type { InboundCall, VoiceCalls } from './voice-calls';

/** What {@link LegFacts} reads. */
export interface LegFactsOptions {
  readonly calls: VoiceCalls;
  readonly agents: Pick<AgentLegs, 'ofLeg'>;
  readonly journal: CallJournal;
  readonly clock: Clock;
}

/** Journals leg facts on the contact stream of the call the leg belongs to. */
export class LegFacts {
  constructor(private readonly o: LegFactsOptions) {}

  onEvent(event: CallEvent): void {
    if (event.type === 'LegAudioLost' || event.type === 'LegAudioRestored') {
      const side = this.sideOf(event.legId);
      if (side === undefined) return;
      const { call, agentId } = side;
      void this.o.journal.append(callTarget(call, event.legId), [
        {
          type: event.type,
          data: {
            contactId: call.contactId,
            legId: event.legId,
            party: agentId === undefined ? 'caller' : 'agent',
            ...(agentId === undefined ? {} : { agentId }),
            direction: event.direction,
            silentForMs: event.silentForMs,
            at: event.at,
          },
        },
      ]);
    } else if (event.type === 'LegDialogReplaced') {
      const agent = this.o.agents.ofLeg(event.legId);
      if (agent === undefined) return;
      void this.o.journal.append(callTarget(agent.call, event.legId), [
        {
          type: 'AgentDeviceRejoined',
          data: {
            contactId: agent.call.contactId,
            agentId: agent.agentId,
            legId: event.legId,
            sipCallId: event.callId,
            at: event.at,
          },
        },
      ]);
    }
  }

  private sideOf(legId: LegId): { readonly call: InboundCall; readonly agentId?: string } | undefined {
    const caller = this.o.calls.ofLeg(legId);
    return caller === undefined ? this.o.agents.ofLeg(legId) : { call: caller };
  }
}
