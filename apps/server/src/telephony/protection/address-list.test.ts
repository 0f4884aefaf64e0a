import { BlockList } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AddressList } from './address-list';

describe('AddressList', () => {
  afterEach(() => vi.restoreAllMocks());
  const list = new AddressList(['192.0.2.10', '10.0.0.0/8', '2001:db8::/32', '::ffff:198.51.100.7']);

  it('holds single addresses and blocks of either family', () => {
    expect(list.has('192.0.2.10')).toBe(true);
    expect(list.has('192.0.2.11')).toBe(false);
    expect(list.has('10.200.3.4')).toBe(true);
    expect(list.has('11.0.0.1')).toBe(false);
    expect(list.has('2001:db8:1::5')).toBe(true);
    expect(list.has('2001:db9::5')).toBe(false);
  });

  it('reads IPv4-mapped IPv6 addresses and zone indices as the plain address', () => {
    expect(list.has('::ffff:10.1.2.3')).toBe(true);
    expect(list.has('198.51.100.7')).toBe(true);
    expect(list.has('2001:db8::1%eth0')).toBe(true);
  });

  it('says no to what is not an address, and an empty list to everything', () => {
    expect(list.has('trunk.example.com')).toBe(false);
    expect(list.has('')).toBe(false);
    expect(new AddressList().has('192.0.2.10')).toBe(false);
  });

  it('gives the same answers however often, and however many sources ask', () => {
    for (let round = 0; round < 3; round++) {
      expect(list.has('192.0.2.10')).toBe(true);
      expect(list.has('192.0.2.11')).toBe(false);
    }
    // More sources than the list remembers answers for (a scan): it starts over, still right.
    for (let i = 0; i < 10_000; i++) {
      const address = `10.${(i >> 8) & 255}.${i & 255}.1`;
      expect(list.has(address)).toBe(true);
      expect(list.has(`172.16.${(i >> 8) & 255}.${i & 255}`)).toBe(false);
    }
    expect(list.has('192.0.2.10')).toBe(true);
  });

  it('asks the native block list once per source, since every SIP message of a trunk asks', () => {
    const check = vi.spyOn(BlockList.prototype, 'check');
    const trunks = new AddressList(['203.0.113.0/24']);
    for (let i = 0; i < 50; i++) {
      expect(trunks.has('203.0.113.9')).toBe(true);
      expect(trunks.has('198.51.100.1')).toBe(false);
    }
    expect(check).toHaveBeenCalledTimes(2);
  });
});
