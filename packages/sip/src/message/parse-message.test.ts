import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createErrorResponseBytes, createRequest, createResponse } from './create-message';
import { parseMessage } from './parse-message';
import { serializeMessage, serializeMessageHead } from './serialize-message';
import { getHeader, getHeaderLines, getHeaderValues, type SipMessage } from './sip-message';
import { sipUri } from '../uri/uri';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../../fixtures/${name}.sip`, import.meta.url)));

/** Drops Content-Length (rewritten on serialize) so a reparse can be compared with the original. */
const semantic = (m: SipMessage): unknown => ({
  ...m,
  headers: m.headers.filter((h) => h.name !== 'Content-Length'),
  body: [...m.body],
});

function parsed(input: Uint8Array | string): SipMessage {
  const r = parseMessage(input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

const GOOD = [
  'invite-trunk',
  'invite-webrtc',
  'register-digest',
  'response-401',
  'response-200-invite',
  'options-ipv6',
  'bye-compact',
  'register-unbind-all',
  'invite-tel-uri',
];

const OPTIONS = [
  'OPTIONS sip:a@example.com SIP/2.0',
  'Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1',
  'To: <sip:a@example.com>',
  'From: <sip:b@example.com>;tag=1',
  'Call-ID: c1',
  'CSeq: 1 OPTIONS',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

describe('wire fixtures', () => {
  for (const name of GOOD) {
    it(`parses ${name} and reparses its serialization to the same message`, () => {
      const m = parsed(fixture(name));
      expect(semantic(parsed(serializeMessage(m)))).toEqual(semantic(m));
      expect(semantic(parsed(serializeMessage(m, { compact: true })))).toEqual(semantic(m));
    });
  }

  it('keeps header order, unknown headers and values byte for byte', () => {
    const bytes = fixture('invite-trunk');
    expect(new TextDecoder().decode(serializeMessage(parsed(bytes)))).toBe(new TextDecoder().decode(bytes));
  });

  it('reads IPv6 references in URIs and Via, and received without brackets', () => {
    const m = parsed(fixture('options-ipv6'));
    expect(m.kind === 'request' && m.uri).toMatchObject({
      host: '[2001:db8::10]',
      port: 5060,
      params: { transport: 'tcp' },
    });
    expect(m.via[0]).toMatchObject({ host: '[2001:db8::9:1]', port: 5060, received: '2001:db8::9:255' });
  });

  it('expands compact header names to their long forms', () => {
    const m = parsed(fixture('bye-compact'));
    expect(m.headers.map((h) => h.name)).toEqual([
      'Via',
      'Max-Forwards',
      'Route',
      'From',
      'To',
      'Call-ID',
      'CSeq',
      'Reason',
      'Content-Length',
    ]);
    expect(m.via[0]?.rport).toBeNull();
  });

  it('reads Contact: * and tel: URIs', () => {
    expect(parsed(fixture('register-unbind-all')).contact).toBe('*');
    const m = parsed(fixture('invite-tel-uri'));
    expect(m.kind === 'request' && m.uri).toEqual({
      kind: 'tel',
      scheme: 'tel',
      number: '+86-10-8888-6666',
      params: { 'phone-context': '+86' },
    });
  });

  it('never splits WWW-Authenticate, Authorization or Date at commas, but splits list headers', () => {
    const r401 = parsed(fixture('response-401'));
    expect(getHeaderValues(r401, 'www-authenticate')).toHaveLength(2);
    expect(getHeaderValues(r401, 'Date')).toEqual(['Mon, 05 Jan 2026 09:00:00 GMT']);
    const reg = parsed(fixture('register-digest'));
    expect(getHeaderValues(reg, 'Authorization')).toHaveLength(1);
    const inv = parsed(fixture('invite-trunk'));
    expect(getHeaderValues(inv, 'allow')).toContain('MESSAGE');
    expect(getHeaderValues(inv, 'Supported')).toEqual(['replaces', 'timer']);
    expect(getHeaderLines(inv, 'k')).toEqual(['replaces, timer']);
  });

  it('keeps quoted header parameters verbatim (+sip.instance)', () => {
    const m = parsed(fixture('register-digest'));
    const c = m.contact === '*' ? undefined : m.contact?.[0];
    expect(c?.params['+sip.instance']).toBe('"<urn:uuid:00000000-0000-1000-8000-0002B6F3A1C4>"');
    expect(c?.params.expires).toBe('600');
  });
});

describe('malformed twins', () => {
  it.each([
    ['invite-trunk.truncated', 'SIP.BODY_TRUNCATED', 'request'],
    ['invite-trunk.garbage', 'SIP.BAD_HEADER_LINE', 'request'],
    ['invite-trunk.no-empty-line', 'SIP.INCOMPLETE', 'request'],
    ['response-401.truncated', 'SIP.INCOMPLETE', 'response'],
  ])('refuses %s with %s', (name, code, kind) => {
    const r = parseMessage(fixture(name));
    expect(r.ok ? undefined : [r.error.code, r.error.messageKind]).toEqual([code, kind]);
  });
});

describe('parseMessage rules', () => {
  it('serves valid datagrams interleaved with garbage, each on its own', () => {
    const datagrams = [
      OPTIONS,
      '\u0000\u00ff\u0013garbage',
      OPTIONS.replace('c1', 'c2'),
      'INVITE',
      OPTIONS.replace('c1', 'c3'),
    ];
    const outcome = datagrams.map((d) => {
      const r = parseMessage(d);
      return r.ok ? r.value.callId : r.error.code;
    });
    expect(outcome).toEqual(['c1', 'SIP.INCOMPLETE', 'c2', 'SIP.INCOMPLETE', 'c3']);
  });

  it('accepts string input, bare LF line ends and leading CRLFs (RFC 3261 §7.5)', () => {
    const m = parsed('\r\n\r\n' + OPTIONS.replaceAll('\r\n', '\n'));
    expect(m.callId).toBe('c1');
  });

  it('treats header names case-insensitively and methods case-sensitively', () => {
    const lower = parsed(OPTIONS.replace('Call-ID', 'call-id').replace('CSeq', 'CSEQ'));
    expect(lower.callId).toBe('c1');
    const r = parseMessage(OPTIONS.replace('OPTIONS sip', 'options sip'));
    expect(r.ok ? '' : r.error.code).toBe('SIP.CSEQ_METHOD_MISMATCH');
  });

  it('refuses a message over maxMessageSize with 513', () => {
    const r = parseMessage(OPTIONS, { maxMessageSize: 100 });
    expect(r.ok ? undefined : [r.error.code, r.error.status]).toEqual(['SIP.MESSAGE_TOO_LARGE', 513]);
  });

  it('refuses more than maxHeaders header lines', () => {
    const r = parseMessage(OPTIONS, { maxHeaders: 3 });
    expect(r.ok ? '' : r.error.code).toBe('SIP.TOO_MANY_HEADERS');
  });

  it('refuses empty input and bare CR', () => {
    expect(parseMessage('\r\n\r\n').ok).toBe(false);
    const r = parseMessage(OPTIONS.replace('Call-ID: c1', 'Call-ID: c\r1'));
    expect(r.ok ? '' : r.error.code).toBe('SIP.BAD_HEADER_LINE');
    const lf = OPTIONS.replaceAll('\r\n', '\n');
    const late = parseMessage(lf.replace('Call-ID: c1', 'Call-ID: c\r1'));
    expect(late.ok ? '' : late.error.code).toBe('SIP.BAD_HEADER_LINE');
  });

  it('joins folded lines and keeps many LF-only header lines apart', () => {
    const extra = Array.from({ length: 150 }, (_, i) => `X-H${i}: v${i}`).join('\n');
    const lf = OPTIONS.replaceAll('\r\n', '\n').replace(
      'Call-ID: c1',
      `Call-ID: c1\n${extra}\nSubject: a\n  b`,
    );
    const m = parsed(lf);
    expect(getHeader(m, 'X-H149')).toBe('v149');
    expect(getHeader(m, 'Subject')).toBe('a b');
    expect(m.callId).toBe('c1');
  });

  it('refuses Contact * mixed with addresses, and Max-Forwards over 255', () => {
    const star = parseMessage(
      OPTIONS.replace('Content-Length', 'Contact: *\r\nContact: <sip:x@y>\r\nContent-Length'),
    );
    expect(star.ok ? '' : star.error.message).toBe('Malformed Contact header');
    const mf = parseMessage(OPTIONS.replace('Content-Length', 'Max-Forwards: 256\r\nContent-Length'));
    expect(mf.ok ? '' : mf.error.message).toBe('Malformed Max-Forwards header');
  });

  it('on a stream, the bytes after the headers are the body', () => {
    const m = parseMessage(OPTIONS.replace('Content-Length: 0\r\n', '') + 'x', { framing: 'stream' });
    expect(m.ok && m.value.body.length).toBe(1);
  });
});

describe('building messages', () => {
  const request = parsed(fixture('invite-trunk'));
  if (request.kind !== 'request') throw new Error('fixture');

  it('builds a response copying Via, From, To (+tag), Call-ID, CSeq and Record-Route (RFC 3261 §8.2.6.2)', () => {
    const r = createResponse(request, 180, 'Ringing', {
      toTag: 'sb-1',
      headers: [{ name: 'm', value: '<sip:sb@203.0.113.10>' }],
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.to.params.tag).toBe('sb-1');
    expect(r.value.recordRoute).toHaveLength(1);
    expect(r.value.headers.at(-1)).toEqual({ name: 'Contact', value: '<sip:sb@203.0.113.10>' });
    expect(serializeMessageHead(r.value).startsWith('SIP/2.0 180 Ringing\r\n')).toBe(true);
    const final = createResponse(request, 486, 'Busy\r\nX-Injected: 1');
    expect(final.ok && final.value.reason).toBe('Busy X-Injected: 1');
    expect(final.ok && final.value.recordRoute).toEqual([]);
  });

  it('builds a request through the parser rules and refuses header injection', () => {
    const base = [
      { name: 'Via', value: 'SIP/2.0/UDP 203.0.113.10;branch=z9hG4bKx' },
      { name: 'From', value: '<sip:sb@203.0.113.10>;tag=a' },
      { name: 'To', value: '<sip:1001@192.0.2.50>' },
      { name: 'Call-ID', value: 'x1' },
      { name: 'CSeq', value: '1 OPTIONS' },
    ];
    const ok = createRequest({
      method: 'OPTIONS',
      uri: sipUri({ user: '1001', host: '192.0.2.50' }),
      headers: base,
    });
    expect(ok.ok && serializeMessageHead(ok.value)).toContain('Content-Length: 0\r\n\r\n');
    const bad = createRequest({
      method: 'OPTIONS',
      uri: sipUri({ host: 'x' }),
      headers: [...base, { name: 'Subject', value: 'hi\r\nVia: evil' }],
    });
    expect(bad.ok).toBe(false);
  });

  it('answers a refused request with 400 and the problem as reason phrase', () => {
    const r = parseMessage(OPTIONS.replace('Content-Length', 'Max-Forwards: 1000\r\nContent-Length'));
    if (r.ok) throw new Error('expected a rejection');
    const answer = parsed(createErrorResponseBytes(r.error) as Uint8Array);
    expect(answer.kind === 'response' && [answer.status, answer.reason]).toEqual([
      400,
      'Malformed Max-Forwards header',
    ]);
    expect(answer.callId).toBe('c1');
  });

  it('reads headers by any spelling', () => {
    expect(getHeader(request, 'call-id')).toBe(request.callId);
    expect(getHeader(request, 'i')).toBe(request.callId);
    expect(getHeader(request, 'P-ASSERTED-IDENTITY')).toContain('+8613912345678');
  });
});
