// SDP offer/answer for the media service port (RFC 3264): what codec a leg opens with, our
// answer in the leg's fixed law, and where the remote's answer wants our RTP.
import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import {
  createAnswer,
  parseSdp,
  type LocalAudio,
  type MediaDirection,
  type NegotiatedAudio,
  type SessionDescription,
} from '@switchboard/sip';
import type { LegCodec } from '../media';

type Negotiated = NegotiatedAudio & { readonly sdp: SessionDescription };

/** RFC 3264 §6 answer to `offer` with `local`, or (before sockets exist) just which codec to use. */
export function negotiate(
  offer: string,
  direction: MediaDirection,
  local?: LocalAudio,
): Result<Negotiated, Rejection> {
  const parsed = parseSdp(offer);
  if (!parsed.ok) return reject('MEDIA.BAD_SDP', parsed.error.message, { status: 400 });
  const probe: LocalAudio = local ?? {
    address: '0.0.0.0',
    port: 9,
    codecs: ['PCMU', 'PCMA'],
    direction,
    origin: { username: '-', sessionId: '0', sessionVersion: '0' },
  };
  const answered = createAnswer(parsed.value, probe);
  if (!answered.ok) return reject(answered.error.code, answered.error.message, { status: 488 });
  return ok({ ...answered.value.audio, sdp: answered.value.sdp });
}

export function codecOf(audio: NegotiatedAudio): LegCodec {
  const law = audio.codec.encoding.toUpperCase() === 'PCMA' ? 'pcma' : 'pcmu';
  const te = audio.telephoneEvent?.payloadType;
  return {
    law,
    payloadType: audio.codec.payloadType,
    ...(te === undefined ? {} : { telephoneEventPayloadType: te }),
  };
}

/** Where the remote's answer wants our RTP (first audio stream's `c=` and port). */
export function remoteOf(sdp: SessionDescription): { address: string; port: number } | undefined {
  const m = sdp.media.find((x) => x.media === 'audio' && x.port !== 0);
  const c = m?.connections[0] ?? sdp.connection;
  if (m === undefined || c === undefined || c.address === '0.0.0.0') return undefined;
  return { address: c.address, port: m.port };
}
