import { describe, expect, expectTypeOf, it } from 'vitest';
import type { MediaLeg } from '../media/media-leg';
import type { AudioLeg } from './audio-leg';
import { WebRtcLeg } from './webrtc-leg';

describe('AudioLeg', () => {
  it('is the shape of both the RTP leg and the WebRTC leg, so one bridge serves both', () => {
    expectTypeOf<MediaLeg>().toExtend<AudioLeg>();
    expectTypeOf<WebRtcLeg>().toExtend<AudioLeg>();
  });

  it('a WebRTC leg speaks PCMU before any offer and refuses to answer once closed', async () => {
    const leg = new WebRtcLeg({ id: 'call/agent' });
    expect(leg.codec).toEqual({ law: 'pcmu', payloadType: 0 });
    expect(leg.state).toBe('new');
    // Frames before a transport exists go nowhere, without throwing.
    leg.sendLinear(new Int16Array(160));
    leg.close();
    const answer = await leg.answer('v=0\r\n');
    expect(!answer.ok && answer.error.code).toBe('WEBRTC.LEG_CLOSED');
  });
});
