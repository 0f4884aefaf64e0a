import type { Clock, Timers } from '@switchboard/kernel';
import type { CallQuality } from '@switchboard/media';
import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import { RTCPeerConnection, type MediaStreamTrack, type RTCRtpTransceiver, type RtpPacket } from 'werift';
import type { AudioCodecChoice } from './offer-codecs';
import { PeerAudioRelay } from './peer-audio-relay';
import type { PcmuPayloadTypes } from './payload-type-map';
import { answerCodecParameters, offerCodecParameters, withOpusFmtp } from './peer-codecs';
import { iceConfig, keepCandidatesOn, waitForGathering, type PeerIceOptions } from './peer-ice';
import { WebRtcCode, webRtcRejection } from './webrtc-rejection';

// ICE options live with the ICE helpers; the leg and the endpoint take them from here.
export type { PeerIceOptions } from './peer-ice';

/** Where the transport stands, folded from werift's ICE and DTLS states. */
export type PeerTransportState = 'connecting' | 'connected' | 'failed' | 'closed';

/** Why a transport failed: connectivity checks (RFC 8445 §8), the DTLS handshake (RFC 5764 §4), or neither in time. */
export type PeerFailure = 'ice' | 'dtls' | 'connect-timeout';

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
  /** Arrival times for the transport's reception statistics. */
  readonly clock: Clock;
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
 * Towards the leg the transport always speaks PCMU, at the leg's payload types: its
 * {@link PeerAudioRelay} transcodes Opus or renumbers PCMU as the browser negotiated. So the
 * transport and its relay are the one place that knows what is on the wire: the leg, the gateway,
 * the bridge, recorders and DTMF detection see the same PCMU stream, at the same numbers, whatever
 * the browser negotiated.
 */
export class PeerTransport {
  private state: PeerTransportState = 'connecting';
  private readonly audio: PeerAudioRelay;

  private constructor(
    private readonly pc: RTCPeerConnection,
    transceiver: RTCRtpTransceiver,
    private readonly options: PeerTransportOptions,
    /** Our SDP (answer or offer), candidates included. */
    readonly localSdp: string,
    receiving: AudioRoute,
  ) {
    this.audio = new PeerAudioRelay(transceiver, options, () => this.state === 'connected');
    receiving.receive = (packet) => this.audio.receive(packet);
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
      this.audio.answered(answerSdp);
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
        transport.audio.transcodeOpus(opus.payloadType, opus.telephoneEventPayloadType);
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
   * Loss and jitter both ways on this transport so far, as the browser's packets arrived and as
   * its RTCP reports say it heard ours; undefined before the browser's first packet.
   */
  quality(): CallQuality | undefined {
    return this.audio.quality();
  }

  /**
   * Sends one PCMU RTP packet of the leg (serialized, any SSRC), encoded to Opus first when the
   * browser insists on it: werift stamps our SSRC and the negotiated payload type and protects it
   * with SRTP. Dropped silently until DTLS is up (RFC 5764 §4.1: no keys yet), which is what a
   * leg wants for a few frames at call start.
   */
  sendAudio(packet: Buffer): void {
    if (this.state === 'connected') this.audio.sendAudio(packet);
  }

  /**
   * Sends an RFC 4733 event packet of the leg (moved to 48 kHz when the browser gets Opus).
   * werift's sender rewrites every payload type to the audio codec's, so events go to the DTLS
   * transport directly under the sender's SSRC.
   */
  sendEvent(packet: Buffer): void {
    if (this.state === 'connected') this.audio.sendEvent(packet);
  }

  /** Closes the peer connection (DTLS close_notify, RFC 5246 §7.2.1). Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.audio.close();
    await this.pc.close().catch(() => undefined);
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
    this.audio.close();
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
