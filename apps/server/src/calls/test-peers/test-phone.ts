import { seededRandom, type Clock, type Timers } from '@switchboard/kernel';
import {
  sdpDirection,
  sipUri,
  UserAgentCore,
  type Destination,
  type Dialog,
  type DialogEndCause,
  type HeaderField,
  type InviteClientTransaction,
  type LocalEndpoint,
  type ServerTransaction,
  type SipRequest,
  type SipResponse,
} from '@switchboard/sip';
import { InMemoryMedia } from '../in-memory-media';
import { buildInvite, newCallId } from '../outbound-invite';
import { sdpBody } from '../sdp-body';
import type { SipWire } from './sip-wire';

/** What a phone does with an incoming INVITE. */
export type PhoneBehaviour = 'answer' | 'ring' | 'busy' | 'decline' | 'ignore';

/** Options of {@link TestPhone}. */
export interface TestPhoneOptions {
  readonly host: string;
  readonly port?: number;
  readonly behaviour?: PhoneBehaviour;
  /** With `answer`: ring this long first; default 0 (answer at once after 180). */
  readonly answerAfterMs?: number;
  readonly seed?: number;
}

/**
 * A scripted SIP phone (or trunk) on its own {@link UserAgentCore}: rings, answers, refuses, places
 * calls, holds with re-INVITE (retrying a 491 as RFC 3261 §14.1 says), sends INFO DTMF, and records
 * what it saw. Its SDP is real (an {@link InMemoryMedia} of its own).
 */
export class TestPhone {
  readonly core: UserAgentCore;
  readonly media: InMemoryMedia;
  readonly host: string;
  readonly port: number;
  behaviour: PhoneBehaviour;
  answerAfterMs: number;
  /** Every request received (out of dialog and in dialog), and every final response to ours. */
  readonly received: SipRequest[] = [];
  readonly finals: SipResponse[] = [];
  readonly ended: DialogEndCause[] = [];
  /** The INVITE transactions waiting for our answer. */
  readonly ringing: ServerTransaction[] = [];
  dialog: Dialog | undefined;
  private endpoint: string | undefined;
  private outgoing: InviteClientTransaction | undefined;
  private reinviting = false;

  constructor(
    wire: SipWire,
    private readonly clock: Clock & Timers,
    options: TestPhoneOptions,
  ) {
    this.host = options.host;
    this.port = options.port ?? 5060;
    this.behaviour = options.behaviour ?? 'answer';
    this.answerAfterMs = options.answerAfterMs ?? 0;
    this.media = new InMemoryMedia({ address: this.host, firstPort: 30_000 });
    this.core = new UserAgentCore({
      timers: clock,
      random: seededRandom(options.seed ?? 7),
      transport: wire.transport(this.host, this.port),
      local: this.localEndpoint(),
      handler: {
        receiveRequest: (r, tx, d) => this.request(r, tx, d),
        dialogEnded: (d, cause) => {
          this.ended.push(cause);
          if (d === this.dialog) this.dialog = undefined;
        },
      },
    });
    wire.listen(this.host, this.port, (m, s) => this.core.layer.receive(m, s));
  }

  /** Methods of the requests received, in order. */
  methods(): string[] {
    return this.received.map((r) => r.method);
  }

  /** Places a call to `uri` at `to` with an SDP offer and any extra `headers` (Replaces…). */
  async dial(
    uri: string,
    to: Destination,
    from = '13912345678',
    headers: readonly HeaderField[] = [],
  ): Promise<void> {
    const opened = await this.media.open({ legId: 'call' });
    if (!opened.ok) throw new Error(opened.error.message);
    this.endpoint = opened.value.id;
    const built = buildInvite(this.core.layer, this.localEndpoint(), {
      target: { uri, destination: to },
      callId: newCallId(this.core.layer, this.localEndpoint()),
      callerId: { number: from, host: this.host },
      sdp: opened.value.localSdp,
      headers,
    });
    if (!built.ok) throw new Error(built.error.message);
    const sent = this.core.sendInvite(built.value.request, built.value.destination, {
      receiveResponse: (r, d) => {
        if (r.status >= 200) this.finals.push(r);
        if (r.status >= 200 && r.status < 300 && d !== undefined) this.dialog = d;
      },
    });
    if (!sent.ok) throw new Error(sent.error.message);
    this.outgoing = sent.value as InviteClientTransaction;
  }

  /** Answers the oldest ringing INVITE with 200 and our SDP answer. */
  async answer(): Promise<void> {
    const tx = this.ringing.shift();
    if (tx === undefined) throw new Error('nothing is ringing');
    // Cancelled meanwhile (§9.2: the 487 already went out): nothing to answer.
    if (tx.terminated || (tx.response?.status ?? 0) >= 200) return;
    const offer = sdpBody(tx.request);
    const opened = await this.media.open({ legId: 'call', remoteOffer: offer });
    if (!opened.ok) throw new Error(opened.error.message);
    this.endpoint = opened.value.id;
    const sent = this.core.respond(tx, 200, 'OK', {
      body: opened.value.localSdp,
      contentType: 'application/sdp',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    this.dialog = this.findDialog(tx);
  }

  /** Hangs up: BYE when connected, CANCEL while our INVITE is pending. */
  hangUp(): void {
    if (this.dialog !== undefined && this.dialog.state === 'confirmed') {
      this.core.bye(this.dialog);
      return;
    }
    if (this.outgoing !== undefined) this.core.layer.cancel(this.outgoing);
  }

  /** Sends a re-INVITE holding (`sendonly`) or resuming (`sendrecv`); a 491 is retried after `retryMs`. */
  reinvite(direction: 'sendonly' | 'sendrecv', retryMs = 1000): void {
    if (this.dialog === undefined || this.endpoint === undefined) throw new Error('no call');
    const sdp = this.media.createOffer(this.endpoint, direction);
    if (!sdp.ok) throw new Error(sdp.error.message);
    this.reinviting = true;
    this.core.sendRequest(
      this.dialog,
      'INVITE',
      { body: sdp.value, contentType: 'application/sdp' },
      {
        receiveResponse: (r) => {
          if (r.status < 200) return;
          this.reinviting = false;
          this.finals.push(r);
          if (r.status === 491) this.clock.set(retryMs, () => this.reinvite(direction, retryMs));
        },
      },
    );
  }

  /** Sends a DTMF digit as INFO application/dtmf-relay. */
  sendDigit(digit: string, durationMs = 160): void {
    if (this.dialog === undefined) throw new Error('no call');
    this.core.sendRequest(this.dialog, 'INFO', {
      body: `Signal=${digit}\r\nDuration=${durationMs}\r\n`,
      contentType: 'application/dtmf-relay',
    });
  }

  /** The direction the last re-INVITE we received asked for. */
  lastOfferedDirection(): string | undefined {
    const last = [...this.received]
      .reverse()
      .find((r) => r.method === 'INVITE' && r.to.params.tag !== undefined);
    const sdp = last === undefined ? undefined : sdpBody(last);
    return sdp === undefined ? undefined : sdpDirection(sdp);
  }

  private request(request: SipRequest, tx: ServerTransaction, dialog: Dialog | undefined): void {
    this.received.push(request);
    if (dialog !== undefined) return this.inDialog(request, tx);
    if (request.method !== 'INVITE') {
      this.core.respond(tx, 405, 'Method Not Allowed');
      return;
    }
    if (this.behaviour === 'busy') this.core.respond(tx, 486, 'Busy Here');
    else if (this.behaviour === 'decline') this.core.respond(tx, 603, 'Decline');
    else if (this.behaviour !== 'ignore') {
      this.core.respond(tx, 180, 'Ringing');
      this.ringing.push(tx);
      if (this.behaviour === 'answer') this.clock.set(this.answerAfterMs, () => void this.answer());
    }
  }

  private inDialog(request: SipRequest, tx: ServerTransaction): void {
    if (request.method !== 'INVITE') {
      this.core.respond(tx, 200, 'OK');
      return;
    }
    // RFC 3261 §14.2: our own re-INVITE is pending, so theirs is glare.
    if (this.reinviting) {
      this.core.respond(tx, 491, 'Request Pending');
      return;
    }
    const offer = sdpBody(request);
    const answer =
      offer === undefined || this.endpoint === undefined
        ? undefined
        : this.media.answerOffer(this.endpoint, offer);
    const body = answer?.ok === true ? { body: answer.value, contentType: 'application/sdp' } : {};
    this.core.respond(tx, 200, 'OK', body);
  }

  private findDialog(tx: ServerTransaction): Dialog | undefined {
    const tag = tx.response?.to.params.tag;
    const remote = tx.request.from.params.tag;
    if (typeof tag !== 'string' || typeof remote !== 'string') return undefined;
    return this.core.dialogs.get({ callId: tx.request.callId, localTag: tag, remoteTag: remote })?.dialog;
  }

  private localEndpoint(): LocalEndpoint {
    return {
      contact: { uri: sipUri({ user: 'phone', host: this.host, port: this.port }), params: {} },
      transport: 'UDP',
      host: this.host,
      port: this.port,
    };
  }
}
