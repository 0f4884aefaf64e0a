/**
 * Routing's device requests (`TelephonyPort`) carried out on calls of this node: ringing and
 * withdrawing offers through {@link AgentLegs}, overflow to voicemail, and routing's own hang-ups
 * (queue closed or full). A request for a contact whose call this node does not hold (the call
 * ended, or the node restarted and routing replayed a waiting contact) abandons the contact, so no
 * agent is reserved for a caller who is not there.
 */
import type { TenantId } from '@switchboard/kernel';
import type { TelephonyPort } from '../contact-flow/telephony-port';
import type { AgentLegs } from './agent-legs';
import type { Contacts, CallCommands, VoiceLogger } from './voice-deps';
import type { VoiceCalls } from './voice-calls';
import type { VoicemailDesk } from './voicemail-desk';

/** Collaborators of {@link VoiceTelephony}. */
export interface VoiceTelephonyOptions {
  readonly calls: VoiceCalls;
  readonly agents: AgentLegs;
  readonly voicemail: VoicemailDesk;
  readonly contacts: Contacts;
  readonly control: CallCommands;
  readonly logger: VoiceLogger;
  /** Longest overflow voicemail, in seconds; default 120. */
  readonly voicemailMaxSeconds?: number;
}

/** The telephony side of routing for inbound voice. */
export class VoiceTelephony implements TelephonyPort {
  constructor(private readonly o: VoiceTelephonyOptions) {}

  async ringAgent(r: { tenantId: string; contactId: string; agentId: string; until: number }): Promise<void> {
    const call = this.o.calls.ofContact(r.contactId);
    if (call === undefined || call.stage === 'done') return this.orphan(r.tenantId, r.contactId);
    await this.o.agents.ring(call, r.agentId, r.until);
  }

  stopRinging(r: { contactId: string; agentId: string }): void {
    this.o.agents.withdraw(r.contactId, r.agentId);
  }

  /**
   * Callbacks dial the customer through an outbound trunk, which the configuration does not hold
   * yet: routing is told at once, so the reserved agent is released and its retry policy applies.
   */
  async placeCallback(r: { tenantId: string; contactId: string }): Promise<void> {
    this.o.logger.warn({ contactId: r.contactId }, 'callback not placed: no outbound trunk configured');
    const failed = await this.o.contacts.send(r.tenantId as TenantId, {
      type: 'ReportCallbackFailed',
      contactId: r.contactId,
    });
    if (!failed.ok)
      this.o.logger.warn({ contactId: r.contactId, rejection: failed.error }, 'callback failure not taken');
  }

  async sendToVoicemail(r: { contactId: string; queueId: string }): Promise<void> {
    const call = this.o.calls.ofContact(r.contactId);
    if (call === undefined || call.stage === 'done') return;
    await this.o.voicemail.take(call, {
      mailbox: r.queueId,
      maxSeconds: this.o.voicemailMaxSeconds ?? 120,
      beep: true,
    });
  }

  async hangUp(r: { contactId: string; prompt: string | null }): Promise<void> {
    const call = this.o.calls.ofContact(r.contactId);
    if (call === undefined || call.stage === 'done') return;
    // Routing has already ended the contact: the caller's hang-up must not abandon it again.
    call.stage = 'done';
    this.o.logger.info({ contactId: r.contactId, prompt: r.prompt }, 'routing hangs up the caller');
    await this.o.control.execute({ type: 'HangUp', legId: call.legId, cause: 'normal' });
  }

  private async orphan(tenantId: string, contactId: string): Promise<void> {
    this.o.logger.warn({ contactId }, 'offer for a call this node does not hold; abandoning the contact');
    await this.o.contacts.abandon(tenantId as TenantId, contactId);
  }
}
