import { describe, expect, it } from 'vitest';
import { callQuality, g711Mos } from './call-quality';

describe('g711Mos (ITU-T G.107 E-model, G.711 with concealment)', () => {
  it('scores a clean call at the G.711 ceiling of about 4.4', () => {
    expect(g711Mos(0, 0, 0)).toBeCloseTo(4.4, 2);
  });

  it('takes loss at G.113’s Bpl of 25.1: 1 % costs a little, 5 % about half a point', () => {
    expect(g711Mos(1, 0, 0)).toBeCloseTo(4.316, 2);
    expect(g711Mos(5, 0, 0)).toBeCloseTo(3.903, 2);
    expect(g711Mos(100, 0, 0)).toBeCloseTo(1.165, 2);
  });

  it('charges delay beyond 177 ms one way far more than below it', () => {
    const near = g711Mos(0, 0, 100) - g711Mos(0, 0, 0);
    const far = g711Mos(0, 0, 300) - g711Mos(0, 0, 200);
    expect(g711Mos(0, 0, 300)).toBeCloseTo(3.589, 2);
    expect(far).toBeLessThan(4 * near);
  });

  it('counts jitter as the buffer that absorbs it, twice its size', () => {
    expect(g711Mos(0, 50, 0)).toBeCloseTo(g711Mos(0, 0, 100), 10);
  });

  it('stays within 1 and 4.5 whatever it is given', () => {
    const cases = [
      [0, 0, -1000],
      [250, 0, 0],
      [100, 500, 5000],
    ] as const;
    for (const [loss, jitter, delay] of cases) {
      const mos = g711Mos(loss, jitter, delay);
      expect(mos).toBeGreaterThanOrEqual(1);
      expect(mos).toBeLessThanOrEqual(4.5);
    }
  });
});

describe('callQuality', () => {
  const received = { packetsReceived: 980, packetsExpected: 1000, cumulativeLost: 20, jitterMs: 3.456 };

  it('scores both directions from our statistics and the far end’s last report, with the round trip', () => {
    const q = callQuality(received, 1500, { cumulativeLost: 15, jitterMs: 7.25, roundTripMs: 41.26 });
    expect(q).toEqual({
      packetsReceived: 980,
      packetsLost: 20,
      inbound: { lossPct: 2, jitterMs: 3.5, mos: expect.any(Number) },
      outbound: { lossPct: 1, jitterMs: 7.3, mos: expect.any(Number) },
      roundTripMs: 41.3,
    });
    expect(q.inbound.mos).toBeCloseTo(g711Mos(2, 3.456, 20.63), 2);
    expect(q.outbound?.mos).toBeCloseTo(g711Mos(1, 7.25, 20.63), 2);
  });

  it('has no outbound figures without a report, and no round trip without an answered SR', () => {
    expect(callQuality(received, 1500, undefined)).toMatchObject({ outbound: null, roundTripMs: null });
    expect(
      callQuality(received, 1500, { cumulativeLost: 0, jitterMs: 1, roundTripMs: undefined }),
    ).toMatchObject({
      outbound: { lossPct: 0 },
      roundTripMs: null,
    });
  });

  it('reads nothing received as no loss, and never more than all of it lost', () => {
    const silent = callQuality(
      { packetsReceived: 0, packetsExpected: 0, cumulativeLost: 0, jitterMs: 0 },
      0,
      {
        cumulativeLost: 30,
        jitterMs: 0,
        roundTripMs: undefined,
      },
    );
    expect(silent.inbound.lossPct).toBe(0);
    expect(silent.outbound?.lossPct).toBe(0);
    // Duplicates make cumulative loss negative (RFC 3550 §6.4.1): counted as none.
    const duplicated = callQuality({ ...received, cumulativeLost: -4 }, 10, {
      cumulativeLost: 50,
      jitterMs: 0,
      roundTripMs: undefined,
    });
    expect(duplicated.packetsLost).toBe(0);
    expect(duplicated.outbound?.lossPct).toBe(100);
  });
});
