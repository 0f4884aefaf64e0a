import { describe, expect, it } from 'vitest';
import { isSendable } from './sendable-address';
import { SourceLatch } from './source-latch';

const SIGNALLED = { address: '192.0.2.10', port: 40000 };
const NAT = { address: '198.51.100.7', port: 61000 };

/** Feeds `n` packets in sequence from one source; returns the verdicts. */
function feed(latch: SourceLatch, from: { address: string; port: number }, n: number, seq0 = 100) {
  return Array.from({ length: n }, (_, i) => latch.observe(from.address, from.port, 0xabc, seq0 + i, i * 20));
}

describe('isSendable', () => {
  it('takes ports 1 to 65535 on a specified address', () => {
    expect(isSendable('127.0.0.1', 1)).toBe(true);
    expect(isSendable('::1', 65535)).toBe(true);
  });

  it('refuses port 0, ports past 65535, fractions and the unspecified address', () => {
    expect(isSendable('127.0.0.1', 0)).toBe(false);
    expect(isSendable('127.0.0.1', 65536)).toBe(false);
    expect(isSendable('127.0.0.1', 5004.5)).toBe(false);
    expect(isSendable('127.0.0.1', -1)).toBe(false);
    expect(isSendable('0.0.0.0', 5004)).toBe(false);
    expect(isSendable('::', 5004)).toBe(false);
    expect(isSendable('', 5004)).toBe(false);
  });
});

describe('SourceLatch', () => {
  it('latches to a source behind NAT after two packets in sequence', () => {
    const latch = new SourceLatch();
    latch.open(SIGNALLED);
    expect(feed(latch, NAT, 3)).toEqual(['learning', 'latched', 'accept']);
    expect(latch.remote).toEqual(NAT);
  });

  it('never latches to UDP source port 0, however many packets in sequence come from it', () => {
    const latch = new SourceLatch();
    latch.open(SIGNALLED);
    expect(feed(latch, { address: NAT.address, port: 0 }, 10)).toEqual(new Array(10).fill('unusable'));
    expect(feed(latch, { address: SIGNALLED.address, port: 0 }, 3)).toEqual(new Array(3).fill('unusable'));
    expect(latch.remote).toEqual(SIGNALLED);
    expect(latch.isLearning).toBe(true);
    // A real source still latches afterwards: the port-0 packets left no candidate behind.
    expect(feed(latch, NAT, 2, 500)).toEqual(['learning', 'latched']);
  });

  it('does not let port-0 packets interrupt a candidate learning in sequence', () => {
    const latch = new SourceLatch();
    latch.open(SIGNALLED);
    expect(latch.observe(NAT.address, NAT.port, 0xabc, 100, 0)).toBe('learning');
    expect(latch.observe(NAT.address, 0, 0xabc, 101, 10)).toBe('unusable');
    expect(latch.observe(NAT.address, NAT.port, 0xabc, 101, 20)).toBe('latched');
  });

  it('calls port 0 and the unspecified address unusable once latched too', () => {
    const latch = new SourceLatch();
    latch.open(SIGNALLED);
    expect(latch.observe(SIGNALLED.address, SIGNALLED.port, 1, 1, 0)).toBe('accept');
    expect(latch.observe(SIGNALLED.address, 0, 1, 2, 20)).toBe('unusable');
    expect(latch.observe('0.0.0.0', SIGNALLED.port, 1, 3, 40)).toBe('unusable');
    expect(latch.remote).toEqual(SIGNALLED);
  });

  it('sends nowhere and learns nothing while signalling names port 0 (a disabled stream)', () => {
    const latch = new SourceLatch();
    latch.open(SIGNALLED);
    expect(feed(latch, NAT, 2)).toEqual(['learning', 'latched']);
    latch.open({ address: SIGNALLED.address, port: 0 });
    expect(latch.remote).toBeUndefined();
    expect(latch.isLearning).toBe(false);
    expect(feed(latch, NAT, 5, 200)).toEqual(new Array(5).fill('stray'));
    expect(feed(latch, SIGNALLED, 2, 300)).toEqual(['stray', 'stray']);
    expect(latch.remote).toBeUndefined();

    // A re-INVITE that enables the stream again reopens learning.
    latch.open(SIGNALLED);
    expect(latch.remote).toEqual(SIGNALLED);
    expect(feed(latch, NAT, 2, 400)).toEqual(['learning', 'latched']);
  });

  it('treats c=0.0.0.0 (RFC 3264 §8.4 hold) like a disabled stream, even when relatching is allowed', () => {
    const latch = new SourceLatch({ relatchAfterSilenceMs: 1000 });
    latch.open({ address: '0.0.0.0', port: SIGNALLED.port });
    expect(latch.remote).toBeUndefined();
    expect(latch.observe(NAT.address, NAT.port, 1, 1, 60_000)).toBe('stray');
    expect(latch.observe(NAT.address, NAT.port, 1, 2, 60_020)).toBe('stray');
    expect(latch.remote).toBeUndefined();
  });

  it('gives the stream back to the signalled address when another source latched first', () => {
    const latch = new SourceLatch();
    latch.open(SIGNALLED);
    // A stream meant for the port's previous holder, still arriving.
    expect(feed(latch, NAT, 3)).toEqual(['learning', 'latched', 'accept']);
    expect(latch.onSignalled).toBe(false);
    expect(latch.observe(SIGNALLED.address, SIGNALLED.port, 0x123, 7, 100)).toBe('latched');
    expect(latch.remote).toEqual(SIGNALLED);
    expect(latch.onSignalled).toBe(true);
    // The other source cannot take it again, in sequence or not.
    expect(feed(latch, NAT, 4, 103)).toEqual(new Array(4).fill('stray'));
    expect(latch.observe(SIGNALLED.address, SIGNALLED.port, 0x123, 8, 120)).toBe('accept');
  });
});
