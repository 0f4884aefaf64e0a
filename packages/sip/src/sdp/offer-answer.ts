import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { fmtpOf, rtpMaps, serializeRtpMap, type RtpMap } from './codecs';
import {
  getAttribute,
  getAttributeValues,
  isStreamOnHold,
  localSession,
  mediaConnection,
  mediaDirection,
  type SdpAttribute,
  type SdpDirection,
  type SdpMedia,
  type SessionDescription,
} from './session-description';

/** Our side of an audio stream. */
export interface LocalAudio {
  /** Address the media layer receives RTP on. */
  readonly address: string;
  readonly addrType?: 'IP4' | 'IP6';
  readonly port: number;
  /** Codec names we handle, most preferred first (`PCMU`, `PCMA`, `opus`), compared case-insensitively. */
  readonly codecs: readonly string[];
  /** Offer/accept RFC 4733 telephone-event. Default true. */
  readonly telephoneEvent?: boolean;
  readonly ptime?: number;
  /** The direction we want; `sendonly` puts the other side on hold (RFC 3264 §8.4). Default sendrecv. */
  readonly direction?: SdpDirection;
  /**
   * For WebRTC legs: our ICE and DTLS attributes (`ice-ufrag`, `ice-pwd`, `fingerprint`, `candidate`,
   * optionally `setup`) as the WebRTC stack produced them; passed through unchanged. Their presence
   * (a `fingerprint`) is what allows DTLS-SRTP profiles.
   */
  readonly transportAttributes?: readonly SdpAttribute[];
  readonly origin: { readonly username: string; readonly sessionId: string; readonly sessionVersion: string };
}

/** What was agreed for the audio stream. */
export interface NegotiatedAudio {
  /** Index of the m= line in the offer (and answer). */
  readonly mediaIndex: number;
  readonly codec: RtpMap;
  readonly codecFmtp?: string;
  readonly telephoneEvent?: RtpMap;
  /** Where to send RTP; undefined when the peer gave no usable address. */
  readonly remote?: { readonly address: string; readonly port: number };
  /** Our direction in the answer. */
  readonly direction: SdpDirection;
  /** The offer puts us on hold (sendonly/inactive, or c=0.0.0.0 outside ICE). */
  readonly remoteHold: boolean;
  readonly proto: string;
}

const PLAIN = new Set(['RTP/AVP', 'RTP/AVPF']);
const DTLS = new Set(['UDP/TLS/RTP/SAVPF', 'UDP/TLS/RTP/SAVP']);

/**
 * Answers an offer (RFC 3264 §6): one m= line per offered one, in order; the first usable audio
 * stream is accepted with our best codec among those offered (the offer's payload type kept) and
 * telephone-event at the same clock rate; every other stream is rejected with port 0. Directions
 * follow §6.1. With no usable audio stream the result is `SDP.NOT_ACCEPTABLE` (answer 488, §5.1).
 */
export function createAnswer(
  offer: SessionDescription,
  local: LocalAudio,
): Result<{ sdp: SessionDescription; audio: NegotiatedAudio }, Rejection> {
  let audio: NegotiatedAudio | undefined;
  const media: SdpMedia[] = [];
  offer.media.forEach((m, index) => {
    const accepted = audio === undefined ? acceptAudio(offer, m, index, local) : undefined;
    if (accepted === undefined) {
      media.push(rejectStream(m));
      return;
    }
    audio = accepted.audio;
    media.push(accepted.media);
  });
  if (audio === undefined) {
    return err(rejection('SDP.NOT_ACCEPTABLE', 'Not Acceptable Here', { status: 488 }));
  }
  const agreed: NegotiatedAudio = audio;
  const attributes: SdpAttribute[] = [];
  const mid = getAttribute(media[agreed.mediaIndex]?.attributes ?? [], 'mid')?.value;
  if (
    mid !== undefined &&
    getAttributeValues(offer.attributes, 'group').some((g) => g.startsWith('BUNDLE'))
  ) {
    attributes.push({ name: 'group', value: `BUNDLE ${mid}` });
  }
  const sdp = localSession(local, attributes, media);
  return ok({ sdp, audio: agreed });
}

function acceptAudio(
  offer: SessionDescription,
  m: SdpMedia,
  index: number,
  local: LocalAudio,
): { audio: NegotiatedAudio; media: SdpMedia } | undefined {
  if (m.media !== 'audio' || m.port === 0) return undefined;
  const dtls = (local.transportAttributes ?? []).some((a) => a.name === 'fingerprint');
  if (!PLAIN.has(m.proto) && !(dtls && DTLS.has(m.proto))) return undefined;
  const offered = rtpMaps(m);
  const codec = pickCodec(offered, local.codecs);
  if (codec === undefined) return undefined;
  const te = local.telephoneEvent === false ? undefined : pickTelephoneEvent(offered, codec.clockRate);
  const direction = answerDirection(offer, m, local.direction ?? 'sendrecv');
  const attributes: SdpAttribute[] = [];
  const mid = getAttribute(m.attributes, 'mid');
  if (mid !== undefined) attributes.push(mid);
  attributes.push({ name: 'rtpmap', value: serializeRtpMap(codec) });
  const codecFmtp = fmtpOf(m, codec.payloadType);
  if (codecFmtp !== undefined) attributes.push({ name: 'fmtp', value: `${codec.payloadType} ${codecFmtp}` });
  if (te !== undefined) {
    attributes.push({ name: 'rtpmap', value: serializeRtpMap(te) });
    attributes.push({ name: 'fmtp', value: `${te.payloadType} ${fmtpOf(m, te.payloadType) ?? '0-16'}` });
  }
  if (local.ptime !== undefined) attributes.push({ name: 'ptime', value: String(local.ptime) });
  if (getAttribute(m.attributes, 'rtcp-mux') !== undefined) attributes.push({ name: 'rtcp-mux' });
  if (DTLS.has(m.proto)) attributes.push(...dtlsAttributes(offer, m, local.transportAttributes ?? []));
  attributes.push({ name: direction });
  const formats =
    te === undefined ? [String(codec.payloadType)] : [String(codec.payloadType), String(te.payloadType)];
  const c = mediaConnection(offer, m);
  const audio: NegotiatedAudio = {
    mediaIndex: index,
    codec,
    codecFmtp,
    telephoneEvent: te,
    remote: c === undefined ? undefined : { address: c.address, port: m.port },
    direction,
    remoteHold: isStreamOnHold(offer, m),
    proto: m.proto,
  };
  const answer: SdpMedia = {
    media: 'audio',
    port: local.port,
    proto: m.proto,
    formats,
    connections: [],
    bandwidths: [],
    attributes,
  };
  return { audio, media: answer };
}

/** Our most preferred codec that the offer lists; Opus must be the 48 kHz stereo form of RFC 7587. */
function pickCodec(offered: readonly RtpMap[], preference: readonly string[]): RtpMap | undefined {
  for (const name of preference) {
    const want = name.toLowerCase();
    const hit = offered.find(
      (r) =>
        r.encoding.toLowerCase() === want && (want !== 'opus' || (r.clockRate === 48000 && r.channels === 2)),
    );
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** telephone-event at the codec's clock rate, else at 8 kHz (RFC 4733 §2.5.1.2). */
function pickTelephoneEvent(offered: readonly RtpMap[], clockRate: number): RtpMap | undefined {
  const events = offered.filter((r) => r.encoding.toLowerCase() === 'telephone-event');
  return events.find((r) => r.clockRate === clockRate) ?? events.find((r) => r.clockRate === 8000);
}

/**
 * RFC 3264 §6.1: we send only if we want to and the offerer receives; we receive only if we want to
 * and the offerer sends. `c=0.0.0.0` outside ICE (RFC 2543 hold) means the offerer does not receive.
 */
function answerDirection(offer: SessionDescription, m: SdpMedia, want: SdpDirection): SdpDirection {
  const theirs = mediaDirection(offer, m);
  const c = mediaConnection(offer, m);
  const legacyHold = c?.address === '0.0.0.0' && isStreamOnHold(offer, m) && theirs === 'sendrecv';
  const offerSends = theirs === 'sendrecv' || theirs === 'sendonly';
  const offerRecvs = (theirs === 'sendrecv' || theirs === 'recvonly') && !legacyHold;
  const send = (want === 'sendrecv' || want === 'sendonly') && offerRecvs;
  const recv = (want === 'sendrecv' || want === 'recvonly') && offerSends;
  return send && recv ? 'sendrecv' : send ? 'sendonly' : recv ? 'recvonly' : 'inactive';
}

/**
 * Our ICE/DTLS attributes, with `setup` derived when not given: the answerer takes `active` when
 * offered `actpass` (RFC 8842 §5.3), the opposite role otherwise.
 */
function dtlsAttributes(
  offer: SessionDescription,
  m: SdpMedia,
  ours: readonly SdpAttribute[],
): SdpAttribute[] {
  const out = [...ours];
  if (!ours.some((a) => a.name === 'setup')) {
    const theirs = (getAttribute(m.attributes, 'setup') ?? getAttribute(offer.attributes, 'setup'))?.value;
    out.push({ name: 'setup', value: theirs === 'active' ? 'passive' : 'active' });
  }
  return out;
}

/** A rejected stream: port 0, the offered formats, only its mid (RFC 3264 §6). */
function rejectStream(m: SdpMedia): SdpMedia {
  const mid = getAttribute(m.attributes, 'mid');
  return {
    media: m.media,
    port: 0,
    proto: m.proto,
    formats: m.formats.length > 0 ? m.formats : ['0'],
    connections: [],
    bandwidths: [],
    attributes: mid === undefined ? [] : [mid],
  };
}
