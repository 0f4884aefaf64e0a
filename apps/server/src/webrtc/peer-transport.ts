import type { Timers } from '@switchboard/kernel';
import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import type { RtpPacketFields } from '@switchboard/media';
import {
  RTCPeerConnection,
  RtpHeader,
  RtpPacket,
  type MediaStreamTrack,
  type PeerConfig,
  type RTCRtpTransceiver,
} from 'werift';
import { chooseAudioCodec, type AudioCodecChoice } from './offer-codecs';
import { OpusTranscoder, type OpusTranscoderFormats } from './opus-transcoder';
import { PayloadTypeMap, type PcmuPayloadTypes } from './payload-type-map';
import { answerCodecParameters, isCodec, offerCodecParameters, withOpusFmtp } from './peer-codecs';
import { WebRtcCode, webRtcRejection } from './webrtc-rejection';

/** Where the transport stands, folded from werift's ICE and DTLS states. */
export type PeerTransportState = 'connecting' | 'connected' | 'failed' | 'closed';

/** Why a transport failed: connectivity checks (RFC 8445 §8), the DTLS handshake (RFC 5764 §4), or neither in time. */
export type PeerFailure = 'ice' | 'dtls' | 'connect-timeout';

/** ICE addresses of this host; unset means werift's defaults (every non-loopback interface). */
export interface PeerIceOptions {
  /** Host candidates (RFC 8445 §5.1.1.1) on these addresses too, e.g. 127.0.0.1 in tests. */
  readonly additionalHostAddresses?: readonly string[];
  /** Bind the ICE sockets to this IPv4 address only (a multi-homed server's media address). */
  readonly bindAddress?: string;
  /** UDP ports for host candidates, e.g. the firewall's WebRTC range. */
  readonly portRange?: readonly [number, number];
  /** Also gather IPv6 host candidates; default false. */
  readonly ipv6?: boolean;
}

/** What {@link PeerTransport.answer} needs. */
export interface PeerTransportOptions {
  /** What the browser's SDP negotiated (or what our offer proposes). */
  readonly codec: AudioCodecChoice;
  /**
   * The payload types of the leg behind the transport, when they are not `codec`'s: a rejoined
   * browser numbers its formats its own way, while the leg keeps those it was opened with.
   */
  readonly leg?: PcmuPayloadTypes;
  readonly timers: Timers;
  readonly ice?: PeerIceOptions;
  /** Bound on gathering our candidates before the answer goes out; default 5 s. */
  readonly gatheringTimeoutMs?: number;
  /**
   * Receives every RTP packet of the browser's audio stream, already SRTP-decrypted, as PCMU and
   * `telephone-event/8000` at the leg's payload types (transcoded when the browser sends Opus,
   * renumbered when the browser's numbers are not the leg's).
   */
  readonly onRtp: (packet: RtpPacket) => void;
  readonly onState: (state: PeerTransportState, failure?: PeerFailure) => void;
}

/**
 * One werift RTCPeerConnection answering one browser offer (RFC 8829 §5.3): a single audio
 * transceiver, sendrecv, over one ICE/DTLS-SRTP transport (RFC 8445, RFC 5764). The answer is
 * produced only after ICE gathering has completed so that it carries every candidate: SIP
 * carries one answer and no trickle (RFC 8829 §4.1.8.1, "half trickle" is not assumed).
 *
 * A transport is never renegotiated: a browser that reloads builds a new RTCPeerConnection with
 * new ICE credentials and fingerprint, so the leg builds a new transport too and swaps it in.
 *
 * Towards the leg the transport always speaks PCMU, at the leg's payload types. When the browser
 * insists on Opus (it offered nothing else, or put Opus first in its answer to our offer) an
 * {@link OpusTranscoder} sits between werift and the leg; when the browser speaks PCMU under
 * other numbers than the leg's (a rejoin: Chromium's `telephone-event/8000` is 126, the leg's
 * 101) a {@link PayloadTypeMap} renumbers each packet. So this is the one module that knows what
 * is on the wire: the leg, the gateway, the bridge, recorders and DTMF detection see the same
 * PCMU stream, at the same numbers, whatever the browser negotiated.
 */
export class PeerTransport {
  private state: PeerTransportState = 'connecting';
  private transcoder: OpusTranscoder | undefined;
  /** Browser ⇄ leg numbers of PCMU and its events, when nothing is transcoded. */
  private types: PayloadTypeMap;

  private constructor(
    private readonly pc: RTCPeerConnection,
    private readonly transceiver: RTCRtpTransceiver,
    private readonly options: PeerTransportOptions,
    /** Our SDP (answer or offer), candidates included. */
    readonly localSdp: string,
    receiving: AudioRoute,
  ) {
    receiving.receive = (packet) => this.receive(packet);
    const leg = legTypesOf(options);
    // Behind a transcoder the browser's side is Opus; the map then only sees what passes through.
    this.types = new PayloadTypeMap(leg, options.codec.encoding === 'pcmu' ? options.codec : leg);
  }

  /** Answers `offerSdp`; the transport starts connecting as soon as this resolves. */
  static async answer(
    offerSdp: string,
    options: PeerTransportOptions,
  ): Promise<Result<PeerTransport, Rejection>> {
    return PeerTransport.negotiate(options, async (pc) => {
      await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      const transceiver = pc.getTransceivers().find((t) => t.kind === 'audio');
      if (transceiver === undefined) throw new Error('no audio transceiver after the offer');
      // We can always send and receive; werift answers the intersection with the offered
      // direction, so a recvonly or sendonly offer still gets the mirror RFC 3264 §6.1 asks for.
      transceiver.setDirection('sendrecv');
      await pc.setLocalDescription(await pc.createAnswer());
      return transceiver;
    });
  }

  /**
   * Makes our own offer (RFC 8829 §5.2), for a call we place to a browser: one sendrecv audio
   * section with PCMU at the payload type of `options.codec`, then Opus, then telephone-event at
   * 8 and 48 kHz (`offerCodecParameters`), ICE credentials, our DTLS fingerprint with
   * `a=setup:actpass` (RFC 8842 §5.2) and every candidate. The transport connects once
   * {@link acceptAnswer} has the browser's answer.
   */
  static async offer(options: PeerTransportOptions): Promise<Result<PeerTransport, Rejection>> {
    return PeerTransport.negotiate(
      options,
      async (pc) => {
        const transceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
        await pc.setLocalDescription(await pc.createOffer());
        return transceiver;
      },
      offerCodecParameters(options.codec),
    );
  }

  /**
   * Applies the browser's answer to our {@link offer}: ICE checks and the DTLS handshake start.
   * An answer that puts Opus first gets a transcoder; one with PCMU first (Chromium keeps our
   * order) is relayed as it is. A refused answer (no fingerprint, no ICE credentials) closes
   * the transport.
   */
  async acceptAnswer(answerSdp: string): Promise<Result<void, Rejection>> {
    try {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
      // werift sends with the first codec of the answer: Opus means the browser wants Opus.
      const sent = this.transceiver.sender.codec;
      if (sent !== undefined && isCodec(sent, 'audio/opus', 48000)) {
        const events = this.transceiver.codecs.find((c) => isCodec(c, 'audio/telephone-event', 48000));
        this.keepReceivingPcmu();
        this.transcode({
          opus: sent.payloadType,
          ...(events === undefined ? {} : { opusEvents: events.payloadType }),
          ...formatsTowardsLeg(legTypesOf(this.options)),
        });
      } else this.renumber(answerSdp);
      this.watch();
      return ok(undefined);
    } catch (cause) {
      await this.close();
      const message = cause instanceof Error ? cause.message : String(cause);
      return err(webRtcRejection(WebRtcCode.NegotiationFailed, `werift refused the answer: ${message}`));
    }
  }

  /** The SDP answer (after {@link answer}), candidates included. */
  get answerSdp(): string {
    return this.localSdp;
  }

  /**
   * One peer connection with our codecs, `describe` run on it (offer or answer), then ICE
   * gathering awaited so that our description carries every candidate.
   */
  private static async negotiate(
    options: PeerTransportOptions,
    describe: (pc: RTCPeerConnection) => Promise<RTCRtpTransceiver>,
    codecs = answerCodecParameters(options.codec),
  ): Promise<Result<PeerTransport, Rejection>> {
    const pc = new RTCPeerConnection({
      iceServers: [],
      codecs: { audio: codecs },
      headerExtensions: { audio: [] },
      iceUseIpv6: options.ice?.ipv6 ?? false,
      ...iceConfig(options.ice),
    });
    // Packets go to the leg until the transport exists, then through it (and its transcoder).
    const receiving: AudioRoute = { receive: options.onRtp };
    const subscription = pc.onTrack.subscribe((track: MediaStreamTrack) => {
      track.onReceiveRtp.subscribe((packet) => receiving.receive(packet));
    });
    try {
      const transceiver = await describe(pc);
      const gathered = await waitForGathering(pc, options.timers, options.gatheringTimeoutMs ?? 5000);
      if (!gathered) {
        await pc.close();
        return err(webRtcRejection(WebRtcCode.GatheringTimedOut, 'ICE gathering did not complete'));
      }
      const opus = options.codec.encoding === 'opus' ? options.codec.opus : undefined;
      let sdp = pc.localDescription?.sdp ?? '';
      // werift answers with the offer's own fmtp lines; ours say what our decoder wants.
      if (opus !== undefined && pc.remoteDescription) sdp = withOpusFmtp(sdp, opus.payloadType);
      const bound = options.ice?.bindAddress;
      const transport = new PeerTransport(
        pc,
        transceiver,
        options,
        bound ? keepCandidatesOn(sdp, bound) : sdp,
        receiving,
      );
      if (opus !== undefined && pc.remoteDescription)
        transport.transcode({
          opus: opus.payloadType,
          ...(opus.telephoneEventPayloadType === undefined
            ? {}
            : { opusEvents: opus.telephoneEventPayloadType }),
          ...formatsTowardsLeg(legTypesOf(options)),
        });
      // An answering transport connects at once; an offering one once the answer is applied.
      if (pc.remoteDescription) transport.watch();
      return ok(transport);
    } catch (cause) {
      subscription.unSubscribe();
      await pc.close().catch(() => undefined);
      const message = cause instanceof Error ? cause.message : String(cause);
      return err(webRtcRejection(WebRtcCode.NegotiationFailed, `werift refused the offer: ${message}`));
    }
  }

  /** Current state. */
  get current(): PeerTransportState {
    return this.state;
  }

  /**
   * Sends one PCMU RTP packet of the leg (serialized, any SSRC), encoded to Opus first when the
   * browser insists on it: werift stamps our SSRC and the negotiated payload type and protects it
   * with SRTP. Dropped silently until DTLS is up (RFC 5764 §4.1: no keys yet), which is what a
   * leg wants for a few frames at call start.
   */
  sendAudio(packet: Buffer): void {
    if (this.state !== 'connected') return;
    if (this.transcoder !== undefined) this.transcoder.audioFromLeg(packet);
    else this.transceiver.sender.sendRtp(packet).catch(() => undefined);
  }

  /**
   * Sends an RFC 4733 event packet of the leg (moved to 48 kHz when the browser gets Opus).
   * werift's sender rewrites every payload type to the audio codec's, so events go to the DTLS
   * transport directly under the sender's SSRC.
   */
  sendEvent(packet: Buffer): void {
    if (this.state !== 'connected') return;
    if (this.transcoder !== undefined) {
      this.transcoder.eventFromLeg(packet);
      return;
    }
    const rtp = RtpPacket.deSerialize(packet);
    // RFC 4733 §7.1.1: events go under the browser's number, and not at all if it has none.
    const type = this.types.towardsBrowser(rtp.header.payloadType);
    if (type === undefined) return;
    rtp.header.payloadType = type;
    this.sendEventPacket(rtp);
  }

  /** Closes the peer connection (DTLS close_notify, RFC 5246 §7.2.1). Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.transcoder?.close();
    await this.pc.close().catch(() => undefined);
  }

  /**
   * Goes on accepting the PCMU and `telephone-event/8000` we offered although the answer left
   * them out. RFC 3264 §7 lets an offerer stop listening for them, not must; and Chromium, whose
   * munged answer (or `setCodecPreferences`) only says what it wants to receive, still sends
   * with the first codec of our offer it supports: PCMU, which then crosses untranscoded.
   */
  private keepReceivingPcmu(): void {
    const answered = this.transceiver.codecs;
    const missing = offerCodecParameters(this.options.codec).filter(
      (c) =>
        (isCodec(c, 'audio/pcmu', 8000) || isCodec(c, 'audio/telephone-event', 8000)) &&
        !answered.some((a) => a.payloadType === c.payloadType),
    );
    if (missing.length > 0)
      this.transceiver.receiver.prepareReceive({ codecs: missing, encodings: [], headerExtensions: [] });
  }

  /** Puts a transcoder between werift and the leg: the browser speaks Opus, the leg PCMU. */
  private transcode(formats: OpusTranscoderFormats): void {
    this.transcoder = new OpusTranscoder(
      formats,
      (fields) => this.options.onRtp(toWerift(fields)),
      (fields) => {
        if (this.state !== 'connected') return;
        const rtp = toWerift(fields);
        if (fields.payloadType === formats.opusEvents) this.sendEventPacket(rtp);
        else this.transceiver.sender.sendRtp(rtp).catch(() => undefined);
      },
    );
  }

  /**
   * The browser's numbers from its answer to our offer. RFC 3264 §6.1 has it keep ours, but it
   * may leave `telephone-event` out: the leg's events then have nowhere to go.
   */
  private renumber(answerSdp: string): void {
    const answered = chooseAudioCodec(answerSdp);
    if (answered.ok && answered.value.encoding === 'pcmu')
      this.types = new PayloadTypeMap(legTypesOf(this.options), answered.value);
  }

  private receive(packet: RtpPacket): void {
    const transcoder = this.transcoder;
    if (transcoder === undefined) {
      const type = this.types.towardsLeg(packet.header.payloadType);
      if (type === undefined) return;
      packet.header.payloadType = type;
      this.options.onRtp(packet);
      return;
    }
    const h = packet.header;
    transcoder.fromBrowser({
      marker: h.marker,
      payloadType: h.payloadType,
      sequenceNumber: h.sequenceNumber,
      timestamp: h.timestamp,
      ssrc: h.ssrc,
      payload: packet.payload,
    });
  }

  /** Events bypass werift's sender, which would rewrite their payload type to the audio's. */
  private sendEventPacket(rtp: RtpPacket): void {
    const sender = this.transceiver.sender;
    rtp.header.ssrc = sender.ssrc;
    sender.dtlsTransport.sendRtp(rtp.payload, rtp.header).catch(() => undefined);
  }

  private watch(): void {
    this.pc.iceConnectionStateChange.subscribe((s) => {
      if (s === 'failed') this.fail('ice');
    });
    for (const dtls of this.pc.dtlsTransports) {
      dtls.onStateChange.subscribe((s) => {
        if (s === 'connected') this.set('connected');
        else if (s === 'failed') this.fail('dtls');
        else if (s === 'closed') this.set('closed');
      });
    }
    this.pc.connectionStateChange.subscribe((s) => {
      if (s === 'connected') this.set('connected');
      else if (s === 'failed') this.fail(this.pc.iceConnectionState === 'failed' ? 'ice' : 'dtls');
    });
  }

  /** Reports a failure once, then closes: a failed transport never recovers by itself. */
  fail(failure: PeerFailure): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    this.state = 'failed';
    this.transcoder?.close();
    this.options.onState('failed', failure);
    void this.pc.close().catch(() => undefined);
  }

  private set(state: PeerTransportState): void {
    if (this.state === state || this.state === 'failed' || this.state === 'closed') return;
    this.state = state;
    this.options.onState(state);
  }
}

/** Where werift's received packets go: the leg, until the transport takes them. */
interface AudioRoute {
  receive: (packet: RtpPacket) => void;
}

/** The leg's numbers: given, or else those the browser's SDP gave (a leg's first session). */
function legTypesOf(options: PeerTransportOptions): PcmuPayloadTypes {
  return options.leg ?? options.codec;
}

/** The leg's PCMU and event types as a transcoder's formats. */
function formatsTowardsLeg(leg: PcmuPayloadTypes): { pcmu: number; pcmuEvents?: number } {
  const events = leg.telephoneEventPayloadType;
  return { pcmu: leg.payloadType, ...(events === undefined ? {} : { pcmuEvents: events }) };
}

/** A werift packet of media-package fields; the payload is copied (the transcoder reuses its own). */
function toWerift(fields: RtpPacketFields): RtpPacket {
  const header = new RtpHeader({
    marker: fields.marker ?? false,
    payloadType: fields.payloadType,
    sequenceNumber: fields.sequenceNumber,
    timestamp: fields.timestamp,
    ssrc: fields.ssrc,
  });
  return new RtpPacket(header, Buffer.from(fields.payload));
}

function iceConfig(ice: PeerIceOptions | undefined): Partial<PeerConfig> {
  // werift drops loopback and unknown addresses from its interface scan, so the bound address
  // is added explicitly or it would have no candidate at all.
  const extra = [...(ice?.additionalHostAddresses ?? []), ...(ice?.bindAddress ? [ice.bindAddress] : [])];
  return {
    ...(extra.length > 0 ? { iceAdditionalHostAddresses: [...new Set(extra)] } : {}),
    ...(ice?.bindAddress ? { iceInterfaceAddresses: { udp4: ice.bindAddress } } : {}),
    ...(ice?.portRange ? { icePortRange: [ice.portRange[0], ice.portRange[1]] as [number, number] } : {}),
  };
}

/**
 * werift binds its ICE sockets to `bindAddress` but still lists a host candidate for every
 * interface; those can never answer a check, so the answer leaves them out (RFC 8445 §5.1.1.1:
 * a host candidate is an address the agent actually listens on).
 */
function keepCandidatesOn(sdp: string, address: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || line.split(' ')[4] === address)
    .join('\r\n');
}

/** Resolves true when werift reports gathering complete, false after `timeoutMs`. */
function waitForGathering(pc: RTCPeerConnection, timers: Timers, timeoutMs: number): Promise<boolean> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = timers.set(timeoutMs, () => {
      subscription.unSubscribe();
      resolve(false);
    });
    const subscription = pc.iceGatheringStateChange.subscribe((s) => {
      if (s !== 'complete') return;
      timers.clear(timer);
      subscription.unSubscribe();
      resolve(true);
    });
  });
}
