import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import { PCMU_PAYLOAD_TYPE } from '@switchboard/media';
import { mediaDirection, parseSdp, rtpMaps, type RtpMap, type SdpMedia } from '@switchboard/sip';
import { WebRtcCode, webRtcRejection } from './webrtc-rejection';

/** What the answer will carry for the browser's audio stream. */
export interface AudioCodecChoice {
  /**
   * The browser's audio codec: PCMU, relayed byte for byte, or Opus, transcoded to PCMU at the
   * transport (`opus-transcoder.ts`) when the browser offers or answers nothing else.
   */
  readonly encoding: 'pcmu' | 'opus';
  /**
   * PCMU's payload type as the leg, and so the bridge, sees it: the offerer's number (the answer
   * must reuse it, RFC 3264 §6.1), or {@link PCMU_PAYLOAD_TYPE} behind a transcoder.
   */
  readonly payloadType: number;
  /**
   * `telephone-event/8000` as the leg sees it (RFC 4733 §7.1.1): the offerer's number, or
   * {@link TRANSCODED_EVENT_PAYLOAD_TYPE} behind a transcoder when the offer has events at 48 kHz.
   */
  readonly telephoneEventPayloadType?: number;
  /** With `encoding: 'opus'`: the browser's own numbers for `opus/48000/2` and `telephone-event/48000`. */
  readonly opus?: OpusPayloadTypes;
  /** The `a=mid` of the audio section (RFC 8843 BUNDLE tag), for logs. */
  readonly mid?: string;
}

/** The browser's payload types for Opus (RFC 7587 §7) and the events at Opus's clock rate. */
export interface OpusPayloadTypes {
  readonly payloadType: number;
  /**
   * `telephone-event/48000`: a browser sends events at its audio codec's clock rate (events and
   * audio share one RTP timestamp line), so while it sends Opus only this one is used.
   */
  readonly telephoneEventPayloadType?: number;
}

/** Events towards the leg behind a transcoder: the number our own offers give `telephone-event/8000`. */
export const TRANSCODED_EVENT_PAYLOAD_TYPE = 101;

/**
 * Reads the first live audio section of a browser's offer (or answer) and picks the codec:
 * PCMU whenever present, whatever its rank, because it is what every trunk and desk phone
 * answers and so the bridge relays it with no transcoding (RFC 3264 §6.1 lets the answerer
 * pick any offered format); else Opus, which costs a transcoder at the transport. A section with
 * neither is refused with {@link WebRtcCode.NoCommonCodec}, naming the codecs it had.
 */
export function chooseAudioCodec(offerSdp: string): Result<AudioCodecChoice, Rejection> {
  const parsed = parseSdp(offerSdp);
  if (!parsed.ok)
    return err(webRtcRejection(WebRtcCode.BadOffer, 'offer is not SDP', { cause: parsed.error.code }));
  const audio = parsed.value.media.find((m) => m.media === 'audio' && m.port !== 0);
  if (audio === undefined) return err(webRtcRejection(WebRtcCode.NoAudio, 'offer has no audio stream'));
  if (mediaDirection(parsed.value, audio) === 'inactive')
    return err(webRtcRejection(WebRtcCode.NoAudio, 'offer has audio inactive'));
  const maps = rtpMaps(audio);
  const mid = audio.attributes.find((a) => a.name === 'mid')?.value;
  const tagged = mid ? { mid } : {};
  const pcmu = maps.find((r) => isEncoding(r, 'PCMU', 8000)) ?? staticPcmu(audio);
  if (pcmu !== undefined) {
    const events = maps.find((r) => isEncoding(r, 'telephone-event', 8000));
    return ok({
      encoding: 'pcmu',
      payloadType: pcmu.payloadType,
      ...(events ? { telephoneEventPayloadType: events.payloadType } : {}),
      ...tagged,
    });
  }
  // RFC 7587 §7: Opus is always `opus/48000/2` in SDP, whatever the audio's rate and channels.
  const opus = maps.find((r) => isEncoding(r, 'opus', 48000));
  if (opus !== undefined) {
    const events = maps.find((r) => isEncoding(r, 'telephone-event', 48000));
    return ok({
      encoding: 'opus',
      payloadType: PCMU_PAYLOAD_TYPE,
      ...(events ? { telephoneEventPayloadType: TRANSCODED_EVENT_PAYLOAD_TYPE } : {}),
      opus: {
        payloadType: opus.payloadType,
        ...(events ? { telephoneEventPayloadType: events.payloadType } : {}),
      },
      ...tagged,
    });
  }
  return err(
    webRtcRejection(WebRtcCode.NoCommonCodec, 'offer has neither PCMU nor Opus', {
      offered: maps.map((r) => `${r.encoding}/${r.clockRate}`),
    }),
  );
}

function isEncoding(r: RtpMap, name: string, clockRate: number): boolean {
  return r.encoding.toLowerCase() === name.toLowerCase() && r.clockRate === clockRate;
}

/** RFC 3551 static type 0 listed without an rtpmap line is still PCMU. */
function staticPcmu(m: SdpMedia): RtpMap | undefined {
  return m.formats.includes(String(PCMU_PAYLOAD_TYPE))
    ? { payloadType: PCMU_PAYLOAD_TYPE, encoding: 'PCMU', clockRate: 8000, channels: 1 }
    : undefined;
}
