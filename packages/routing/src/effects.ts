import { effectOf } from './engine/effect-of';
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
  const effect = effectOf(event, callbackNumberOf);
  return effect === undefined ? [] : [effect];
}
