/**
 * The inbound seam of call control (ARCHITECTURE.md, "The life of an inbound call", step 1): the
 * dialed number picks an entry point (tenant, IVR flow, calendar). Unknown numbers are refused
 * with 404 and a `CallRefused` event; a known number gets a contact id, a `CallArrived` event and
 * is answered, after which {@link IvrLauncher} starts the flow on `LegAnswered`.
 */
import type { Clock, IdGenerator } from '@switchboard/kernel';
import {
  UNKNOWN_NUMBER,
  type InboundCallHandler,
  type InboundDecision,
  type InboundOffer,
  type LegEnded,
  type LegId,
} from '../calls';
import { anonymousProfile, type CallerProfiles } from './caller-profiles';
import { CallJournal, UNROUTED_TENANT } from './call-journal';
import type { VoiceCalls } from './voice-calls';
import type { EntryPointDirectory } from './voice-ports';

/** Collaborators of {@link EntryPointCallHandler}. */
export interface EntryPointCallHandlerOptions {
  readonly directory: EntryPointDirectory;
  readonly profiles: CallerProfiles;
  readonly calls: VoiceCalls;
  readonly journal: CallJournal;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Whether a caller stays on the line after their agent hung up (the IVR's after-call part). */
  readonly keepAfterPartner?: (legId: LegId, partnerEnded: LegEnded) => boolean;
}

/** Decides inbound INVITEs by dialed number. */
export class EntryPointCallHandler implements InboundCallHandler {
  constructor(private readonly o: EntryPointCallHandlerOptions) {}

  keepAfterPartner(legId: LegId, partnerEnded: LegEnded): boolean {
    return this.o.keepAfterPartner?.(legId, partnerEnded) === true;
  }

  async offer(offer: InboundOffer): Promise<InboundDecision> {
    const { o } = this;
    const dialed = dialedNumber(offer);
    const entry = await o.directory.find(dialed);
    const at = o.clock.now();
    const callId = offer.request.callId;
    if (entry === undefined) {
      const target = {
        tenantId: UNROUTED_TENANT,
        streamId: `call-${callId}`,
        correlationId: callId,
        causationId: offer.legId,
      };
      void o.journal.append(target, [
        { type: 'CallRefused', data: { legId: offer.legId, callId, dialed, sipStatus: 404, at } },
      ]);
      return UNKNOWN_NUMBER;
    }
    const contactId = o.ids.next();
    // Looked up while the call is answered; a CRM failure must not cost the caller the call.
    const profile = o.profiles
      .profileOf(entry.tenantId, offer.caller)
      .catch(() => anonymousProfile(offer.caller));
    o.calls.add({
      contactId,
      tenantId: entry.tenantId,
      legId: offer.legId,
      callId,
      callerNumber: offer.caller,
      entry,
      arrivedAt: at,
      profile,
      stage: 'ivr',
    });
    const data = {
      contactId,
      legId: offer.legId,
      callId,
      dialed,
      callerNumber: (await profile).number,
      entryPointId: entry.entryPointId,
      flowId: entry.flowId,
      calendar: { open: entry.calendar.open, holiday: entry.calendar.holiday === true },
      at,
    };
    void o.journal.append(
      {
        tenantId: entry.tenantId,
        streamId: CallJournal.contactStream(contactId),
        correlationId: callId,
        causationId: offer.legId,
      },
      [{ type: 'CallArrived', data }],
    );
    return { action: 'answer' };
  }
}

/**
 * The dialed number: the Request-URI user (what a trunk routes on), else the To user when a trunk
 * sends the INVITE to our address without a user part. `+86` and `0086` prefixes are dropped so a
 * hotline matches however the carrier formats it.
 */
export function dialedNumber(offer: InboundOffer): string {
  const to = offer.request.to.uri;
  const toUser = to.kind === 'sip' ? (to.user ?? '') : to.kind === 'tel' ? to.number : '';
  const raw = offer.dialed !== '' ? offer.dialed : toUser;
  return raw.replace(/^(\+86|0086)/, '').replace(/[-\s]/g, '');
}
