/**
 * Hold and resume by SDP direction (RFC 3264 §8.4, §6.1). The SDP is handled as text so these
 * helpers work on any offer the media layer produced; only direction attributes and the o= version
 * are touched.
 */

/** Stream direction attribute (RFC 3264 §5.1, RFC 8866 §6.7). */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

function lines(sdp: string): string[] {
  const out = sdp.split(/\r?\n/);
  if (out[out.length - 1] === '') out.pop();
  return out;
}

function directionOf(line: string): MediaDirection | undefined {
  const name = line.startsWith('a=') ? line.slice(2).trim() : '';
  return DIRECTIONS.has(name) ? (name as MediaDirection) : undefined;
}

/** The direction of the first media stream: its own attribute, else the session's, else sendrecv. */
export function sdpDirection(sdp: string): MediaDirection {
  let session: MediaDirection | undefined;
  let inMedia = false;
  for (const line of lines(sdp)) {
    if (line.startsWith('m=')) {
      if (inMedia) break;
      inMedia = true;
      continue;
    }
    const d = directionOf(line);
    if (d !== undefined && inMedia) return d;
    if (d !== undefined) session = d;
  }
  return session ?? 'sendrecv';
}

/**
 * `sdp` with every stream set to `direction`: session-level direction attributes dropped, each m=
 * section's replaced, and the o= version incremented as a changed offer requires (RFC 3264 §8).
 */
export function withDirection(sdp: string, direction: MediaDirection): string {
  const out: string[] = [];
  let inMedia = false;
  for (const line of lines(sdp)) {
    if (directionOf(line) !== undefined) continue;
    if (line.startsWith('m=')) {
      if (inMedia) out.push(`a=${direction}`);
      inMedia = true;
    }
    out.push(line.startsWith('o=') ? bumpOriginVersion(line) : line);
  }
  if (inMedia) out.push(`a=${direction}`);
  return out.join('\r\n') + '\r\n';
}

function bumpOriginVersion(line: string): string {
  const parts = line.slice(2).split(' ');
  const version = parts[2];
  if (parts.length < 6 || version === undefined || !/^\d+$/.test(version)) return line;
  parts[2] = (BigInt(version) + 1n).toString();
  return 'o=' + parts.join(' ');
}

/** The direction to offer to put the peer on hold (§8.4): stop receiving, keep sending if we did. */
export function holdDirection(current: MediaDirection): MediaDirection {
  return current === 'sendrecv' || current === 'sendonly' ? 'sendonly' : 'inactive';
}

/** The direction to offer to take the peer off hold. */
export function resumeDirection(current: MediaDirection): MediaDirection {
  return current === 'sendonly' || current === 'sendrecv' ? 'sendrecv' : 'recvonly';
}

/** The answer's direction for an offered one (RFC 3264 §6.1), optionally limited by our own wish. */
export function answerDirection(
  offered: MediaDirection,
  wanted: MediaDirection = 'sendrecv',
): MediaDirection {
  const weSend =
    (offered === 'sendrecv' || offered === 'recvonly') && (wanted === 'sendrecv' || wanted === 'sendonly');
  const weReceive =
    (offered === 'sendrecv' || offered === 'sendonly') && (wanted === 'sendrecv' || wanted === 'recvonly');
  if (weSend && weReceive) return 'sendrecv';
  if (weSend) return 'sendonly';
  return weReceive ? 'recvonly' : 'inactive';
}

/** The re-INVITE/UPDATE body that puts the peer on hold, from our current offer. */
export function holdOffer(sdp: string): string {
  return withDirection(sdp, holdDirection(sdpDirection(sdp)));
}

/** The re-INVITE/UPDATE body that resumes, from our current (held) offer. */
export function resumeOffer(sdp: string): string {
  return withDirection(sdp, resumeDirection(sdpDirection(sdp)));
}
