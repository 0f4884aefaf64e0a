import type { TimerHandle, Timers } from '@switchboard/kernel';
import {
  createAnswer,
  createOffer,
  parseSdp,
  serializeSdp,
  type InviteServerTransaction,
  type LocalAudio,
  type ServerTransaction,
  type SipRequest,
  type UserAgentCore,
} from '@switchboard/sip';
import type { SipCallHandler } from './sip-call-handler';

/** Options of {@link answerTestCallHandler}. */
export interface AnswerTestOptions {
  /** The Request-URI user part answered; every other number is handed to `otherCalls`. */
  readonly number: string;
  /** Ring (180) this long before answering; 0 answers at once. */
  readonly ringMs: number;
  /** The address put in the SDP answer's c= line. */
  readonly mediaAddress: string;
  /**
   * The RTP port announced. Nothing listens on it: this handler does no media (the media layer
   * owns RTP); the default 9 is the discard port (RFC 863), so a peer's RTP is simply lost.
   */
  readonly mediaPort?: number;
  readonly timers: Timers;
  readonly otherCalls: SipCallHandler;
}

/**
 * A test number the server answers by itself, for smoke tests and SIP benchmarks (sipp's built-in
 * `uac` scenario): 200 OK with a PCMU SDP answer (RFC 3264 §6), optionally after ringing, ACK and BYE
 * through the user-agent core, re-INVITEs answered with the RFC 3264 §6.1 direction (a=sendonly hold
 * → a=recvonly). No media flows. Off unless configured (`SIP_ANSWER_TEST_NUMBER`): production must
 * never answer calls blindly.
 */
export function answerTestCallHandler(core: UserAgentCore, options: AnswerTestOptions): SipCallHandler {
  const ringing = new Map<ServerTransaction, TimerHandle>();
  const audio: LocalAudio = {
    address: options.mediaAddress,
    addrType: options.mediaAddress.includes(':') ? 'IP6' : 'IP4',
    port: options.mediaPort ?? 9,
    codecs: ['PCMU'],
    origin: { username: '-', sessionId: String(Date.now()), sessionVersion: '1' },
  };
  let version = 0;
  const answer = (transaction: ServerTransaction, request: SipRequest): void => {
    // RFC 3264 §8: each new description in a dialog carries a higher o= version (one counter suffices).
    const local = { ...audio, origin: { ...audio.origin, sessionVersion: String(++version) } };
    const sdp = sdpAnswer(request, local);
    if (sdp === undefined) core.respond(transaction, 488, 'Not Acceptable Here');
    else core.respond(transaction, 200, 'OK', { body: sdp, contentType: 'application/sdp' });
  };
  const ring = (transaction: ServerTransaction, request: SipRequest): void => {
    core.respond(transaction, 180, 'Ringing');
    const timer = options.timers.set(options.ringMs, () => {
      ringing.delete(transaction);
      // A CANCEL may have won the race: the layer then already answered 487 (RFC 3261 §9.2).
      if (transaction.state === 'proceeding') answer(transaction, request);
    });
    ringing.set(transaction, timer);
  };
  return {
    receiveRequest(request, transaction, dialog) {
      if (dialog !== undefined) {
        // A re-INVITE (hold, resume) gets an answer to its offer; UPDATE/INFO without one just 200.
        if (request.method === 'INVITE') answer(transaction, request);
        else core.respond(transaction, 200, 'OK');
      } else if (request.uri.kind !== 'sip' || request.uri.user !== options.number) {
        options.otherCalls.receiveRequest(request, transaction, undefined);
      } else if (options.ringMs > 0) {
        ring(transaction, request);
      } else {
        answer(transaction, request);
      }
    },
    receiveCancel(_cancel, invite: InviteServerTransaction) {
      const timer = ringing.get(invite);
      if (timer !== undefined) options.timers.clear(timer);
      ringing.delete(invite);
    },
  };
}

/** The SDP answer to the request's offer, or an offer of our own when it came without one (§13.2.1). */
function sdpAnswer(request: SipRequest, audio: LocalAudio): string | undefined {
  if (request.body.length === 0) return serializeSdp(createOffer(audio));
  const offer = parseSdp(request.body);
  if (!offer.ok) return undefined;
  const answered = createAnswer(offer.value, audio);
  return answered.ok ? serializeSdp(answered.value.sdp) : undefined;
}
