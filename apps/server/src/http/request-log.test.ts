import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startTestServer, type TestServer } from '../../test/support/test-server';
import { maskPhoneNumber } from '../customers/caller-identity';
import { seedDemoCustomers } from '../customers/seed-demo-customers';
import { buildServer } from '../server';
import { uuidV7Ids } from '../uuid-v7';
import { loggablePath } from './request-log';

describe('loggablePath', () => {
  it.each([
    ['/api/v1/customers/lookup?phone=13912345678', '/api/v1/customers/lookup'],
    ['/api/v1/customers/13912345678', '/api/v1/customers/139****5678'],
    ['/x/%2B8613912345678/y', '/x/139****5678/y'],
    ['/x/139%201234%205678', '/x/139****5678'],
    ['/x/010-8765-4321#frag', '/x/010****4321'],
    ['/x/%ZZ/139%201234%205678', '/x/ ZZ/139****5678'],
    ['/api/v1/users/0193f5a2-7c3d', '/api/v1/users/0193f5a2-7c3d'],
    ['/short/123456', '/short/123456'],
  ])('%s → %s', (url, logged) => {
    expect(loggablePath(url, maskPhoneNumber)).toBe(logged);
  });
});

describe('request log lines', () => {
  let server: TestServer;
  let app: FastifyInstance;
  const lines: string[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    await seedDemoCustomers({ database: server.database, ids: uuidV7Ids(server.clock), clock: server.clock });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    // The production server over the test server's parts, logging at info into `lines`.
    app = await buildServer({
      config: server.config,
      logger: pino({ level: 'info' }, sink),
      database: server.database,
      identity: server.identity,
      readiness: server.readiness,
      clock: server.clock,
      version: 'test',
      metricsRegistry: new Registry(),
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await server.close();
  });

  it('never hold a phone number from the path or the query string', async () => {
    const cookie = await server.login('agent1', 'demo-agent');
    for (const url of [
      `/api/v1/customers/lookup?phone=${encodeURIComponent('+86 139 1234 5678')}`,
      '/api/v1/customers/lookup?phone=13912345678',
      '/api/v1/customers/13912345678',
      '/api/v1/customers/139%201234%205678?phone=13912345678',
      '/no/such/route/13912345678?phone=13912345678',
    ])
      await app.inject({ url, headers: { cookie } });
    const incoming = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'incoming request');
    expect(incoming.map((l) => [l.req.url, l.req.route])).toEqual([
      ['/api/v1/customers/lookup', '/api/v1/customers/lookup'],
      ['/api/v1/customers/lookup', '/api/v1/customers/lookup'],
      ['/api/v1/customers/139****5678', '/api/v1/customers/:id'],
      ['/api/v1/customers/139****5678', '/api/v1/customers/:id'],
      ['/no/such/route/139****5678', undefined],
    ]);
    expect(lines.filter((l) => l.includes('request completed'))).toHaveLength(5);
    const all = lines.join('\n');
    expect(all).not.toMatch(/13912345678|1234(%20| )?5678|phone=/);
  });
});
