import { describe, expect, it } from 'vitest';
import { decodeTelephoneEvent, encodeTelephoneEvent } from '../dtmf/telephone-event';
import { multiplyRtpTimestamp, rescaleTelephoneEvent } from './rtp-clock-rate';
import { timestampDelta } from './sequence';

describe('multiplyRtpTimestamp', () => {
  it('moves an 8 kHz timeline to 48 kHz: 20 ms steps of 160 become steps of 960', () => {
    expect(multiplyRtpTimestamp(160, 6)).toBe(960);
    expect(
      timestampDelta(multiplyRtpTimestamp(123_456_789 + 160, 6), multiplyRtpTimestamp(123_456_789, 6)),
    ).toBe(960);
  });

  it('stays continuous across the wrap of either clock', () => {
    const before = 0xffffff60; // 2^32 − 160
    expect(timestampDelta(multiplyRtpTimestamp(0, 6), multiplyRtpTimestamp(before, 6))).toBe(960);
    const nearWrap48 = Math.floor(0xffffffff / 6);
    expect(
      timestampDelta(multiplyRtpTimestamp(nearWrap48 + 160, 6), multiplyRtpTimestamp(nearWrap48, 6)),
    ).toBe(960);
  });
});

describe('rescaleTelephoneEvent', () => {
  const digit5 = (duration: number, end = false) =>
    encodeTelephoneEvent({ event: 5, end, volume: 10, duration });

  it('multiplies the duration and keeps event, end bit and volume', () => {
    const up = rescaleTelephoneEvent(digit5(800, true), 6);
    expect(decodeTelephoneEvent(up)).toEqual({
      ok: true,
      value: { event: 5, end: true, volume: 10, duration: 4800 },
    });
    const down = rescaleTelephoneEvent(up, 1 / 6);
    expect(decodeTelephoneEvent(down)).toEqual({
      ok: true,
      value: { event: 5, end: true, volume: 10, duration: 800 },
    });
  });

  it('holds a duration that outgrows 16 bits at 0xffff, and leaves the input untouched', () => {
    const input = digit5(20_000);
    const up = rescaleTelephoneEvent(input, 6);
    expect(decodeTelephoneEvent(up).ok && decodeTelephoneEvent(up)).toMatchObject({
      value: { duration: 0xffff },
    });
    expect(decodeTelephoneEvent(input)).toMatchObject({ value: { duration: 20_000 } });
  });

  it('copies a truncated payload as it is', () => {
    expect(Array.from(rescaleTelephoneEvent(Uint8Array.of(5, 0x8a), 6))).toEqual([5, 0x8a]);
  });
});
