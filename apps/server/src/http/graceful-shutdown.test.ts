import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { closeConnectionsWhileStopping, GracefulShutdown } from './graceful-shutdown';
import { Readiness } from './health';

const quiet = { info: () => undefined, error: () => undefined };

function setup(timeoutMs = 5_000) {
  const readiness = new Readiness();
  readiness.markReady();
  const exits: number[] = [];
  const shutdown = new GracefulShutdown({
    readiness,
    logger: quiet,
    timeoutMs,
    exit: (code) => exits.push(code),
  });
  return { readiness, exits, shutdown };
}

describe('GracefulShutdown', () => {
  it('marks the server stopping, runs steps in reverse order, then exits 0', async () => {
    const { readiness, exits, shutdown } = setup();
    const order: string[] = [];
    shutdown.add('database', async () => void order.push(`database (health: ${readiness.state})`));
    shutdown.add('http', async () => void order.push('http'));
    await shutdown.shutdown('SIGTERM');
    expect(order).toEqual(['http', 'database (health: stopping)']);
    expect(exits).toEqual([0]);
  });

  it('runs once however often it is asked', async () => {
    const { exits, shutdown } = setup();
    let runs = 0;
    shutdown.add('count', async () => void runs++);
    await Promise.all([shutdown.shutdown('SIGTERM'), shutdown.shutdown('SIGINT')]);
    expect(runs).toBe(1);
    expect(exits).toEqual([0]);
  });

  it('still runs later steps when one fails, and exits 1', async () => {
    const { exits, shutdown } = setup();
    let databaseClosed = false;
    shutdown.add('database', async () => void (databaseClosed = true));
    shutdown.add('http', async () => {
      throw new Error('boom');
    });
    await shutdown.shutdown('SIGTERM');
    expect(databaseClosed).toBe(true);
    expect(exits).toEqual([1]);
  });

  it('exits 1 after a failed start-up, having closed what was opened', async () => {
    const { exits, shutdown } = setup();
    let closed = false;
    shutdown.add('database', async () => void (closed = true));
    await shutdown.shutdown('start-up failed', true);
    expect(closed).toBe(true);
    expect(exits).toEqual([1]);
  });

  it('exits 1 when a step outlives the timeout', async () => {
    const { exits, shutdown } = setup(50);
    shutdown.add('stuck', () => new Promise(() => undefined));
    void shutdown.shutdown('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    expect(exits).toEqual([1]);
  });

  it('lets an in-flight request finish before the database closes', async () => {
    const { exits, shutdown, readiness } = setup();
    const app = Fastify();
    closeConnectionsWhileStopping(app, readiness);
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const handlerEntered = new Promise<void>((r) => (entered = r));
    let databaseOpen = true;
    app.get('/slow', async () => {
      const released = new Promise<void>((r) => (release = r));
      entered();
      await released;
      return { databaseOpen };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    shutdown.add('database', async () => void (databaseOpen = false));
    shutdown.add('http', () => app.close());
    const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
    await handlerEntered;
    const stopping = shutdown.shutdown('SIGTERM');
    await new Promise((r) => setImmediate(r));
    expect(exits).toEqual([]);
    release();
    const res = await inFlight;
    expect(await res.json()).toEqual({ databaseOpen: true });
    await stopping;
    expect(databaseOpen).toBe(false);
    expect(exits).toEqual([0]);
  });
});
