import type { Clock, IdGenerator, Random, Timers } from '@switchboard/kernel';
import type { LocalEndpoint, UserAgentCore } from '@switchboard/sip';
import type { CallEventBus } from './call-event-bus';
import type { CallEvent, LegEnding } from './call-events';
import type { Leg } from './leg';
import type { LegRegistry } from './leg-registry';
import type { MediaPort } from './media-port';

/** Whether ending a leg sends SIP (our hang-up) or only records a hang-up the remote already did. */
export type EndSignal = 'signal' | 'silent';

/** What the call-control collaborators share. Created once by {@link CallControl}. */
export interface CallContext {
  readonly core: UserAgentCore;
  readonly legs: LegRegistry;
  readonly bus: CallEventBus;
  readonly media: MediaPort;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  readonly ids: IdGenerator;
  readonly local: LocalEndpoint;
  /** Ends a leg: SIP (when `signal`), media release, registry, then `LegEnded`. Idempotent. */
  end(leg: Leg, ending: LegEnding, signal: EndSignal): void;
  /** Emits an event stamped by the caller. */
  emit(event: CallEvent): void;
}
