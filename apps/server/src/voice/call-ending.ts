/**
 * The caller hung up (or was hung up on): whatever the call was doing is wound down so that no
 * agent or contact stays stuck (issue 6, "a caller hanging up at any point"). In the IVR the
 * session ends itself on `LegEnded`; waiting in a queue or while an agent rings the contact is
 * abandoned (and the ringing device cancelled); talking to an agent ends the contact, which puts
 * the agent in wrap-up. After the agent hung up first (stage `after-call`, the flow's survey) the
 * contact has already ended. Every end is recorded as `CallEnded` with party, cause and stage.
 */
import type { Clock } from '@switchboard/kernel';
import type { CallEvent, LegEnded } from '../calls';
import type { AgentLegs } from './agent-legs';
import type { CallJournal } from './call-journal';
import { callTarget, type CallCommands, type Contacts, type VoiceLogger } from './voice-deps';
import type { InboundCall, VoiceCalls } from './voice-calls';
import type { HoldMusic } from './voice-ports';

/** Collaborators of {@link CallEnding}. */
export interface CallEndingOptions {
  readonly calls: VoiceCalls;
  readonly agents: Pick<AgentLegs, 'withdraw'>;
  readonly contacts: Contacts;
  readonly music: HoldMusic;
  readonly control: CallCommands;
  readonly journal: CallJournal;
  readonly clock: Clock;
  readonly logger: VoiceLogger;
}

/** Winds calls down when the caller's leg ends. */
export class CallEnding {
  constructor(private readonly o: CallEndingOptions) {}

  onEvent(event: CallEvent): void {
    if (event.type !== 'LegEnded') return;
    const call = this.o.calls.ofLeg(event.legId);
    if (call !== undefined) return void this.ended(call, event);
    // The far end of a transfer to a number ended (busy, unanswered, refused or hung up): the
    // bridge ends the caller only once both answered, so a failed dial must release them here.
    const transferred = this.o.calls.ofTransferLeg(event.legId);
    if (transferred !== undefined)
      void this.o.control.execute({ type: 'HangUp', legId: transferred.legId, cause: event.cause });
  }

  private async ended(call: InboundCall, event: LegEnded): Promise<void> {
    const { o } = this;
    const stage = call.stage;
    call.stage = 'done';
    o.calls.remove(call);
    void o.journal.append(callTarget(call, event.legId), [
      {
        type: 'CallEnded',
        data: {
          contactId: call.contactId,
          legId: call.legId,
          party: event.party,
          cause: event.cause,
          sipStatus: event.sipStatus ?? null,
          stage,
          at: event.at,
        },
      },
    ]);
    if (stage === 'queued' || stage === 'ringing') {
      o.music.stop(call.legId);
      o.agents.withdraw(call.contactId);
      await this.report(call, 'abandon', o.contacts.abandon(call.tenantId, call.contactId, call.callId));
    } else if (stage === 'bridged') {
      await this.report(call, 'end', o.contacts.end(call.tenantId, call.contactId, call.callId));
    }
  }

  private async report(
    call: InboundCall,
    what: string,
    outcome: Promise<{ ok: boolean; error?: unknown }>,
  ): Promise<void> {
    const done = await outcome;
    if (!done.ok)
      this.o.logger.warn({ contactId: call.contactId, rejection: done.error }, `${what} refused by routing`);
  }
}
