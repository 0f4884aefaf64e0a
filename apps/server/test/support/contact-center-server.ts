/**
 * The production `buildServer` with the contact flow and real-time parts mounted, over a migrated
 * SQLite database with the demo shop, on a virtual clock (routing timers and statistics snapshots
 * move only when the test says so). Like `test-server.ts`, plus the contact center.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { unwrap, type TenantId } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { loadConfig } from '../../src/config/config';
import { createContactFlow, type ContactFlow } from '../../src/contact-flow/contact-flow';
import { seedDemoShop } from '../../src/demo/seed-demo-shop';
import { Readiness } from '../../src/http/health';
import { createIdentity, type IdentityServices } from '../../src/identity/identity';
import { contactCenterRoutes, createRealtime, type Realtime } from '../../src/realtime/realtime';
import { buildServer } from '../../src/server';
import { migrate, openDatabase, type Database } from '../../src/store/database';
import { uuidV7Ids } from '../../src/uuid-v7';
import { recordingTelephony } from './routing-host-harness';
import { ALL_MIGRATIONS, sessionCookie, testHasher } from './test-server';

export interface ContactCenterServer {
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly identity: IdentityServices;
  readonly clock: VirtualClock;
  readonly flow: ContactFlow;
  readonly realtime: Realtime;
  readonly telephony: ReturnType<typeof recordingTelephony>;
  readonly tenantId: TenantId;
  /** A demo user's id by username. */
  userId(username: string): Promise<string>;
  login(username: string, password: string, tenant?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startContactCenterServer(
  options: { listen?: boolean } = {},
): Promise<ContactCenterServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-cc-'));
  const config = unwrap(loadConfig([], {}, dataDir));
  const database = await openDatabase({ dataDir });
  await migrate(database, ALL_MIGRATIONS);
  const clock = new VirtualClock(Date.parse('2026-11-23T08:00:00Z'));
  const ids = uuidV7Ids(clock);
  const identity = await createIdentity({ database, auth: config.auth, clock, ids, hasher: testHasher });
  const { tenantId } = await seedDemoShop({ database, hasher: testHasher, ids, clock });
  const logger = pino({ level: 'silent' });
  const telephony = recordingTelephony();
  const realtime = createRealtime({ database, identity, clock, timers: clock, logger });
  const flow = createContactFlow({
    database,
    identity,
    clock,
    timers: clock,
    ids,
    logger,
    telephony,
    listener: realtime.listener,
  });
  await flow.start();
  const readiness = new Readiness();
  const app = await buildServer({
    config,
    logger,
    database,
    identity,
    readiness,
    clock,
    version: 'test',
    metricsRegistry: new Registry(),
    contactCenter: contactCenterRoutes(flow, realtime),
  });
  if (options.listen) await app.listen({ host: '127.0.0.1', port: 0 });
  else await app.ready();
  readiness.markReady();
  return {
    app,
    database,
    identity,
    clock,
    flow,
    realtime,
    telephony,
    tenantId,
    async userId(username) {
      const users = await identity.users.list(tenantId);
      return users.find((u) => u.username === username)!.id;
    },
    async login(username, password, tenant = 'demo') {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { tenant, username, password },
      });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      return sessionCookie(res);
    },
    async close() {
      realtime.stop();
      await flow.stop();
      await app.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
