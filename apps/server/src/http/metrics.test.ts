import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { registerMetrics } from './metrics';

describe('metrics without a token', () => {
  let app: FastifyInstance;
  let trusting: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    registerMetrics(app, { token: undefined, registry: new Registry() });
    trusting = Fastify({ trustProxy: true });
    registerMetrics(trusting, { token: undefined, registry: new Registry() });
    await Promise.all([app.ready(), trusting.ready()]);
  });
  afterAll(() => Promise.all([app.close(), trusting.close()]));

  it('serves a client on this host', async () => {
    expect((await app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
  });

  it('refuses a request relayed by a reverse proxy on this host', async () => {
    for (const headers of [
      { 'x-forwarded-for': '203.0.113.9' },
      { forwarded: 'for=203.0.113.9' },
      { 'x-real-ip': '203.0.113.9' },
    ]) {
      const res = await app.inject({ url: '/metrics', remoteAddress: '127.0.0.1', headers });
      expect(res.statusCode).toBe(403);
    }
  });

  it('does not take a forwarded loopback address for the client when proxies are trusted', async () => {
    const res = await trusting.inject({
      url: '/metrics',
      remoteAddress: '203.0.113.9',
      headers: { 'x-forwarded-for': '127.0.0.1' },
    });
    expect(res.statusCode).toBe(403);
  });
});
