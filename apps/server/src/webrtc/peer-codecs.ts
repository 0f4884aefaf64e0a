// The codecs a werift peer connection is configured with, for our answers and our offers, and
// our Opus format parameters: what `peer-transport.ts` negotiates.
import { RTCRtpCodecParameters } from 'werift';
import type { AudioCodecChoice } from './offer-codecs';

/**
 * Our `a=fmtp` for Opus (RFC 7587 §7): 10 ms frames at least; we decode to 8 kHz, so the browser
 * may spend its bits and CPU on narrowband (`maxplaybackrate`, `sprop-maxcapturerate`); and no
 * `useinbandfec`: opusscript's decoder has no FEC decoding, so redundancy would be bits wasted.
 */
export const OPUS_FMTP = 'minptime=10;useinbandfec=0;maxplaybackrate=8000;sprop-maxcapturerate=8000';

/** The numbers our offers give Opus and its events (Chromium's own, to read logs side by side). */
const OFFER_OPUS_PAYLOAD_TYPE = 111;
const OFFER_OPUS_EVENT_PAYLOAD_TYPE = 110;

/**
 * The codecs werift may answer with, at the offerer's payload types (werift matches by name but
 * needs the number of a static type up front): PCMU and `telephone-event/8000` when the offer has
 * PCMU, else Opus and `telephone-event/48000`. No RED, no CN: the answer then lists exactly one
 * audio codec besides the events.
 */
export function answerCodecParameters(codec: AudioCodecChoice): RTCRtpCodecParameters[] {
  if (codec.encoding === 'opus' && codec.opus !== undefined) {
    const list = [opusParameters(codec.opus.payloadType)];
    if (codec.opus.telephoneEventPayloadType !== undefined)
      list.push(eventParameters(codec.opus.telephoneEventPayloadType, 48000));
    return list;
  }
  const list = [pcmuParameters(codec.payloadType)];
  if (codec.telephoneEventPayloadType !== undefined)
    list.push(eventParameters(codec.telephoneEventPayloadType, 8000));
  return list;
}

/**
 * What our own offers list, in order of preference (RFC 3264 §5.1): PCMU first, so a browser
 * that can (all can) answers and sends it and nothing is transcoded; Opus for one that insists;
 * then `telephone-event` at both clock rates, because a browser sends events at its audio
 * codec's rate and has no DTMF sender without a matching one.
 */
export function offerCodecParameters(codec: AudioCodecChoice): RTCRtpCodecParameters[] {
  const list = [pcmuParameters(codec.payloadType), opusParameters(OFFER_OPUS_PAYLOAD_TYPE)];
  if (codec.telephoneEventPayloadType !== undefined)
    list.push(
      eventParameters(codec.telephoneEventPayloadType, 8000),
      eventParameters(OFFER_OPUS_EVENT_PAYLOAD_TYPE, 48000),
    );
  return list;
}

function pcmuParameters(payloadType: number): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType });
}

/** RFC 7587 §7: always `opus/48000/2` in SDP, whatever is actually sent. */
function opusParameters(payloadType: number): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({
    mimeType: 'audio/opus',
    clockRate: 48000,
    channels: 2,
    payloadType,
    parameters: OPUS_FMTP,
  });
}

function eventParameters(payloadType: number, clockRate: number): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({
    mimeType: 'audio/telephone-event',
    clockRate,
    channels: 1,
    payloadType,
  });
}

export function isCodec(
  c: { mimeType: string; clockRate: number },
  mimeType: string,
  clockRate: number,
): boolean {
  return c.mimeType.toLowerCase() === mimeType && c.clockRate === clockRate;
}

/** Replaces the `a=fmtp` line of Opus's payload type in an SDP with {@link OPUS_FMTP}. */
export function withOpusFmtp(sdp: string, payloadType: number): string {
  const line = `a=fmtp:${payloadType} ${OPUS_FMTP}`;
  const lines = sdp.split('\r\n');
  const at = lines.findIndex((l) => l.startsWith(`a=fmtp:${payloadType} `));
  if (at >= 0) lines[at] = line;
  else {
    const rtpmap = lines.findIndex((l) => l.startsWith(`a=rtpmap:${payloadType} `));
    if (rtpmap >= 0) lines.splice(rtpmap + 1, 0, line);
  }
  return lines.join('\r\n');
}
