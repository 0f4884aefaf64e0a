/**
 * The slices of other contexts the voice collaborators call, named once so each collaborator
 * states exactly what it needs.
 */
import type { CallControl } from '../calls';
import type { ContactService } from '../contact-flow/contact-service';
import { CallJournal } from './call-journal';
import type { InboundCall } from './voice-calls';

/** Call-control commands. */
export type CallCommands = Pick<CallControl, 'execute'>;

/** Routing's contact side (`contact-flow`). */
export type Contacts = Pick<
  ContactService,
  'enqueue' | 'answer' | 'rejectOffer' | 'end' | 'abandon' | 'send'
>;

/** What collaborators log. */
export interface VoiceLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The journal target of a call's contact stream, caused by `causationId`. */
export function callTarget(call: InboundCall, causationId: string) {
  return {
    tenantId: call.tenantId,
    streamId: CallJournal.contactStream(call.contactId),
    correlationId: call.callId,
    causationId,
  };
}
