import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { sipStatusOfMediaRejection } from './media-error';
import { RtpPortPool, type RtpSocketPair } from './rtp-port-pool';
import { testPortRange } from '../../test/support/test-ports';

// Tests here expect given ports: a range of this worker's own, none the kernel hands out.
const BASE = testPortRange(40).minPort;
/** Starts at the range's first pair, for tests that follow the order. */
const FROM_THE_BOTTOM = { next: () => 0 };

describe('RtpPortPool', () => {
  it('binds even RTP ports with RTCP on the next odd port, on the configured address', async () => {
    const pool = new RtpPortPool({
      bindAddress: '127.0.0.1',
      minPort: BASE + 1,
      maxPort: BASE + 8,
      random: FROM_THE_BOTTOM,
    });
    const pairs: RtpSocketPair[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await pool.allocate();
      if (!r.ok) throw new Error(r.error.code);
      pairs.push(r.value);
    }
    expect(pairs.map((p) => p.rtpPort)).toEqual([BASE + 2, BASE + 4, BASE + 6]);
    for (const p of pairs) {
      expect(p.rtcpPort).toBe(p.rtpPort + 1);
      expect(p.rtp.address()).toMatchObject({ address: '127.0.0.1', port: p.rtpPort });
      expect(p.rtcp.address()).toMatchObject({ address: '127.0.0.1', port: p.rtcpPort });
    }
    for (const p of pairs) pool.release(p);
  });

  it('answers exhaustion with a coded rejection that signalling turns into 503, and reuses released ports last', async () => {
    const pool = new RtpPortPool({ bindAddress: '127.0.0.1', minPort: BASE + 10, maxPort: BASE + 13 });
    const a = await pool.allocate();
    const b = await pool.allocate();
    const c = await pool.allocate();
    expect(a.ok && b.ok).toBe(true);
    expect(c).toMatchObject({ ok: false, error: { code: 'MEDIA.RTP_PORTS_EXHAUSTED' } });
    if (!c.ok)
      expect(sipStatusOfMediaRejection(c.error)).toEqual({ status: 503, reason: 'Service Unavailable' });
    if (!a.ok || !b.ok) return;
    pool.release(a.value);
    pool.release(a.value);
    const d = await pool.allocate();
    expect(d).toMatchObject({ ok: true, value: { rtpPort: a.value.rtpPort } });
    if (d.ok) pool.release(d.value);
    pool.release(b.value);
    expect(pool.allocated).toBe(0);
  });

  it('starts at a random pair and wraps around the range, so processes sharing it do not start alike', async () => {
    const range = { bindAddress: '127.0.0.1', minPort: BASE + 30, maxPort: BASE + 37 };
    const order = async (random: number) => {
      const pool = new RtpPortPool({ ...range, random: { next: () => random } });
      const pairs: RtpSocketPair[] = [];
      for (let r = await pool.allocate(); r.ok; r = await pool.allocate()) pairs.push(r.value);
      for (const p of pairs) pool.release(p);
      return pairs.map((p) => p.rtpPort - BASE);
    };
    expect(await order(0)).toEqual([30, 32, 34, 36]);
    expect(await order(0.5)).toEqual([34, 36, 30, 32]);
    expect(await order(0.99)).toEqual([36, 30, 32, 34]);
    // Without a source given, pools over the default range (5,000 pairs) seldom start alike.
    const starts = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const pool = new RtpPortPool({ bindAddress: '127.0.0.1', minPort: 20000, maxPort: 29999 });
      const r = await pool.allocate();
      if (!r.ok) throw new Error(r.error.code);
      starts.add(r.value.rtpPort);
      pool.release(r.value);
    }
    expect(starts.size).toBeGreaterThan(15);
  });

  it('skips a port that another socket holds', async () => {
    const squatter = createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(BASE + 21, '127.0.0.1', () => resolve()));
    const pool = new RtpPortPool({
      bindAddress: '127.0.0.1',
      minPort: BASE + 20,
      maxPort: BASE + 23,
      random: FROM_THE_BOTTOM,
    });
    const r = await pool.allocate();
    expect(r).toMatchObject({ ok: true, value: { rtpPort: BASE + 22 } });
    expect(await pool.allocate()).toMatchObject({ ok: false, error: { code: 'MEDIA.RTP_PORTS_EXHAUSTED' } });
    if (r.ok) pool.release(r.value);
    squatter.close();
  });
});
