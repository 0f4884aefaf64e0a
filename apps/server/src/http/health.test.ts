import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerHealthRoute, Readiness } from './health';

async function healthApp(probe: () => Promise<void> = async () => undefined) {
  const app = Fastify();
  const readiness = new Readiness();
  registerHealthRoute(app, { readiness, probe, version: '1.2.3', startedAt: 0, now: () => 5_000 });
  await app.ready();
  return { app, readiness };
}

describe('GET /health', () => {
  it('answers 503 while starting, 200 when ready, 503 again while stopping', async () => {
    const { app, readiness } = await healthApp();
    expect((await app.inject('/health')).statusCode).toBe(503);
    readiness.markReady();
    const ready = await app.inject('/health');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', version: '1.2.3', uptimeSeconds: 5 });
    readiness.markStopping();
    const stopping = await app.inject('/health');
    expect(stopping.statusCode).toBe(503);
    expect(stopping.json().status).toBe('stopping');
    await app.close();
  });

  it('answers 503 when the database does not answer', async () => {
    const { app, readiness } = await healthApp(async () => {
      throw new Error('closed');
    });
    readiness.markReady();
    const res = await app.inject('/health');
    expect(res.statusCode).toBe(503);
    expect(res.json().status).toBe('unavailable');
    await app.close();
  });

  it('does not go back to ready once stopping', () => {
    const readiness = new Readiness();
    readiness.markStopping();
    readiness.markReady();
    expect(readiness.state).toBe('stopping');
  });
});
