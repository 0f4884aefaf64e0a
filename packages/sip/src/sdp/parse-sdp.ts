import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import type {
  SdpAttribute,
  SdpConnection,
  SdpMedia,
  SdpOrigin,
  SdpTiming,
  SessionDescription,
} from './session-description';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

const decoder = new TextDecoder();

const bad = (line: number, what: string): Result<never, Rejection> =>
  err(rejection('SDP.MALFORMED', `Malformed SDP: ${what}`, { line }));

/**
 * Parses a session description (RFC 8866 §5). Lines may end in CRLF or LF; lines of unknown type are
 * ignored (§5); attributes are kept in order, unknown ones included, so ICE (`candidate`,
 * `ice-ufrag`, `ice-pwd`) and DTLS (`fingerprint`, `setup`) pass through untouched. Errors are
 * `SDP.MALFORMED` with the 1-based line number.
 */
export function parseSdp(input: string | Uint8Array): Result<SessionDescription, Rejection> {
  const text = typeof input === 'string' ? input : decoder.decode(input);
  const lines = text.split('\n');
  let origin: SdpOrigin | undefined;
  const session: Mutable<Omit<SessionDescription, 'origin'>> = {
    version: 0,
    sessionName: '-',
    emails: [],
    phones: [],
    bandwidths: [],
    timings: [],
    attributes: [],
    media: [],
  };
  let media: Mutable<SdpMedia> | undefined;
  let seenVersion = false;
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n] as string;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length === 0) continue;
    if (line.length < 2 || line.charCodeAt(1) !== 0x3d) return bad(n + 1, 'expected <type>=<value>');
    const type = line.charAt(0);
    const value = line.slice(2);
    if (!seenVersion) {
      if (type !== 'v' || value.trim() !== '0') return bad(n + 1, 'v=0 must come first');
      seenVersion = true;
      continue;
    }
    if (origin === undefined && type !== 'o') return bad(n + 1, 'o= must follow v=');
    if (type === 'm') {
      const m = parseMediaLine(value);
      if (m === undefined) return bad(n + 1, 'm= line');
      media = m;
      session.media.push(m);
      continue;
    }
    if (media !== undefined) {
      if (!readMediaLine(media, type, value)) return bad(n + 1, `${type}= line`);
      continue;
    }
    switch (type) {
      case 'o':
        origin = parseOrigin(value);
        if (origin === undefined) return bad(n + 1, 'o= line');
        break;
      case 's':
        session.sessionName = value;
        break;
      case 'i':
        session.info = value;
        break;
      case 'u':
        session.uri = value;
        break;
      case 'e':
        session.emails.push(value);
        break;
      case 'p':
        session.phones.push(value);
        break;
      case 'c': {
        const c = parseConnection(value);
        if (c === undefined) return bad(n + 1, 'c= line');
        session.connection = c;
        break;
      }
      case 'b':
        session.bandwidths.push(value);
        break;
      case 't': {
        const [start, stop] = value.trim().split(/\s+/);
        if (start === undefined || stop === undefined) return bad(n + 1, 't= line');
        session.timings.push({ start, stop, repeats: [] });
        break;
      }
      case 'r': {
        const last = session.timings.at(-1) as Mutable<SdpTiming> | undefined;
        if (last === undefined) return bad(n + 1, 'r= without t=');
        (last.repeats as string[]).push(value);
        break;
      }
      case 'z':
        session.zone = value;
        break;
      case 'k':
        session.key = value;
        break;
      case 'a':
        session.attributes.push(parseAttribute(value));
        break;
      default:
        // Unknown line types are ignored (RFC 8866 §5).
        break;
    }
  }
  if (origin === undefined) return bad(lines.length, 'missing v= and o= lines');
  // Added to the object built above rather than spread into a copy: V8 makes a spread copy that then
  // gains a property take a slow path, some fifty times the cost (see ADR 0007).
  return ok(Object.assign(session, { origin }));
}

function parseOrigin(value: string): SdpOrigin | undefined {
  const f = value.trim().split(/\s+/);
  if (f.length !== 6) return undefined;
  const [username, sessionId, sessionVersion, netType, addrType, address] = f as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { username, sessionId, sessionVersion, netType, addrType, address };
}

function parseConnection(value: string): SdpConnection | undefined {
  const f = value.trim().split(/\s+/);
  if (f.length !== 3) return undefined;
  return { netType: f[0] as string, addrType: f[1] as string, address: f[2] as string };
}

/** `a=<name>` or `a=<name>:<value>`; the value keeps its spaces. */
export function parseAttribute(value: string): SdpAttribute {
  const colon = value.indexOf(':');
  return colon < 0 ? { name: value } : { name: value.slice(0, colon), value: value.slice(colon + 1) };
}

function parseMediaLine(value: string): Mutable<SdpMedia> | undefined {
  const f = value.trim().split(/\s+/);
  if (f.length < 3) return undefined;
  const [media, portText, proto, ...formats] = f as [string, string, string, ...string[]];
  const slash = portText.indexOf('/');
  const port = Number(slash < 0 ? portText : portText.slice(0, slash));
  if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  const m: Mutable<SdpMedia> = {
    media,
    port,
    proto,
    formats,
    connections: [],
    bandwidths: [],
    attributes: [],
  };
  if (slash >= 0) {
    const count = Number(portText.slice(slash + 1));
    if (!Number.isInteger(count) || count < 1) return undefined;
    m.portCount = count;
  }
  return m;
}

function readMediaLine(m: Mutable<SdpMedia>, type: string, value: string): boolean {
  switch (type) {
    case 'i':
      m.info = value;
      return true;
    case 'c': {
      const c = parseConnection(value);
      if (c === undefined) return false;
      m.connections.push(c);
      return true;
    }
    case 'b':
      m.bandwidths.push(value);
      return true;
    case 'k':
      m.key = value;
      return true;
    case 'a':
      m.attributes.push(parseAttribute(value));
      return true;
    default:
      return true;
  }
}
