import { describe, expect, it } from 'vitest';
import { SipProtection, type SipProtectionOptions } from './sip-protection';
import { sourceKey } from './source-key';

function setup(overrides: Partial<SipProtectionOptions> = {}) {
  let now = 0;
  const bans: string[] = [];
  const protection = new SipProtection(
    {
      ratePerSecond: 1,
      rateBurst: 5,
      maxAuthFailures: 3,
      authFailureWindowMs: 60_000,
      banMs: 60_000,
      maxInFlightPerSource: 4,
      dropScanners: true,
      ...overrides,
    },
    { now: () => now },
    (source) => bans.push(source),
  );
  return { protection, bans, advance: (ms: number) => void (now += ms) };
}

describe('SipProtection', () => {
  it('drops a scanner over UDP without banning the (forgeable) source', () => {
    const { protection, bans } = setup();
    expect(protection.rejectScanner('192.0.2.7', 'UDP', 'friendly-scanner')).toBe(true);
    expect(bans).toEqual([]);
    expect(protection.admit('192.0.2.7')).toBe('admit');
  });

  it.each(['TCP', 'TLS', 'WS'] as const)(
    'bans a scanner over %s, where the handshake proved the source',
    (p) => {
      const { protection, bans } = setup();
      expect(protection.rejectScanner('192.0.2.7', p, 'sipvicious')).toBe(true);
      expect(bans).toEqual(['192.0.2.7']);
      expect(protection.admit('192.0.2.7')).toBe('banned');
    },
  );

  it('never bans or rate-limits a trusted trunk, whatever arrives in its name', () => {
    const { protection, bans } = setup({ trustedAddresses: ['198.51.100.0/24', '2001:db8:5::1'] });
    for (let i = 0; i < 10; i++) protection.recordAuthFailure('198.51.100.20');
    expect(protection.rejectScanner('198.51.100.20', 'TCP', 'friendly-scanner')).toBe(true);
    for (let i = 0; i < 50; i++) expect(protection.admit('198.51.100.20')).toBe('admit');
    expect(protection.admit('::ffff:198.51.100.20')).toBe('admit');
    for (let i = 0; i < 10; i++) protection.recordAuthFailure('2001:db8:5::1');
    expect(protection.admit('2001:db8:5::1')).toBe('admit');
    expect(bans).toEqual([]);
    // Its neighbours outside the list are still protected against.
    for (let i = 0; i < 3; i++) protection.recordAuthFailure('198.51.101.20');
    expect(protection.admit('198.51.101.20')).toBe('banned');
  });

  it('trusts what trustAlso accepts (a tenant trunk) as it trusts the configured list', () => {
    const { protection, bans } = setup();
    protection.trustAlso((a) => a === '203.0.113.9');
    for (let i = 0; i < 50; i++) expect(protection.admit('203.0.113.9')).toBe('admit');
    for (let i = 0; i < 10; i++) protection.recordAuthFailure('203.0.113.9');
    expect(protection.isTrusted('203.0.113.9')).toBe(true);
    expect(bans).toEqual([]);
    for (let i = 0; i < 5; i++) protection.admit('203.0.113.10');
    expect(protection.admit('203.0.113.10')).toBe('rate_limited');
  });

  it('bans an IPv6 guesser by its /64, so rotating addresses in it does not help', () => {
    const { protection, bans } = setup();
    protection.recordAuthFailure('2001:db8:1:2::a');
    protection.recordAuthFailure('2001:db8:1:2:ffff::b');
    protection.recordAuthFailure('2001:0db8:0001:0002:1:2:3:4');
    expect(bans).toEqual(['2001:db8:1:2::/64']);
    expect(protection.admit('2001:db8:1:2:dead:beef::1')).toBe('banned');
    expect(protection.admit('2001:db8:1:3::a')).toBe('admit');
  });

  it('shares one token bucket across an IPv6 /64', () => {
    const { protection, advance } = setup();
    const verdicts = Array.from({ length: 6 }, (_, i) => protection.admit(`2001:db8:9:9::${i + 1}`));
    expect(verdicts).toEqual(['admit', 'admit', 'admit', 'admit', 'admit', 'rate_limited']);
    expect(protection.admit('2001:db8:9:a::1')).toBe('admit');
    advance(1_000);
    expect(protection.admit('2001:db8:9:9::77')).toBe('admit');
  });
});

describe('sourceKey', () => {
  it('keys IPv4 by address and IPv6 by /64 in one canonical form', () => {
    expect(sourceKey('192.0.2.1')).toBe('192.0.2.1');
    expect(sourceKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(sourceKey('2001:DB8:0:0:1::1')).toBe('2001:db8:0:0::/64');
    expect(sourceKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
  });
});
