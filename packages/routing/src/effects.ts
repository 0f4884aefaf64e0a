import type { RoutingEvent } from './events';

/**
 * What the server must do in the outside world because of routing events. Effects are derived
 * from events alone ({@link effectsOf}), so replaying a log never re-rings a phone: replay applies
 * events and discards effects.
 */
export type RoutingEffect =
  | {
      readonly type: 'RingAgent';
      readonly contactId: string;
      readonly agentId: string;
      readonly channel: string;
      readonly until: number;
    }
  | { readonly type: 'StopRinging'; readonly contactId: string; readonly agentId: string }
  | {
      readonly type: 'PlaceCallback';
      readonly contactId: string;
      readonly agentId: string;
      readonly callbackNumber: string;
      readonly until: number;
    }
  | { readonly type: 'SendToVoicemail'; readonly contactId: string; readonly queueId: string }
  | { readonly type: 'HangUp'; readonly contactId: string; readonly prompt: string | null };

/** Looks up the callback number of a contact; the engine knows it, events of offers do not repeat it. */
export type CallbackNumberOf = (contactId: string) => string | null;

/** The effects one event asks for. */
export function effectsOf(event: RoutingEvent, callbackNumberOf: CallbackNumberOf): RoutingEffect[] {
  switch (event.type) {
    case 'ContactOffered': {
      const d = event.data;
      if (d.kind === 'callback') {
        const callbackNumber = callbackNumberOf(d.contactId) ?? '';
        return [
          {
            type: 'PlaceCallback',
            contactId: d.contactId,
            agentId: d.agentId,
            callbackNumber,
            until: d.expiresAt,
          },
        ];
      }
      return [
        {
          type: 'RingAgent',
          contactId: d.contactId,
          agentId: d.agentId,
          channel: d.channel,
          until: d.expiresAt,
        },
      ];
    }
    case 'ContactOfferTimedOut':
    case 'ContactOfferRescinded':
      return [{ type: 'StopRinging', contactId: event.data.contactId, agentId: event.data.agentId }];
    case 'ContactOverflowed': {
      const { action, contactId, queueId } = event.data;
      if (action.kind === 'voicemail') return [{ type: 'SendToVoicemail', contactId, queueId }];
      if (action.kind === 'hang-up' || action.kind === 'callback')
        return [{ type: 'HangUp', contactId, prompt: action.prompt ?? null }];
      return [];
    }
    case 'ContactCallbackRequested':
      return [{ type: 'HangUp', contactId: event.data.contactId, prompt: 'callback-confirmed' }];
    default:
      return [];
  }
}
