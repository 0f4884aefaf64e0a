import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import { PCMU_PAYLOAD_TYPE } from '@switchboard/media';
import { mediaDirection, parseSdp, rtpMaps, type RtpMap, type SdpMedia } from '@switchboard/sip';
import { WebRtcCode, webRtcRejection } from './webrtc-rejection';

/** What the answer will carry for the browser's audio stream. */
export interface AudioCodecChoice {
  /** Always PCMU for now: the SIP side speaks it, so the bridge relays bytes untouched. */
  readonly encoding: 'pcmu';
  /** The offerer's number for PCMU; the answer must reuse it (RFC 3264 §6.1). */
  readonly payloadType: number;
  /** The offerer's number for `telephone-event/8000` (RFC 4733 §7.1.1), when offered. */
  readonly telephoneEventPayloadType?: number;
  /** The `a=mid` of the audio section (RFC 8843 BUNDLE tag), for logs. */
  readonly mid?: string;
}

/**
 * Reads the first live audio section of a browser's offer and picks the answer's codec:
 * PCMU whenever offered, whatever its rank, because it is what every trunk and desk phone
 * answers and so the bridge relays it with no transcoding (RFC 3264 §6.1 lets the answerer
 * pick any offered format). An offer without PCMU is refused with
 * {@link WebRtcCode.NoCommonCodec}: Opus would need a transcoder, which this server has not
 * got yet; the refusal names the offered codecs.
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
  const pcmu = maps.find((r) => isEncoding(r, 'PCMU', 8000)) ?? staticPcmu(audio);
  if (pcmu === undefined)
    return err(
      webRtcRejection(WebRtcCode.NoCommonCodec, 'offer has no PCMU', {
        offered: maps.map((r) => `${r.encoding}/${r.clockRate}`),
      }),
    );
  const events = maps.find((r) => isEncoding(r, 'telephone-event', 8000));
  const mid = audio.attributes.find((a) => a.name === 'mid')?.value;
  return ok({
    encoding: 'pcmu',
    payloadType: pcmu.payloadType,
    ...(events ? { telephoneEventPayloadType: events.payloadType } : {}),
    ...(mid ? { mid } : {}),
  });
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
