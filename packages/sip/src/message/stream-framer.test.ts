import { describe, expect, it } from 'vitest';
import { parseMessage } from './parse-message';
import { StreamFramer, type StreamFrame } from './stream-framer';

const enc = new TextEncoder();
const msg = (callId: string, body = ''): string =>
  `MESSAGE sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK${callId}\r\nTo: <sip:a@example.com>\r\n` +
  `From: <sip:b@example.com>;tag=1\r\nCall-ID: ${callId}\r\nCSeq: 1 MESSAGE\r\nl: ${enc.encode(body).length}\r\n\r\n${body}`;

function callIds(frames: StreamFrame[]): string[] {
  return frames.map((f) => {
    if (f.type !== 'message') return f.type;
    const r = parseMessage(f.bytes, { framing: 'stream' });
    return r.ok ? r.value.callId : r.error.code;
  });
}

describe('StreamFramer (RFC 3261 §18.3)', () => {
  it('cuts several messages out of one chunk by Content-Length', () => {
    const f = new StreamFramer();
    expect(callIds(f.push(enc.encode(msg('a', 'hello') + msg('b') + msg('c', 'ü'))))).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(f.buffered).toBe(0);
  });

  it('reassembles messages fed one byte at a time', () => {
    const f = new StreamFramer();
    const bytes = enc.encode(msg('a', 'x'.repeat(300)) + msg('b', 'y'));
    const frames: StreamFrame[] = [];
    for (const b of bytes) frames.push(...f.push(Uint8Array.of(b)));
    expect(callIds(frames)).toEqual(['a', 'b']);
  });

  it('reports CRLFCRLF pings as keepalives and skips stray CRLFs between messages', () => {
    const f = new StreamFramer();
    expect(callIds(f.push(enc.encode('\r\n\r\n' + msg('a') + '\r\n' + msg('b'))))).toEqual([
      'keepalive',
      'a',
      'b',
    ]);
    expect(callIds(f.push(enc.encode('\r\n')))).toEqual([]);
    expect(callIds(f.push(enc.encode('\r\n')))).toEqual(['keepalive']);
  });

  it('takes a missing Content-Length as an empty body', () => {
    const f = new StreamFramer();
    const noLength = msg('a').replace('l: 0\r\n', '');
    expect(callIds(f.push(enc.encode(noLength + msg('b'))))).toEqual(['a', 'b']);
  });

  it('ends the stream on a malformed or conflicting Content-Length', () => {
    const f = new StreamFramer();
    const frames = f.push(enc.encode(msg('a').replace('l: 0', 'Content-Length: -5')));
    expect(frames.map((x) => x.type)).toEqual(['error']);
    expect(f.push(enc.encode(msg('b')))).toEqual([]);
    const g = new StreamFramer();
    const twice = msg('a').replace('l: 0', 'l: 0\r\nContent-Length: 3');
    expect(g.push(enc.encode(twice)).map((x) => x.type)).toEqual(['error']);
  });

  it('ends the stream when headers or the announced body exceed the maximum size', () => {
    const f = new StreamFramer({ maxMessageSize: 1000 });
    const frames = f.push(enc.encode('INVITE sip:a@b SIP/2.0\r\nX: ' + 'a'.repeat(2000)));
    expect(frames[0]?.type === 'error' && frames[0].rejection.code).toBe('SIP.MESSAGE_TOO_LARGE');
    const g = new StreamFramer({ maxMessageSize: 1000 });
    expect(g.push(enc.encode(msg('a').replace('l: 0', 'l: 5000'))).map((x) => x.type)).toEqual(['error']);
  });

  it('keeps framing valid messages after a framed garbage message', () => {
    const f = new StreamFramer();
    const garbage = '\u0000\u0001GARBAGE nonsense\r\n\u00ff:\r\n\r\n';
    expect(callIds(f.push(enc.encode(msg('a') + garbage + msg('b'))))).toEqual([
      'a',
      'SIP.BAD_HEADER_LINE',
      'b',
    ]);
  });
});
