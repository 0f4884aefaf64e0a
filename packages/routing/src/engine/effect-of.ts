import type { CallbackNumberOf, RoutingEffect } from '../effects';
import type { RoutingEvent } from '../events';

/**
 * The one effect an event asks for, if any (no event asks for two). The engine uses this form:
 * most events ask for nothing, and it records two or more events per decision.
 */
export function effectOf(event: RoutingEvent, callbackNumberOf: CallbackNumberOf): RoutingEffect | undefined {
  switch (event.type) {
    case 'ContactOffered': {
      const d = event.data;
      if (d.kind === 'callback')
        return {
          type: 'PlaceCallback',
          contactId: d.contactId,
          agentId: d.agentId,
          callbackNumber: callbackNumberOf(d.contactId) ?? '',
          until: d.expiresAt,
        };
      return {
        type: 'RingAgent',
        contactId: d.contactId,
        agentId: d.agentId,
        channel: d.channel,
        until: d.expiresAt,
      };
    }
    case 'ContactOfferTimedOut':
    case 'ContactOfferRescinded':
      return { type: 'StopRinging', contactId: event.data.contactId, agentId: event.data.agentId };
    case 'ContactOverflowed': {
      const { action, contactId, queueId } = event.data;
      if (action.kind === 'voicemail') return { type: 'SendToVoicemail', contactId, queueId };
      if (action.kind === 'hang-up' || action.kind === 'callback')
        return { type: 'HangUp', contactId, prompt: action.prompt ?? null };
      return undefined;
    }
    case 'ContactCallbackRequested':
      return { type: 'HangUp', contactId: event.data.contactId, prompt: 'callback-confirmed' };
    default:
      return undefined;
  }
}
