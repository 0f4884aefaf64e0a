import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chooseAudioCodec } from './offer-codecs';
import { sipStatusOfWebRtcRejection, WebRtcCode } from './webrtc-rejection';

/** An offer as Chromium 156 sends it: Opus first, PCMU fourth, two telephone-event rates. */
const CHROMIUM_OFFER = readFileSync(new URL('./fixtures/chromium-offer.sdp', import.meta.url), 'utf8');

/** The same offer after a softphone removed every codec but Opus. */
function opusOnly(sdp: string): string {
  return sdp
    .replace(/^m=audio (\d+) (\S+) .*$/m, 'm=audio $1 $2 111')
    .split('\r\n')
    .filter((l) => !/^a=(rtpmap|fmtp|rtcp-fb):(?!111 )/.test(l))
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

  it('refuses an offer without PCMU with 488, naming what was offered', () => {
    const choice = chooseAudioCodec(opusOnly(CHROMIUM_OFFER));
    expect(choice.ok).toBe(false);
    if (choice.ok) return;
    expect(choice.error.code).toBe(WebRtcCode.NoCommonCodec);
    expect(choice.error.details).toEqual({ offered: ['opus/48000'] });
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
