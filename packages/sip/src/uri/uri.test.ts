import { describe, expect, it } from 'vitest';
import { parseUri, scanUri, serializeUri, sipUri, unbracketHost, type Uri } from './uri';
import { uriEquals } from './uri-equals';

const uri = (s: string): Uri => {
  const r = parseUri(s);
  if (!r.ok) throw new Error(`bad uri ${s}`);
  return r.value;
};

describe('SIP URI (RFC 3261 §19.1)', () => {
  it('reads user, password, host, port, parameters and headers', () => {
    expect(
      uri('sips:alice:secret@Atlanta.example.com:5061;transport=TCP;lr?subject=project%20x&priority=urgent'),
    ).toEqual({
      kind: 'sip',
      scheme: 'sips',
      user: 'alice',
      password: 'secret',
      host: 'Atlanta.example.com',
      port: 5061,
      params: { transport: 'TCP', lr: null },
      headers: [
        { name: 'subject', value: 'project x' },
        { name: 'priority', value: 'urgent' },
      ],
    });
  });

  it('reads IPv6 references and keeps their brackets', () => {
    expect(uri('sip:[2001:db8::1]:5070')).toMatchObject({ host: '[2001:db8::1]', port: 5070 });
    expect(uri('sip:alice@[::1]')).toMatchObject({ user: 'alice', host: '[::1]' });
  });

  it('decodes escapes and re-escapes minimally', () => {
    const u = uri('sip:%61lice%20b@example.com;m%61ddr=239.255.255.1');
    expect(u).toMatchObject({ user: 'alice b', params: { maddr: '239.255.255.1' } });
    expect(serializeUri(u)).toBe('sip:alice%20b@example.com;maddr=239.255.255.1');
    expect(serializeUri(sipUri({ user: 'a@b:c', host: 'h' }))).toBe('sip:a%40b%3Ac@h');
  });

  it('lower-cases the scheme and parameter names only', () => {
    expect(uri('SIP:Bob@Example.COM;Transport=UDP')).toMatchObject({
      scheme: 'sip',
      user: 'Bob',
      host: 'Example.COM',
      params: { transport: 'UDP' },
    });
  });

  it.each([
    'sip:',
    'sip:@host',
    'sip:user@',
    'sip:host:99999',
    'sip:ho st',
    'sip:a%2@h',
    'sip:[zz::1]',
    'sip:h;=v',
    '1sip:x',
    'sip:h?x',
    'tel:',
    'http:a b',
  ])('refuses %s', (s) => expect(scanUri(s)).toBeUndefined());
});

describe('URI comparison (RFC 3261 §19.1.4)', () => {
  it.each([
    ['sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'],
    ['sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;newparam=5'],
    [
      'sip:alice@atlanta.com?subject=project%20x&priority=urgent',
      'sip:alice@atlanta.com?priority=urgent&subject=project%20x',
    ],
    ['tel:+1-201-555-0123', 'tel:+12015550123'],
  ])('%s equals %s', (a, b) => expect(uriEquals(uri(a), uri(b))).toBe(true));

  it.each([
    ['SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp'],
    ['sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;security=off'],
    ['sip:alice@atlanta.com?subject=a', 'sip:alice@atlanta.com'],
    ['sip:a@b', 'sips:a@b'],
  ])('%s differs from %s', (a, b) => expect(uriEquals(uri(a), uri(b))).toBe(false));
});

describe('unbracketHost', () => {
  it('takes the brackets off an IPv6 reference and leaves other hosts alone', () => {
    expect(unbracketHost('[2001:db8::1]')).toBe('2001:db8::1');
    expect(unbracketHost('192.0.2.1')).toBe('192.0.2.1');
    expect(unbracketHost('host.invalid')).toBe('host.invalid');
    expect(unbracketHost('[2001:db8::1')).toBe('[2001:db8::1');
  });
});
