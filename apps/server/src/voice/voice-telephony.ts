/**
 * Routing's device requests (`TelephonyPort`) carried out on calls of this node: ringing and
 * withdrawing offers through {@link AgentLegs}, overflow to voicemail, routing's own hang-ups
 * (queue closed or full, callback booked) after their goodbye, and the contacts with no caller on
 * the line — voicemails and callbacks — through {@link OwedContacts}. A request for an inbound
 * contact whose call this node does not hold (the call ended, or the node restarted and routing
 * replayed a waiting contact) abandons the contact, so no agent is reserved for a caller who is not
 * there.
 */
import type { TenantId } from '@switchboard/kernel';
import type { TelephonyPort } from '../contact-flow/telephony-port';
import { voicePhrase } from '../prompts/voice-phrases';
import type { AgentLegs } from './agent-legs';
import type { LegAnnouncements } from './leg-announcements';
import type { OwedContacts } from './owed-contacts';
import type { Contacts, CallCommands, VoiceLogger } from './voice-deps';
import type { VoiceCalls } from './voice-calls';
import type { HoldMusic, QueueDirectory } from './voice-ports';
import { isVoicemailContact, type VoicemailDesk } from './voicemail-desk';

/** Collaborators of {@link VoiceTelephony}. */
export interface VoiceTelephonyOptions {
  readonly calls: VoiceCalls;
  readonly agents: AgentLegs;
  readonly owed: OwedContacts;
  readonly voicemail: VoicemailDesk;
  readonly queues: QueueDirectory;
  readonly announcements: LegAnnouncements;
  readonly contacts: Contacts;
  readonly control: CallCommands;
  readonly music: HoldMusic;
  readonly logger: VoiceLogger;
}

/** The telephony side of routing for inbound voice. */
export class VoiceTelephony implements TelephonyPort {
  constructor(private readonly o: VoiceTelephonyOptions) {}

  async ringAgent(r: { tenantId: string; contactId: string; agentId: string; until: number }): Promise<void> {
    const tenantId = r.tenantId as TenantId;
    const call = this.o.calls.ofContact(r.contactId);
    if (call === undefined && isVoicemailContact(r.contactId))
      return this.o.owed.offerVoicemail({
        tenantId,
        contactId: r.contactId,
        agentId: r.agentId,
        until: r.until,
      });
    if (call === undefined || call.stage === 'done') return this.orphan(r.tenantId, r.contactId);
    await this.o.agents.ring(call, r.agentId, r.until);
  }

  stopRinging(r: { contactId: string; agentId: string }): void {
    this.o.agents.withdraw(r.contactId, r.agentId);
    this.o.owed.withdraw(r.contactId, r.agentId);
  }

  /**
   * The agent is rung first, then the customer is dialed through the outbound trunk. Without an
   * outbound dialer routing is told at once, so the reserved agent is released and its retry
   * policy applies.
   */
  async placeCallback(r: {
    tenantId: string;
    contactId: string;
    agentId: string;
    callbackNumber: string;
    until: number;
  }): Promise<void> {
    const tenantId = r.tenantId as TenantId;
    if (this.o.owed.canDial && r.callbackNumber !== '')
      return this.o.owed.placeCallback({
        tenantId,
        contactId: r.contactId,
        agentId: r.agentId,
        until: r.until,
        number: r.callbackNumber,
      });
    this.o.logger.warn({ contactId: r.contactId }, 'callback not placed: no outbound trunk configured');
    const failed = await this.o.contacts.send(tenantId, {
      type: 'ReportCallbackFailed',
      contactId: r.contactId,
    });
    if (!failed.ok)
      this.o.logger.warn({ contactId: r.contactId, rejection: failed.error }, 'callback failure not taken');
  }

  /** Queue overflow: the caller hears why, then leaves a message for the queue's agents. */
  async sendToVoicemail(r: { tenantId: string; contactId: string; queueId: string }): Promise<void> {
    const call = this.o.calls.ofContact(r.contactId);
    if (call === undefined || call.stage === 'done') return;
    const settings = await this.o.queues.settingsOf(call.tenantId, r.queueId);
    const greeting = voicePhrase('voicemail-greeting', call.language ?? 'zh');
    await this.o.voicemail.take(call, {
      mailbox: r.queueId,
      queueId: r.queueId,
      maxSeconds: settings.voicemailMaxSeconds,
      beep: true,
      ...(greeting === undefined ? {} : { greeting }),
    });
  }

  async hangUp(r: { contactId: string; prompt: string | null }): Promise<void> {
    const call = this.o.calls.ofContact(r.contactId);
    if (call === undefined || call.stage === 'done') return;
    // Routing has already ended the contact: the caller's hang-up must not abandon it again.
    call.stage = 'done';
    this.o.music.stop(call.legId);
    this.o.logger.info({ contactId: r.contactId, prompt: r.prompt }, 'routing hangs up the caller');
    const goodbye = r.prompt === null ? undefined : voicePhrase(r.prompt, call.language ?? 'zh');
    if (goodbye !== undefined)
      await this.o.announcements.say(call.tenantId, call.legId, goodbye, call.language ?? 'zh');
    await this.o.control.execute({ type: 'HangUp', legId: call.legId, cause: 'normal' });
  }

  private async orphan(tenantId: string, contactId: string): Promise<void> {
    this.o.logger.warn({ contactId }, 'offer for a call this node does not hold; abandoning the contact');
    await this.o.contacts.abandon(tenantId as TenantId, contactId);
  }
}
