import { describe, expect, it } from 'vitest';
import { parseNameAddr, serializeNameAddr } from './name-addr';
import { asciiLower, asciiUpper, splitList, quote, unquote } from './scanner';
import { createVia, hasMagicCookie, scanViaList, serializeVia, type Via } from './via';
import { scanCSeq } from './cseq';
import { parseDeltaSeconds } from './scalar-headers';

const vias = (s: string): Via[] | undefined => {
  const out: Via[] = [];
  return scanViaList(s, out) ? out : undefined;
};

describe('name-addr and addr-spec (RFC 3261 §20.10, §25.1)', () => {
  it('reads quoted and token display names, and addr-spec parameters as header parameters', () => {
    const a = parseNameAddr('"Alice \\"A\\"" <sip:alice@atlanta.com;transport=tcp>;tag=88');
    expect(a.ok && a.value).toMatchObject({ displayName: 'Alice "A"', params: { tag: '88' } });
    const b = parseNameAddr('sip:bob@biloxi.com;tag=9');
    expect(b.ok && b.value).toMatchObject({ uri: { host: 'biloxi.com', params: {} }, params: { tag: '9' } });
    const c = parseNameAddr('Bob Smith <tel:+123>');
    expect(c.ok && c.value.displayName).toBe('Bob Smith');
  });

  it('serializes always in name-addr form and round-trips display names with quotes and controls', () => {
    const a = parseNameAddr('"x\\\\y\\"z" <sip:a@b>;tag=1');
    if (!a.ok) throw new Error('parse');
    const text = serializeNameAddr(a.value);
    expect(text).toBe('"x\\\\y\\"z" <sip:a@b>;tag=1');
    expect(parseNameAddr(text)).toEqual(a);
    expect(unquote(quote('a\u0007b'))).toBe('a\u0007b');
  });

  it.each([
    '',
    '<sip:a@b',
    '"open <sip:a@b>',
    'sip:a@b?x=1',
    'a, b <sip:a@b>',
    '<sip:a@b>;',
    '<sip:a@b> junk',
  ])('refuses %j', (s) => expect(parseNameAddr(s).ok).toBe(false));
});

describe('Via (RFC 3261 §20.42, RFC 3581)', () => {
  it('reads branch, received, rport, maddr and ttl', () => {
    const [v] =
      vias(
        'SIP/2.0/udp 192.0.2.1:5060;branch=z9hG4bK7;received=198.51.100.1;rport=5062;maddr=224.2.0.1;ttl=16',
      ) ?? [];
    expect(v).toMatchObject({
      transport: 'UDP',
      host: '192.0.2.1',
      port: 5060,
      branch: 'z9hG4bK7',
      received: '198.51.100.1',
      rport: 5062,
      maddr: '224.2.0.1',
      ttl: 16,
    });
    expect(v && hasMagicCookie(v)).toBe(true);
  });

  it('splits comma-separated values and tolerates LWS around separators', () => {
    expect(
      vias('SIP / 2.0 / TCP a.example.com : 5060 ; branch = z9hG4bK1 , SIP/2.0/UDP b')?.map((v) => v.host),
    ).toEqual(['a.example.com', 'b']);
  });

  it.each([
    'SIP/2.0/UDP',
    'SIP/2.0 UDP host',
    'SIP/2.0/UDP host;ttl=300',
    'SIP/2.0/UDP host;rport=x',
    'SIP/2.0/UDP host;;',
    'SIP/2.0/UDP host,,',
    'SIP/2.0/UDP host:70000',
  ])('refuses %j', (s) => expect(vias(s)).toBeUndefined());

  it('builds and serializes a Via asking for rport', () => {
    const v = createVia({
      transport: 'udp',
      host: '203.0.113.10',
      port: 5060,
      branch: 'z9hG4bKabc',
      rport: true,
    });
    expect(serializeVia(v)).toBe('SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bKabc;rport');
  });
});

describe('scalar headers', () => {
  it('caps CSeq below 2**31 and reads delta-seconds with a cap', () => {
    expect(scanCSeq('2147483647 INVITE')).toEqual({ seq: 2147483647, method: 'INVITE' });
    expect(scanCSeq('2147483648 INVITE')).toBeUndefined();
    expect(scanCSeq('1')).toBeUndefined();
    expect(parseDeltaSeconds('0600')).toBe(600);
    expect(parseDeltaSeconds('280297596632815')).toBe(2 ** 32 - 1);
    expect(parseDeltaSeconds('-1')).toBeUndefined();
  });

  it('splits lists outside quotes and angle brackets only', () => {
    expect(splitList('<sip:a@b;x=1,2>, "c, d" <sip:e@f> ,, g')).toEqual([
      '<sip:a@b;x=1,2>',
      '"c, d" <sip:e@f>',
      'g',
    ]);
  });
});

describe('ASCII case folding (SIP tokens compare without locale rules)', () => {
  it('changes ASCII letters only and returns the same string when nothing changes', () => {
    expect(asciiUpper('udp')).toBe('UDP');
    expect(asciiUpper('Tls')).toBe('TLS');
    const upper = 'SIP/2.0/WSS';
    expect(asciiUpper(upper)).toBe(upper);
    expect(asciiLower('Via')).toBe('via');
    expect(asciiUpper('')).toBe('');
  });

  it('reads lower-case Via protocol and transport tokens as their upper-case forms', () => {
    expect(vias('sip/2.0/udp host.invalid;branch=z9hG4bK1')?.[0]).toMatchObject({
      protocolName: 'SIP',
      transport: 'UDP',
    });
  });
});
