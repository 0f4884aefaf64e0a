import { serializeRtpMap, type RtpMap } from './codecs';
import type { LocalAudio } from './offer-answer';
import { localSession, type SdpAttribute, type SessionDescription } from './session-description';

/** Payload formats we offer: static types of RFC 3551, dynamic ones in the 96–127 range. */
const OFFERABLE: Readonly<Record<string, { map: RtpMap; fmtp?: string }>> = {
  pcmu: { map: { payloadType: 0, encoding: 'PCMU', clockRate: 8000, channels: 1 } },
  pcma: { map: { payloadType: 8, encoding: 'PCMA', clockRate: 8000, channels: 1 } },
  g722: { map: { payloadType: 9, encoding: 'G722', clockRate: 8000, channels: 1 } },
  opus: {
    map: { payloadType: 111, encoding: 'opus', clockRate: 48000, channels: 2 },
    fmtp: 'minptime=10;useinbandfec=1',
  },
};
const TELEPHONE_EVENT_8K: RtpMap = {
  payloadType: 101,
  encoding: 'telephone-event',
  clockRate: 8000,
  channels: 1,
};
const TELEPHONE_EVENT_48K: RtpMap = {
  payloadType: 110,
  encoding: 'telephone-event',
  clockRate: 48000,
  channels: 1,
};

/**
 * An offer with one audio stream (RFC 3264 §5): our codecs in preference order plus telephone-event
 * at 8 kHz (and 48 kHz when Opus is offered). With DTLS transport attributes (a `fingerprint`) it is a
 * WebRTC offer: `UDP/TLS/RTP/SAVPF`, `rtcp-mux`, `setup:actpass` unless given.
 */
export function createOffer(local: LocalAudio): SessionDescription {
  const codecs = local.codecs.map((c) => OFFERABLE[c.toLowerCase()]).filter((c) => c !== undefined);
  const maps = codecs.map((c) => c.map);
  if (local.telephoneEvent !== false) {
    if (maps.some((m) => m.clockRate === 48000)) maps.push(TELEPHONE_EVENT_48K);
    maps.push(TELEPHONE_EVENT_8K);
  }
  const attributes: SdpAttribute[] = [];
  for (const m of maps) {
    attributes.push({ name: 'rtpmap', value: serializeRtpMap(m) });
    const fmtp =
      codecs.find((c) => c.map === m)?.fmtp ?? (m.encoding === 'telephone-event' ? '0-16' : undefined);
    if (fmtp !== undefined) attributes.push({ name: 'fmtp', value: `${m.payloadType} ${fmtp}` });
  }
  if (local.ptime !== undefined) attributes.push({ name: 'ptime', value: String(local.ptime) });
  const transport = local.transportAttributes ?? [];
  const webrtc = transport.some((a) => a.name === 'fingerprint');
  if (webrtc) {
    attributes.push({ name: 'rtcp-mux' }, ...transport);
    if (!transport.some((a) => a.name === 'setup')) attributes.push({ name: 'setup', value: 'actpass' });
  }
  attributes.push({ name: local.direction ?? 'sendrecv' });
  return localSession(
    local,
    [],
    [
      {
        media: 'audio',
        port: local.port,
        proto: webrtc ? 'UDP/TLS/RTP/SAVPF' : 'RTP/AVP',
        formats: maps.map((m) => String(m.payloadType)),
        connections: [],
        bandwidths: [],
        attributes,
      },
    ],
  );
}
