import { DEFAULT_MAX_MESSAGE_SIZE } from './parse-message';
import { parseRejection, type SipParseRejection } from './sip-rejection';

/** What {@link StreamFramer.push} found in the bytes received so far. */
export type StreamFrame =
  /** One complete message, to hand to `parseMessage(bytes, { framing: 'stream' })`. */
  | { readonly type: 'message'; readonly bytes: Uint8Array }
  /** A CRLFCRLF keepalive ping; answer with a single CRLF pong (RFC 5626 §4.4.1). */
  | { readonly type: 'keepalive' }
  /** The stream cannot be framed any more (bad or oversize Content-Length): close the connection. */
  | { readonly type: 'error'; readonly rejection: SipParseRejection };

/** Options for {@link StreamFramer}. */
export interface StreamFramerOptions {
  /** A message (headers + body) larger than this ends the stream with an error. Default 65 535. */
  readonly maxMessageSize?: number;
}

const CL_LONG = 'content-length';

/**
 * Cuts a TCP/TLS byte stream into SIP messages by Content-Length (RFC 3261 §18.3). CRLFs between
 * messages are skipped (§7.5) and CRLFCRLF pings are reported as keepalives. A message without
 * Content-Length is taken to have an empty body. Bytes arrive in arbitrary chunks; scanning resumes
 * where it stopped, so the work is linear in the bytes received.
 */
export class StreamFramer {
  private buf = new Uint8Array(4096);
  private len = 0;
  private pos = 0;
  private scanFrom = 0;
  private failed = false;
  private readonly maxSize: number;

  constructor(options: StreamFramerOptions = {}) {
    this.maxSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  }

  /** Octets received but not yet returned as a frame. */
  get buffered(): number {
    return this.len - this.pos;
  }

  /** Adds received bytes and returns every frame they complete, in order. */
  push(chunk: Uint8Array): StreamFrame[] {
    if (this.failed) return [];
    this.append(chunk);
    const frames: StreamFrame[] = [];
    for (;;) {
      const frame = this.next();
      if (frame === undefined) break;
      frames.push(frame);
      if (frame.type === 'error') {
        this.failed = true;
        break;
      }
    }
    if (this.pos === this.len) this.pos = this.len = this.scanFrom = 0;
    return frames;
  }

  private next(): StreamFrame | undefined {
    const b = this.buf;
    while (this.pos < this.len && (b[this.pos] === 0x0d || b[this.pos] === 0x0a)) {
      if (this.hasPing()) {
        this.pos += 4;
        this.scanFrom = this.pos;
        return { type: 'keepalive' };
      }
      // Wait when what is left could still become a ping.
      if (this.len - this.pos < 4 && this.isPingPrefix()) return undefined;
      this.pos++;
    }
    if (this.pos >= this.len) return undefined;
    let i = Math.max(this.pos, this.scanFrom);
    let bodyStart = -1;
    let headEnd = -1;
    for (;;) {
      const lf = b.subarray(0, this.len).indexOf(0x0a, i);
      if (lf < 0) break;
      if (b[lf + 1] === 0x0a && lf + 1 < this.len) {
        headEnd = lf;
        bodyStart = lf + 2;
        break;
      }
      if (b[lf + 1] === 0x0d && b[lf + 2] === 0x0a && lf + 2 < this.len) {
        headEnd = lf;
        bodyStart = lf + 3;
        break;
      }
      i = lf + 1;
    }
    if (headEnd < 0) {
      this.scanFrom = Math.max(this.pos, this.len - 3);
      return this.len - this.pos > this.maxSize ? this.tooLarge() : undefined;
    }
    this.scanFrom = headEnd;
    const cl = contentLength(b, this.pos, headEnd);
    if (cl < 0) {
      return {
        type: 'error',
        rejection: parseRejection('SIP.BAD_HEADER_VALUE', 'Malformed Content-Length header', 'unknown'),
      };
    }
    const total = bodyStart - this.pos + cl;
    if (total > this.maxSize) return this.tooLarge();
    if (this.len - this.pos < total) return undefined;
    const bytes = b.slice(this.pos, this.pos + total);
    this.pos += total;
    this.scanFrom = this.pos;
    return { type: 'message', bytes };
  }

  private hasPing(): boolean {
    const b = this.buf;
    const p = this.pos;
    return p + 4 <= this.len && b[p] === 0x0d && b[p + 1] === 0x0a && b[p + 2] === 0x0d && b[p + 3] === 0x0a;
  }

  private isPingPrefix(): boolean {
    const ping = [0x0d, 0x0a, 0x0d, 0x0a];
    for (let k = 0; this.pos + k < this.len; k++) if (this.buf[this.pos + k] !== ping[k]) return false;
    return true;
  }

  private tooLarge(): StreamFrame {
    return {
      type: 'error',
      rejection: parseRejection('SIP.MESSAGE_TOO_LARGE', 'Message Too Large', 'unknown'),
    };
  }

  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      const live = this.len - this.pos;
      const size = Math.max(this.buf.length, (live + chunk.length) * 2);
      const next = size > this.buf.length ? new Uint8Array(size) : this.buf;
      next.set(this.buf.subarray(this.pos, this.len), 0);
      this.scanFrom = Math.max(0, this.scanFrom - this.pos);
      this.buf = next;
      this.len = live;
      this.pos = 0;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }
}

/**
 * The Content-Length of the header bytes [from, to): 0 when absent, -1 when malformed or repeated
 * with different values. Reads the long and compact (`l`) names case-insensitively.
 */
function contentLength(b: Uint8Array, from: number, to: number): number {
  let found = -2;
  let line = from;
  while (line < to) {
    let eol = line;
    while (eol < to && b[eol] !== 0x0a) eol++;
    const value = lengthValue(b, line, eol);
    if (value !== -2) {
      if (value === -1 || (found !== -2 && found !== value)) return -1;
      found = value;
    }
    line = eol + 1;
  }
  return found === -2 ? 0 : found;
}

/** -2 when the line is not Content-Length, -1 when its value is not digits, else the value. */
function lengthValue(b: Uint8Array, start: number, end: number): number {
  let i = start;
  const first = (b[i] ?? 0) | 0x20;
  if (first === 0x6c && !isNameChar(b[i + 1])) {
    i += 1;
  } else {
    if (end - start < CL_LONG.length) return -2;
    for (let k = 0; k < CL_LONG.length; k++)
      if (((b[i + k] ?? 0) | 0x20) !== CL_LONG.charCodeAt(k)) return -2;
    i += CL_LONG.length;
  }
  while (i < end && (b[i] === 0x20 || b[i] === 0x09)) i++;
  if (b[i] !== 0x3a) return -2;
  i++;
  while (i < end && (b[i] === 0x20 || b[i] === 0x09)) i++;
  let n = 0;
  let digits = 0;
  while (i < end && b[i]! >= 0x30 && b[i]! <= 0x39) {
    n = n * 10 + (b[i]! - 0x30);
    digits++;
    i++;
    if (digits > 9) return -1;
  }
  while (i < end && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0d)) i++;
  return digits === 0 || i !== end ? -1 : n;
}

function isNameChar(c: number | undefined): boolean {
  return c !== undefined && c !== 0x20 && c !== 0x09 && c !== 0x3a;
}
