import type { Clock } from '@switchboard/kernel';
import type { CallQuality, RtpPacketFields } from '@switchboard/media';
import {
  RtpHeader,
  RtpPacket,
  type RTCRemoteInboundRtpStreamStats,
  type RTCRtpSender,
  type RTCRtpTransceiver,
  type RtcpPacket,
} from 'werift';
import { chooseAudioCodec, type AudioCodecChoice } from './offer-codecs';
import { OpusTranscoder, type OpusTranscoderFormats } from './opus-transcoder';
import { PayloadTypeMap, type PcmuPayloadTypes } from './payload-type-map';
import { isCodec, offerCodecParameters } from './peer-codecs';
import { PeerQuality } from './peer-quality';

/** RTP clock rates on the browser's side (RFC 3551 §4.5.14, RFC 7587 §4.1). */
const PCMU_CLOCK_RATE = 8000;
const OPUS_CLOCK_RATE = 48000;

/** What a {@link PeerAudioRelay} needs: what was negotiated, the leg's numbers, where packets go. */
export interface PeerAudioRelayOptions {
  /** What the browser's SDP negotiated (or what our offer proposes). */
  readonly codec: AudioCodecChoice;
  /** The leg's payload types when they are not `codec`'s (a rejoined browser). */
  readonly leg?: PcmuPayloadTypes;
  /** The browser's packets, as PCMU and `telephone-event/8000` at the leg's payload types. */
  readonly onRtp: (packet: RtpPacket) => void;
  /** Arrival times for the reception statistics. */
  readonly clock: Clock;
}

/**
 * The audio between one werift transceiver and the leg. Towards the leg it always speaks PCMU, at
 * the leg's payload types. When the browser insists on Opus (it offered nothing else, or put Opus
 * first in its answer to our offer) an {@link OpusTranscoder} sits in between; when the browser
 * speaks PCMU under other numbers than the leg's (a rejoin: Chromium's `telephone-event/8000` is
 * 126, the leg's 101) a {@link PayloadTypeMap} renumbers each packet. The transport decides when
 * packets may flow (DTLS up); this decides what they look like on each side.
 */
export class PeerAudioRelay {
  private transcoder: OpusTranscoder | undefined;
  private readonly measured: PeerQuality;
  /** Browser ⇄ leg numbers of PCMU and its events, when nothing is transcoded. */
  private types: PayloadTypeMap;

  constructor(
    private readonly transceiver: RTCRtpTransceiver,
    private readonly options: PeerAudioRelayOptions,
    /** Whether the transport can send (SRTP keys exist, RFC 5764 §4.1). */
    private readonly connected: () => boolean,
  ) {
    const leg = legTypesOf(options);
    // Behind a transcoder the browser's side is Opus; the map then only sees what passes through.
    this.types = new PayloadTypeMap(leg, options.codec.encoding === 'pcmu' ? options.codec : leg);
    this.measured = new PeerQuality(options.clock);
    const onRtcp = (packet: RtcpPacket) => {
      // werift has already matched the packet's report blocks against its sender reports.
      const trips = roundTripTotals(transceiver.sender);
      if (trips !== undefined) this.measured.roundTrips(trips.totalSeconds, trips.measurements);
      this.measured.rtcp(
        packet,
        transceiver.sender.ssrc,
        this.transcoder === undefined ? PCMU_CLOCK_RATE : OPUS_CLOCK_RATE,
      );
    };
    transceiver.receiver.onRtcp.subscribe(onRtcp);
    transceiver.sender.onRtcp.subscribe(onRtcp);
  }

  /** The call quality of this transport so far (see {@link PeerQuality}). */
  quality(): CallQuality | undefined {
    return this.measured.quality();
  }

  /** The browser speaks Opus (at `opus`, its events at `opusEvents`): transcode both ways. */
  transcodeOpus(opus: number, opusEvents: number | undefined): void {
    this.transcode({
      opus,
      ...(opusEvents === undefined ? {} : { opusEvents }),
      ...formatsTowardsLeg(legTypesOf(this.options)),
    });
  }

  /**
   * The browser's answer to our offer is applied: an answer that puts Opus first gets a
   * transcoder; one with PCMU first (Chromium keeps our order) is relayed as it is, renumbered.
   */
  answered(answerSdp: string): void {
    // werift sends with the first codec of the answer: Opus means the browser wants Opus.
    const sent = this.transceiver.sender.codec;
    if (sent !== undefined && isCodec(sent, 'audio/opus', 48000)) {
      const events = this.transceiver.codecs.find((c) => isCodec(c, 'audio/telephone-event', 48000));
      this.keepReceivingPcmu();
      this.transcodeOpus(sent.payloadType, events?.payloadType);
    } else this.renumber(answerSdp);
  }

  /** One packet werift received from the browser, SRTP already removed. */
  receive(packet: RtpPacket): void {
    const h = packet.header;
    const transcoder = this.transcoder;
    if (transcoder === undefined) {
      const type = this.types.towardsLeg(h.payloadType);
      if (type === undefined) return;
      this.measured.received(h, PCMU_CLOCK_RATE, type === legTypesOf(this.options).payloadType);
      h.payloadType = type;
      this.options.onRtp(packet);
      return;
    }
    // Opus and its events tick at 48 kHz; PCMU the browser sends anyway (see keepReceivingPcmu) at 8.
    const f = transcoder.formats;
    const opus = h.payloadType === f.opus || h.payloadType === f.opusEvents;
    const audio = h.payloadType !== f.opusEvents && h.payloadType !== f.pcmuEvents;
    this.measured.received(h, opus ? OPUS_CLOCK_RATE : PCMU_CLOCK_RATE, audio);
    transcoder.fromBrowser({
      marker: h.marker,
      payloadType: h.payloadType,
      sequenceNumber: h.sequenceNumber,
      timestamp: h.timestamp,
      ssrc: h.ssrc,
      payload: packet.payload,
    });
  }

  /** One serialized PCMU packet of the leg towards the browser (Opus-encoded first when it wants Opus). */
  sendAudio(packet: Buffer): void {
    if (this.transcoder !== undefined) this.transcoder.audioFromLeg(packet);
    else this.sendAudioPacket(packet);
  }

  /** One serialized RFC 4733 packet of the leg towards the browser (at 48 kHz when it gets Opus). */
  sendEvent(packet: Buffer): void {
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

  /** Releases the transcoder's codec state, if any. */
  close(): void {
    this.transcoder?.close();
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
        if (!this.connected()) return;
        const rtp = toWerift(fields);
        if (fields.payloadType === formats.opusEvents) this.sendEventPacket(rtp);
        else this.sendAudioPacket(rtp);
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

  /**
   * werift's sender rewrites every payload type to the audio codec's, so events go to the DTLS
   * transport directly under the sender's SSRC.
   */
  private sendEventPacket(rtp: RtpPacket): void {
    const sender = this.transceiver.sender;
    rtp.header.ssrc = sender.ssrc;
    this.measured.sent();
    sender.dtlsTransport.sendRtp(rtp.payload, rtp.header).catch(() => undefined);
  }

  private sendAudioPacket(packet: Buffer | RtpPacket): void {
    this.measured.sent();
    this.transceiver.sender.sendRtp(packet).catch(() => undefined);
  }
}

/** The leg's numbers: given, or else those the browser's SDP gave (a leg's first session). */
function legTypesOf(options: PeerAudioRelayOptions): PcmuPayloadTypes {
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

/**
 * The round trips werift measured to the browser on `sender`'s stream so far, from its W3C
 * statistics (`remote-inbound-rtp`); undefined before the first.
 */
function roundTripTotals(sender: RTCRtpSender): { totalSeconds: number; measurements: number } | undefined {
  for (const stats of sender.collectStats(Date.now())) {
    if (stats.type !== 'remote-inbound-rtp') continue;
    const { totalRoundTripTime, roundTripTimeMeasurements } = stats as RTCRemoteInboundRtpStreamStats;
    if (totalRoundTripTime === undefined || !roundTripTimeMeasurements) return undefined;
    return { totalSeconds: totalRoundTripTime, measurements: roundTripTimeMeasurements };
  }
  return undefined;
}
