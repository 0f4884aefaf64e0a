// Callers, agents and supervisors of media-port tests: an RTP test peer each, offered to the
// media port and answered, with where to send the peer's audio.
import type { RtpTestPeer } from '../media/rtp-test-peer';
import type { MediaServicePort } from './media-service-port';

const RTPMAPS: Record<string, string[]> = {
  '0': ['a=rtpmap:0 PCMU/8000'],
  '8': ['a=rtpmap:8 PCMA/8000'],
  '101': ['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16'],
};

/** A phone's offer from `peer`'s address, with `formats` (payload types) in its m-line. */
export function peerOffer(peer: RtpTestPeer, formats = '0 101'): string {
  return [
    'v=0',
    'o=peer 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${peer.address.port} RTP/AVP ${formats}`,
    ...formats.split(' ').flatMap((pt) => RTPMAPS[pt] ?? []),
    'a=sendrecv',
    '',
  ].join('\r\n');
}

/** Our RTP address as an answer SDP advertises it. */
export function answeredAddress(sdp: string): { address: string; port: number } {
  return { address: /c=IN IP4 (\S+)/.exec(sdp)?.[1] ?? '', port: Number(/m=audio (\d+)/.exec(sdp)?.[1]) };
}

/** One party of a call: its leg on the media port and the peer playing its phone. */
export interface Party {
  readonly legId: string;
  readonly endpoint: string;
  readonly peer: RtpTestPeer;
  /** Where the peer sends its audio. */
  readonly to: { address: string; port: number };
  /** Frames sent so far: the next one's sequence number. */
  sent: number;
}

/** Offers `peer` to `port` as call leg `legId` (on the worker of `near`, when given). */
export async function openParty(
  port: MediaServicePort,
  legId: string,
  peer: RtpTestPeer,
  options: { readonly near?: string; readonly formats?: string } = {},
): Promise<Party> {
  const opened = await port.open({
    legId,
    remoteOffer: peerOffer(peer, options.formats),
    ...(options.near ? { near: options.near } : {}),
  });
  if (!opened.ok) throw new Error(`${legId}: ${opened.error.code} ${opened.error.message}`);
  return { legId, endpoint: opened.value.id, peer, to: answeredAddress(opened.value.localSdp), sent: 0 };
}
