import { err, ok, type Rejection, type Result, type TimerHandle } from '@switchboard/kernel';
import {
  FRAME_SAMPLES,
  RtpPacketView,
  encodeG711,
  type CallQuality,
  type RtpPayloadKind,
} from '@switchboard/media';
import type { RtpPacket } from 'werift';
import { systemMediaRuntime, type MediaRuntime } from '../media/media-clock';
import type { LegCodec, RtpSink } from '../media/media-leg-types';
import { RtpSender } from '../media/rtp-sender';
import { TypedEmitter } from '../media/typed-emitter';
import type { AudioLeg } from './audio-leg';
import { NoRtpWatchdog } from './no-rtp-watchdog';
import { chooseAudioCodec, type AudioCodecChoice } from './offer-codecs';
import {
  PeerTransport,
  type PeerFailure,
  type PeerIceOptions,
  type PeerTransportOptions,
  type PeerTransportState,
} from './peer-transport';
import { WebRtcCode, webRtcRejection } from './webrtc-rejection';
import type { WebRtcLegEvents, WebRtcLegState, WebRtcLegStats } from './webrtc-leg-types';

export type * from './webrtc-leg-types';

/** What a {@link WebRtcLeg} needs. */
export interface WebRtcLegOptions {
  /** The call leg id of signalling; stays the same across rejoins. */
  readonly id: string;
  readonly runtime?: MediaRuntime;
  /** "No audio" after this much time without RTP from the browser; default 10 s. */
  readonly noRtpTimeoutMs?: number;
  /** ICE and DTLS must complete within this after an answer; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Bound on gathering our ICE candidates; default 5 s. */
  readonly gatheringTimeoutMs?: number;
  readonly ice?: PeerIceOptions;
}

/** PCMU at its RFC 3551 static type, which every browser offers. */
const DEFAULT_CODEC: LegCodec = { law: 'pcmu', payloadType: 0 };

/** What our own offers list: PCMU at its static type and events at the common 101. */
const OFFER_CODEC = { encoding: 'pcmu', payloadType: 0, telephoneEventPayloadType: 101 } as const;

/**
 * The codec of a leg that made its own offer, before the browser answered: an RTP leg opened
 * to be relayed to it (see `WebRtcRtpGateway`) takes this one.
 */
export const WEBRTC_OFFER_CODEC: LegCodec = {
  law: 'pcmu',
  payloadType: OFFER_CODEC.payloadType,
  telephoneEventPayloadType: OFFER_CODEC.telephoneEventPayloadType,
};

/** The transport a set of werift callbacks belongs to, once it is the leg's. */
interface TransportSlot {
  transport?: PeerTransport;
}

/**
 * The browser softphone's media leg: the server half of a WebRTC call, answering the browser's
 * offer with werift (RFC 8829 JSEP, ICE per RFC 8445, DTLS-SRTP per RFC 5764) and negotiating
 * PCMU, so that packets cross the bridge to a SIP trunk byte for byte.
 *
 * It has the {@link AudioLeg} shape of an RTP leg: received audio goes to one {@link RtpSink}
 * as {@link RtpPacketView}s, and frames or relayed packets go out through an {@link RtpSender}
 * (our SSRC, sequence and timestamp, continuous across sources).
 *
 * The leg outlives its transport. {@link answer} takes the first offer and every later one for
 * the same call: a browser that reloads offers again (a re-INVITE on a new WebSocket), and the
 * leg swaps a fresh {@link PeerTransport} in under the same sink, sender and watchdog, so the
 * bridge never notices.
 *
 * ```
 *   new ──answer──▶ connecting ──ICE+DTLS──▶ connected ──page gone──▶ disconnected
 *                       ▲  │ failed/timeout                               │
 *                       │  ▼                                              │
 *                       └──────────────── answer (rejoin) ◀───────────────┘
 *   any ──close──▶ closed
 * ```
 */
export class WebRtcLeg extends TypedEmitter<WebRtcLegEvents> implements AudioLeg {
  readonly id: string;
  readonly sender: RtpSender;
  private readonly runtime: MediaRuntime;
  private readonly watchdog: NoRtpWatchdog;
  private readonly view = new RtpPacketView();
  private readonly encoded = new Uint8Array(FRAME_SAMPLES);
  private negotiated: LegCodec = DEFAULT_CODEC;
  private transport: PeerTransport | undefined;
  private generationCount = 0;
  private legState: WebRtcLegState = 'new';
  private sink: RtpSink | undefined;
  private answering: Promise<unknown> = Promise.resolve();
  private connectTimer: TimerHandle | undefined;
  /** Our offer's transport, until the browser's answer arrives. */
  private offered: { readonly transport: PeerTransport; readonly slot: TransportSlot } | undefined;
  private readonly counters = { received: 0, unknownPayloadType: 0, sent: 0, transportFailures: 0 };
  /** The quality of the last retired transport that heard the browser, for a rejoin not yet heard. */
  private retiredQuality: CallQuality | undefined;

  constructor(private readonly o: WebRtcLegOptions) {
    super();
    this.id = o.id;
    this.runtime = o.runtime ?? systemMediaRuntime;
    this.sender = new RtpSender(this.runtime.random, (packet) => this.send(packet));
    this.watchdog = new NoRtpWatchdog({
      clock: this.runtime.clock,
      timers: this.runtime.timers,
      timeoutMs: o.noRtpTimeoutMs ?? 10_000,
      onTimeout: (silentMs) => this.emit('rtp-timeout', { silentMs }),
      onResumed: (silentMs) => this.emit('rtp-resumed', { silentMs }),
    });
  }

  /**
   * The leg's codec: PCMU, plus telephone-event if negotiated, at the payload types of its first
   * session (the browser's offer, or ours). A rejoin keeps them: its transport renumbers.
   */
  get codec(): LegCodec {
    return this.negotiated;
  }

  /** Where the leg stands. */
  get state(): WebRtcLegState {
    return this.legState;
  }

  /** How many transports the leg has had: 1 after the first answer, +1 per rejoin. */
  get generation(): number {
    return this.generationCount;
  }

  /**
   * Answers a browser offer with an SDP answer carrying all our candidates (no trickle). The
   * first call starts the leg; a later call is a rejoin: the new transport replaces the old one
   * once the answer is ready, and the old one is closed. A refused offer leaves the leg as it
   * was. Offers are answered one at a time, in order.
   */
  answer(offerSdp: string): Promise<Result<string, Rejection>> {
    const next = this.answering.then(() => this.answerNow(offerSdp));
    this.answering = next.catch(() => undefined);
    return next;
  }

  /** Delivers received packets to `sink` (the bridge), or to nobody. */
  setSink(sink: RtpSink | undefined): void {
    this.sink = sink;
  }

  /** Sends one 20 ms frame already encoded in PCMU. */
  sendFrame(payload: Uint8Array, marker = false): void {
    if (this.legState !== 'closed')
      this.sender.sendFrame(this.negotiated.payloadType, payload, this.now(), marker);
  }

  /** Encodes one frame of 8 kHz linear samples to PCMU and sends it. */
  sendLinear(samples: Int16Array, marker = false): void {
    encodeG711(this.negotiated.law, samples, this.encoded, FRAME_SAMPLES);
    this.sendFrame(this.encoded, marker);
  }

  /** Relays a packet received on another leg (same law: payload bytes untouched). */
  relay(packet: RtpPacketView, payloadType: number, payload?: Uint8Array): void {
    if (this.legState !== 'closed') this.sender.relay(packet, payloadType, this.now(), payload);
  }

  /** Current figures. */
  stats(): WebRtcLegStats {
    return { ...this.counters, generation: this.generationCount, silent: this.watchdog.silent };
  }

  /**
   * Loss, jitter and MOS both ways, as measured on the current transport (or, after a rejoin the
   * browser has not yet been heard on, the one before); undefined while the browser was never heard.
   */
  quality(): CallQuality | undefined {
    return this.transport?.quality() ?? this.retiredQuality;
  }

  /** Closes the transport, stops the watchdog and emits `closed`. Idempotent. */
  close(): void {
    if (this.legState === 'closed') return;
    const quality = this.quality();
    this.setState('closed');
    this.clearConnectTimer();
    this.watchdog.stop();
    this.sink = undefined;
    void this.offered?.transport.close();
    this.offered = undefined;
    void this.transport?.close();
    this.transport = undefined;
    this.emit('closed', { stats: this.stats(), quality });
    this.removeAllListeners();
  }

  private async answerNow(offerSdp: string): Promise<Result<string, Rejection>> {
    if (this.legState === 'closed') return err(webRtcRejection(WebRtcCode.LegClosed, 'leg is closed'));
    const chosen = chooseAudioCodec(offerSdp);
    if (!chosen.ok) return err(chosen.error);
    const generation = this.generationCount + 1;
    // A rejoin keeps the leg's numbers (the RTP leg behind the gateway was opened with them); the
    // transport renumbers the browser's. Events the leg cannot take are left out of the answer.
    const leg = generation === 1 ? undefined : this.negotiated;
    const choice = leg === undefined ? chosen.value : fitToLeg(chosen.value, leg);
    const slot: TransportSlot = {};
    const result = await PeerTransport.answer(offerSdp, this.transportOptions(choice, slot, leg));
    if (!result.ok) return err(result.error);
    const created = result.value;
    // close() may have run while werift gathered candidates.
    if (this.isClosed()) {
      await created.close();
      return err(webRtcRejection(WebRtcCode.LegClosed, 'leg closed while answering'));
    }
    slot.transport = created;
    this.adopt(created, generation, choice);
    return ok(created.answerSdp);
  }

  /**
   * Makes our own offer, for a call placed to a browser (the INVITE carries it, the browser
   * answers in its 2xx): PCMU at type 0 and telephone-event at 101, candidates included.
   * {@link acceptAnswer} then starts the transport. A second offer before an answer replaces
   * the first.
   */
  offer(): Promise<Result<string, Rejection>> {
    const next = this.answering.then(() => this.offerNow());
    this.answering = next.catch(() => undefined);
    return next;
  }

  /**
   * Applies the browser's answer to our last {@link offer}: the transport connects and the leg
   * becomes `connecting` (or a rejoin, when it had a transport). An answer without PCMU, or one
   * werift refuses, closes the offered transport and leaves the leg as it was.
   */
  acceptAnswer(answerSdp: string): Promise<Result<void, Rejection>> {
    const next = this.answering.then(() => this.acceptAnswerNow(answerSdp));
    this.answering = next.catch(() => undefined);
    return next;
  }

  private async offerNow(): Promise<Result<string, Rejection>> {
    if (this.legState === 'closed') return err(webRtcRejection(WebRtcCode.LegClosed, 'leg is closed'));
    const slot: TransportSlot = {};
    const result = await PeerTransport.offer(this.transportOptions(OFFER_CODEC, slot));
    if (!result.ok) return err(result.error);
    const created = result.value;
    if (this.isClosed()) {
      await created.close();
      return err(webRtcRejection(WebRtcCode.LegClosed, 'leg closed while offering'));
    }
    void this.offered?.transport.close();
    this.offered = { transport: created, slot };
    return ok(created.localSdp);
  }

  private async acceptAnswerNow(answerSdp: string): Promise<Result<void, Rejection>> {
    if (this.legState === 'closed') return err(webRtcRejection(WebRtcCode.LegClosed, 'leg is closed'));
    const offered = this.offered;
    if (offered === undefined)
      return err(webRtcRejection(WebRtcCode.NegotiationFailed, 'no offer of ours awaits an answer'));
    this.offered = undefined;
    // RFC 3264 §6.1: the answer keeps our payload types, so PCMU is 0; events only if kept.
    const choice = chooseAudioCodec(answerSdp);
    if (!choice.ok) {
      await offered.transport.close();
      return err(choice.error);
    }
    const applied = await offered.transport.acceptAnswer(answerSdp);
    if (!applied.ok) return applied;
    if (this.isClosed()) {
      await offered.transport.close();
      return err(webRtcRejection(WebRtcCode.LegClosed, 'leg closed while applying the answer'));
    }
    offered.slot.transport = offered.transport;
    // The leg keeps our offer's numbers, those of the RTP leg opened for it; an answer without
    // events leaves the transport nowhere to send the leg's, and it drops them.
    this.adopt(offered.transport, this.generationCount + 1, OFFER_CODEC);
    return ok(undefined);
  }

  /**
   * What a new transport is built with. Events of a transport that is not (or no longer) the
   * leg's are ignored: a retired one may still report its own closing after a rejoin.
   */
  private transportOptions(
    codec: AudioCodecChoice,
    slot: TransportSlot,
    leg?: LegCodec,
  ): PeerTransportOptions {
    const current = (): boolean => slot.transport !== undefined && slot.transport === this.transport;
    return {
      codec,
      ...(leg === undefined ? {} : { leg }),
      timers: this.runtime.timers,
      clock: this.runtime.clock,
      ...(this.o.ice ? { ice: this.o.ice } : {}),
      ...(this.o.gatheringTimeoutMs !== undefined ? { gatheringTimeoutMs: this.o.gatheringTimeoutMs } : {}),
      onRtp: (packet) => {
        if (current()) this.onRtp(packet);
      },
      onState: (state, failure) => {
        if (current()) this.onTransportState(state, failure);
      },
    };
  }

  /**
   * Puts a freshly answered transport under the leg, retiring the previous one. The first one
   * fixes the leg's codec; later ones (rejoins) renumber theirs to it.
   */
  private adopt(transport: PeerTransport, generation: number, choice: AudioCodecChoice): void {
    const previous = this.transport;
    this.retiredQuality = previous?.quality() ?? this.retiredQuality;
    this.transport = transport;
    this.generationCount = generation;
    const te = choice.telephoneEventPayloadType;
    if (generation === 1)
      this.negotiated = {
        law: 'pcmu',
        payloadType: choice.payloadType,
        ...(te !== undefined ? { telephoneEventPayloadType: te } : {}),
      };
    void previous?.close();
    this.setState('connecting');
    this.watchdog.start();
    this.armConnectTimer(transport);
    if (generation > 1) this.emit('rejoined', { generation });
  }

  private armConnectTimer(transport: PeerTransport): void {
    this.clearConnectTimer();
    this.connectTimer = this.runtime.timers.set(this.o.connectTimeoutMs ?? 10_000, () => {
      this.connectTimer = undefined;
      if (transport === this.transport && transport.current === 'connecting')
        transport.fail('connect-timeout');
    });
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== undefined) this.runtime.timers.clear(this.connectTimer);
    this.connectTimer = undefined;
  }

  private onTransportState(state: PeerTransportState, failure?: PeerFailure): void {
    const generation = this.generationCount;
    if (state === 'connected') {
      this.clearConnectTimer();
      this.setState('connected');
      this.emit('transport-connected', { generation });
    } else if (state === 'failed') {
      this.clearConnectTimer();
      this.counters.transportFailures++;
      this.setState('disconnected');
      this.emit('transport-failed', { generation, failure: failure ?? 'ice' });
    } else if (state === 'closed') {
      this.setState('disconnected');
      this.emit('transport-closed', { generation });
    }
  }

  /** werift hands a parsed packet; the sink gets the media package's view on its payload. */
  private onRtp(packet: RtpPacket): void {
    const h = packet.header;
    const kind = this.kindOf(h.payloadType);
    if (kind === undefined) {
      this.counters.unknownPayloadType++;
      return;
    }
    this.counters.received++;
    this.watchdog.touch();
    const v = this.view;
    v.bytes = packet.payload;
    v.marker = h.marker;
    v.payloadType = h.payloadType;
    v.sequenceNumber = h.sequenceNumber;
    v.timestamp = h.timestamp;
    v.ssrc = h.ssrc;
    v.payloadOffset = 0;
    v.payloadLength = packet.payload.length;
    if (this.listening('rtp')) this.emit('rtp', { packet: v, kind });
    this.sink?.receiveRtp(v, kind, this.now());
  }

  private kindOf(payloadType: number): RtpPayloadKind | undefined {
    if (payloadType === this.negotiated.payloadType) return this.negotiated.law;
    if (payloadType === this.negotiated.telephoneEventPayloadType) return 'telephone-event';
    return undefined;
  }

  /** RtpSender output: events bypass werift's payload-type rewrite, audio does not need to. */
  private send(packet: Buffer): void {
    const transport = this.transport;
    if (transport === undefined) return;
    this.counters.sent++;
    if ((packet[1]! & 0x7f) === this.negotiated.telephoneEventPayloadType) transport.sendEvent(packet);
    else transport.sendAudio(packet);
  }

  private setState(state: WebRtcLegState): void {
    if (this.legState === state) return;
    const previous = this.legState;
    this.legState = state;
    this.emit('state', { state, previous });
  }

  private isClosed(): boolean {
    return this.legState === 'closed';
  }

  private now(): number {
    return this.runtime.clock.now();
  }
}

/**
 * A rejoining browser's choice as the leg can take it: without events when the leg has none, so
 * the answer does not promise key presses that would go nowhere (RFC 4733 §7.1.1).
 */
function fitToLeg(choice: AudioCodecChoice, leg: LegCodec): AudioCodecChoice {
  if (leg.telephoneEventPayloadType !== undefined || choice.telephoneEventPayloadType === undefined)
    return choice;
  return {
    encoding: choice.encoding,
    payloadType: choice.payloadType,
    ...(choice.opus === undefined ? {} : { opus: { payloadType: choice.opus.payloadType } }),
    ...(choice.mid === undefined ? {} : { mid: choice.mid }),
  };
}
