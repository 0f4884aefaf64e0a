import { describe, expect, it } from 'vitest';
import { TimestampUnwrapper, isNewerSequence, sequenceDelta, timestampDelta } from './sequence';

describe('sequence and timestamp arithmetic', () => {
  it('takes the short way round at the 16-bit wrap', () => {
    expect(sequenceDelta(2, 65534)).toBe(4);
    expect(sequenceDelta(65534, 2)).toBe(-4);
    expect(isNewerSequence(0, 65535)).toBe(true);
    expect(isNewerSequence(65535, 0)).toBe(false);
  });

  it('takes the short way round at the 32-bit wrap', () => {
    expect(timestampDelta(80, 0xffffff60)).toBe(240);
    expect(timestampDelta(0xffffff60, 80)).toBe(-240);
  });

  it('unwraps timestamps across the wrap, in either direction', () => {
    const u = new TimestampUnwrapper();
    expect(u.unwrap(0xffffff60)).toBe(0xffffff60);
    expect(u.unwrap(0)).toBe(0x1_0000_0000);
    expect(u.unwrap(160)).toBe(0x1_0000_00a0);
    expect(u.unwrap(0xffffffa0)).toBe(0xffffffa0);
    u.reset();
    expect(u.unwrap(5)).toBe(5);
  });
});
