import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chooseAudioCodec } from './offer-codecs';
import { sipStatusOfWebRtcRejection, WebRtcCode } from './webrtc-rejection';

/** An offer as Chromium 156 sends it: Opus first, PCMU fourth, two telephone-event rates. */
const CHROMIUM_OFFER = readFileSync(new URL('./fixtures/chromium-offer.sdp', import.meta.url), 'utf8');

/** The same offer after a softphone removed every payload type but `keep`. */
function only(sdp: string, ...keep: number[]): string {
  const kept = new RegExp(`^a=(rtpmap|fmtp|rtcp-fb):(?!(${keep.join('|')}) )`);
  return sdp
    .replace(/^m=audio (\d+) (\S+) .*$/m, `m=audio $1 $2 ${keep.join(' ')}`)
    .split('\r\n')
    .filter((l) => !kept.test(l))
    .join('\r\n');
}

describe('chooseAudioCodec', () => {
  it('picks PCMU whatever its rank in the offer, with telephone-event/8000', () => {
    const choice = chooseAudioCodec(CHROMIUM_OFFER);
    expect(choice).toEqual({
      ok: true,
      value: { encoding: 'pcmu', payloadType: 0, telephoneEventPayloadType: 126, mid: '0' },
    });
  });

  it('picks Opus, to be transcoded, when the offer has no PCMU, with its telephone-event/48000', () => {
    const choice = chooseAudioCodec(only(CHROMIUM_OFFER, 111, 110));
    expect(choice).toEqual({
      ok: true,
      value: {
        encoding: 'opus',
        payloadType: 0,
        telephoneEventPayloadType: 101,
        opus: { payloadType: 111, telephoneEventPayloadType: 110 },
        mid: '0',
      },
    });
  });

  it('takes Opus without events when only telephone-event/8000 is left beside it', () => {
    // A browser sending Opus sends events at 48 kHz or not at all: /8000 alone is of no use.
    const choice = chooseAudioCodec(only(CHROMIUM_OFFER, 111, 126));
    expect(choice).toEqual({
      ok: true,
      value: { encoding: 'opus', payloadType: 0, opus: { payloadType: 111 }, mid: '0' },
    });
  });

  it('keeps PCMU from an answer to our offer that lists Opus too', () => {
    const answer = only(CHROMIUM_OFFER, 0, 111, 126, 110);
    expect(chooseAudioCodec(answer)).toEqual({
      ok: true,
      value: { encoding: 'pcmu', payloadType: 0, telephoneEventPayloadType: 126, mid: '0' },
    });
  });

  it('refuses an offer with neither PCMU nor Opus with 488, naming what was offered', () => {
    const choice = chooseAudioCodec(only(CHROMIUM_OFFER, 9, 8, 126));
    expect(choice.ok).toBe(false);
    if (choice.ok) return;
    expect(choice.error.code).toBe(WebRtcCode.NoCommonCodec);
    expect(choice.error.details).toEqual({ offered: ['G722/8000', 'PCMA/8000', 'telephone-event/8000'] });
    expect(sipStatusOfWebRtcRejection(choice.error).status).toBe(488);
  });

  it('refuses an offer whose audio is rejected (port 0) or inactive', () => {
    const rejected = chooseAudioCodec(CHROMIUM_OFFER.replace(/^m=audio \d+/m, 'm=audio 0'));
    const inactive = chooseAudioCodec(CHROMIUM_OFFER.replace('a=sendrecv', 'a=inactive'));
    expect(!rejected.ok && rejected.error.code).toBe(WebRtcCode.NoAudio);
    expect(!inactive.ok && inactive.error.code).toBe(WebRtcCode.NoAudio);
  });

  it('refuses text that is not SDP, and a truncated offer, without throwing', () => {
    const garbage = chooseAudioCodec('hello\r\n');
    const truncated = chooseAudioCodec(CHROMIUM_OFFER.slice(0, 40));
    expect(!garbage.ok && garbage.error.code).toBe(WebRtcCode.BadOffer);
    expect(truncated.ok).toBe(false);
    expect(sipStatusOfWebRtcRejection({ code: WebRtcCode.GatheringTimedOut, message: '' }).status).toBe(503);
  });

  it('takes static PCMU listed without an rtpmap line', () => {
    const bare =
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
    expect(chooseAudioCodec(bare)).toEqual({ ok: true, value: { encoding: 'pcmu', payloadType: 0 } });
  });
});
