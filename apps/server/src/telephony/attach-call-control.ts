/**
 * Puts B2BUA call control ({@link CallControl}) on the live SIP transports: it owns a user-agent
 * core built over telephony's outbound transport and local endpoint, every message received goes
 * to that core's transaction layer, and REGISTER, OPTIONS and the rest come back to telephony's
 * own handling. Shared by the server and the SIP benchmark's B2BUA mode.
 */
import type { Clock, IdGenerator, Timers } from '@switchboard/kernel';
import { CallControl, type CallControlOptions, type InboundCallHandler, type MediaPort } from '../calls';
import { cryptoRandom } from './sip-node-ports';
import { systemTimers } from './sip-timers';
import type { Telephony } from './telephony';

/** What {@link attachCallControl} needs beyond the transports. */
export interface AttachCallControlOptions {
  readonly media: MediaPort;
  readonly inbound: InboundCallHandler;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly timers?: Timers;
  /** Bound on live server transactions per source (the core's default when absent). */
  readonly maxServerTransactionsPerSource?: number;
  /** The answer test number (`--sip-answer-test-number`), answered here once call control owns calls. */
  readonly answerTest?: { readonly number: string; readonly ringMs: number };
}

/** Builds call control, attaches its core to `telephony` and returns it. */
export function attachCallControl(
  telephony: Pick<Telephony, 'outboundTransport' | 'local' | 'otherRequest' | 'attachCore'>,
  o: AttachCallControlOptions,
): CallControl {
  const timers = o.timers ?? systemTimers;
  const answerTest = o.answerTest;
  const inbound: InboundCallHandler =
    answerTest === undefined
      ? o.inbound
      : {
          offer: (offer) => {
            if (offer.dialed !== answerTest.number) return o.inbound.offer(offer);
            if (answerTest.ringMs === 0) return { action: 'answer' };
            timers.set(answerTest.ringMs, () => {
              void control.execute({ type: 'AnswerInbound', legId: offer.legId });
            });
            return { action: 'ring' };
          },
        };
  const options: CallControlOptions & { readonly maxServerTransactionsPerSource?: number } = {
    transport: telephony.outboundTransport,
    local: telephony.local,
    clock: o.clock,
    timers,
    random: cryptoRandom,
    ids: o.ids,
    media: o.media,
    otherRequest: telephony.otherRequest,
    inbound,
    // Not a CallControlOptions field yet, but its core takes every option it is given.
    ...(o.maxServerTransactionsPerSource === undefined
      ? {}
      : { maxServerTransactionsPerSource: o.maxServerTransactionsPerSource }),
  };
  const control = new CallControl(options);
  telephony.attachCore(control.core);
  return control;
}
