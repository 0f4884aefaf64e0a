import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../message/parse-message';
import { fmtpOf, rtpMaps } from './codecs';
import { createOffer } from './create-offer';
import { createAnswer, type LocalAudio } from './offer-answer';
import { parseSdp } from './parse-sdp';
import { serializeSdp } from './serialize-sdp';
import { getAttributeValues, isOnHold, mediaDirection, type SessionDescription } from './session-description';

function bodyOf(fixture: string): SessionDescription {
  const m = parseMessage(
    new Uint8Array(readFileSync(new URL(`../../fixtures/${fixture}.sip`, import.meta.url))),
  );
  if (!m.ok) throw new Error(m.error.message);
  const sdp = parseSdp(m.value.body);
  if (!sdp.ok) throw new Error(sdp.error.message);
  return sdp.value;
}
const sdp = (text: string): SessionDescription => {
  const r = parseSdp(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const PSTN: LocalAudio = {
  address: '203.0.113.10',
  port: 40000,
  codecs: ['PCMU', 'PCMA'],
  ptime: 20,
  origin: { username: 'switchboard', sessionId: '1', sessionVersion: '1' },
};
const WEBRTC: LocalAudio = {
  ...PSTN,
  codecs: ['opus', 'PCMU', 'PCMA'],
  transportAttributes: [
    { name: 'ice-ufrag', value: 'sbUf' },
    { name: 'ice-pwd', value: 'sbPwdsbPwdsbPwdsbPwd00' },
    { name: 'fingerprint', value: 'sha-256 AA:BB' },
    { name: 'candidate', value: '1 1 udp 2130706431 203.0.113.10 40000 typ host' },
  ],
};

const offerWith = (lines: string): SessionDescription =>
  sdp(`v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n${lines}`);

describe('SDP parse and serialize (RFC 8866)', () => {
  it.each(['invite-trunk', 'invite-webrtc', 'response-200-invite', 'rfc4475-wsinv'])(
    'round-trips the body of %s',
    (f) => {
      const s = bodyOf(f);
      expect(sdp(serializeSdp(s))).toEqual(s);
    },
  );

  it('reads rtpmap, fmtp and static payload types', () => {
    const m = bodyOf('invite-trunk').media[0]!;
    expect(rtpMaps(m).map((r) => `${r.payloadType} ${r.encoding}/${r.clockRate}`)).toEqual([
      '0 PCMU/8000',
      '8 PCMA/8000',
      '18 G729/8000',
      '101 telephone-event/8000',
    ]);
    expect(fmtpOf(m, 101)).toBe('0-16');
    expect(rtpMaps(bodyOf('rfc4475-wsinv').media[0]!).map((r) => r.encoding)).toEqual(['PCMU']);
  });

  it('keeps ICE and DTLS attributes in order', () => {
    const m = bodyOf('invite-webrtc').media[0]!;
    expect(getAttributeValues(m.attributes, 'candidate')).toHaveLength(2);
    expect(getAttributeValues(m.attributes, 'ice-ufrag')).toEqual(['F7gI']);
    expect(getAttributeValues(m.attributes, 'fingerprint')[0]).toMatch(/^sha-256 D2:FA/);
    expect(m.connections[0]?.address).toBe('0.0.0.0');
  });

  it.each([
    ['o=- 1 1 IN IP4 x\r\nv=0\r\n', 1],
    ['v=0\r\no=- 1 IN IP4 x\r\n', 2],
    ['v=0\r\no=- 1 1 IN IP4 x\r\nm=audio x RTP/AVP 0\r\n', 3],
    ['v=0\r\no=- 1 1 IN IP4 x\r\nc=IN IP4\r\n', 3],
    ['v=0\r\ns=-\r\n', 2],
    ['v=0\r\nbogus\r\n', 2],
  ])('refuses malformed SDP %j at line %i', (text, line) => {
    const r = parseSdp(text);
    expect(r.ok ? undefined : [r.error.code, r.error.details?.line]).toEqual(['SDP.MALFORMED', line]);
  });

  it('never throws on random text', () => {
    const text = fc.array(
      fc.oneof(
        fc.constantFrom(
          'v=0',
          'o=- 1 1 IN IP4 a',
          'm=audio 1 RTP/AVP 0',
          'a=rtpmap:0 PCMU/8000',
          'c=IN IP4 0.0.0.0',
          'a=sendonly',
        ),
        fc.string({ maxLength: 30 }),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(text, (lines) => void parseSdp(lines.join('\r\n'))),
      { numRuns: 1000 },
    );
  });
});

describe('answers (RFC 3264 §6)', () => {
  it('answers a trunk with our preferred offered codec, telephone-event and our address', () => {
    const r = createAnswer(bodyOf('invite-trunk'), { ...PSTN, codecs: ['PCMA', 'PCMU'] });
    if (!r.ok) throw new Error(r.error.message);
    const m = r.value.sdp.media[0]!;
    expect([m.port, m.proto, m.formats]).toEqual([40000, 'RTP/AVP', ['8', '101']]);
    expect(r.value.audio).toMatchObject({
      codec: { encoding: 'PCMA' },
      telephoneEvent: { payloadType: 101 },
      remote: { address: '198.51.100.7', port: 20000 },
      direction: 'sendrecv',
      remoteHold: false,
    });
    expect(serializeSdp(r.value.sdp)).toContain('c=IN IP4 203.0.113.10\r\n');
    expect(getAttributeValues(m.attributes, 'fmtp')).toEqual(['101 0-16']);
  });

  it('rejects extra and unusable streams with port 0, keeping the m= line count', () => {
    const offer = offerWith(
      'm=video 5000 RTP/AVP 31\r\nm=audio 5002 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x\r\nm=audio 5004 RTP/AVP 0\r\nm=audio 5006 RTP/AVP 0\r\n',
    );
    const r = createAnswer(offer, PSTN);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.sdp.media.map((m) => m.port)).toEqual([0, 0, 40000, 0]);
    expect(r.value.audio.mediaIndex).toBe(2);
  });

  it('reports an offer without a usable audio codec as 488-worthy', () => {
    const r = createAnswer(offerWith('m=audio 5000 RTP/AVP 18\r\n'), PSTN);
    expect(r.ok ? undefined : [r.error.code, r.error.message, r.error.details?.status]).toEqual([
      'SDP.NOT_ACCEPTABLE',
      'Not Acceptable Here',
      488,
    ]);
    const webrtcWithoutDtls = createAnswer(bodyOf('invite-webrtc'), PSTN);
    expect(webrtcWithoutDtls.ok).toBe(false);
  });

  it('answers a WebRTC offer with Opus, passes ICE/DTLS through and takes the active DTLS role', () => {
    const r = createAnswer(bodyOf('invite-webrtc'), WEBRTC);
    if (!r.ok) throw new Error(r.error.message);
    const m = r.value.sdp.media[0]!;
    expect(m.proto).toBe('UDP/TLS/RTP/SAVPF');
    expect(m.formats).toEqual(['111', '126']);
    expect(getAttributeValues(m.attributes, 'fmtp')).toContain('111 minptime=10;useinbandfec=1');
    expect(getAttributeValues(m.attributes, 'setup')).toEqual(['active']);
    expect(getAttributeValues(m.attributes, 'mid')).toEqual(['0']);
    expect(m.attributes.some((a) => a.name === 'rtcp-mux')).toBe(true);
    expect(getAttributeValues(r.value.sdp.attributes, 'group')).toEqual(['BUNDLE 0']);
    expect(r.value.audio.remoteHold).toBe(false);
  });

  it.each([
    ['a=sendonly', 'recvonly', true],
    ['a=inactive', 'inactive', true],
    ['a=recvonly', 'sendonly', false],
    ['a=sendrecv', 'sendrecv', false],
  ] as const)('answers media-level %s with %s (hold %s)', (attr, expected, hold) => {
    const offer = offerWith(`m=audio 5000 RTP/AVP 0\r\n${attr}\r\n`);
    const r = createAnswer(offer, PSTN);
    expect(r.ok && [r.value.audio.direction, r.value.audio.remoteHold]).toEqual([expected, hold]);
    expect(isOnHold(offer)).toBe(hold);
  });

  it('honours session-level direction and the RFC 2543 c=0.0.0.0 hold, but not 0.0.0.0 under ICE', () => {
    const session = sdp(
      'v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\na=sendonly\r\nm=audio 5000 RTP/AVP 0\r\n',
    );
    expect(mediaDirection(session, session.media[0]!)).toBe('sendonly');
    const legacy = sdp(
      'v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n',
    );
    expect(isOnHold(legacy)).toBe(true);
    const answer = createAnswer(legacy, PSTN);
    expect(answer.ok && answer.value.audio.direction).toBe('recvonly');
    expect(isOnHold(bodyOf('invite-webrtc'))).toBe(false);
  });

  it('puts the other side on hold when we ask for sendonly', () => {
    const r = createAnswer(bodyOf('invite-trunk'), { ...PSTN, direction: 'sendonly' });
    expect(r.ok && r.value.audio.direction).toBe('sendonly');
  });
});

describe('offers', () => {
  it('offers G.711 and telephone-event that a peer can answer', () => {
    const offer = createOffer(PSTN);
    expect(offer.media[0]?.formats).toEqual(['0', '8', '101']);
    const answer = createAnswer(sdp(serializeSdp(offer)), {
      ...PSTN,
      codecs: ['PCMA'],
      address: '192.0.2.77',
    });
    expect(answer.ok && answer.value.audio.codec.encoding).toBe('PCMA');
  });

  it('offers Opus over DTLS-SRTP with actpass for WebRTC legs', () => {
    const offer = createOffer(WEBRTC);
    const m = offer.media[0]!;
    expect(m.proto).toBe('UDP/TLS/RTP/SAVPF');
    expect(m.formats).toEqual(['111', '0', '8', '110', '101']);
    expect(getAttributeValues(m.attributes, 'setup')).toEqual(['actpass']);
    const answer = createAnswer(sdp(serializeSdp(offer)), WEBRTC);
    expect(
      answer.ok && [answer.value.audio.codec.encoding, answer.value.audio.telephoneEvent?.clockRate],
    ).toEqual(['opus', 48000]);
  });
});
