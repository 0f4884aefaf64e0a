/**
 * The telephony context on loopback for tests with real SIP peers: a migrated SQLite database in a
 * temp dir with the demo shop and its demo phones (extensions 1001–1005, password `demo-phone`),
 * UDP and TCP on free ports, and optionally the HTTP server with the `/sip` WebSocket route.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import { Registry } from 'prom-client';
import type { SipConfig } from '../../src/config/config';
import { seedDemoShop } from '../../src/demo/seed-demo-shop';
import { migrate, openDatabase, type Database } from '../../src/store/database';
import {
  DEMO_SIP_PASSWORD,
  seedDemoSipCredentials,
} from '../../src/telephony/registrar/demo-sip-credentials';
import type { RegisterPolicy } from '../../src/telephony/registrar/apply-register';
import { DEFAULT_REGISTER_POLICY } from '../../src/telephony/registrar/registrar';
import { nodeDigestHash } from '../../src/telephony/sip-node-ports';
import type { TransportLimits } from '../../src/telephony/sip-transports';
import { createTelephony, type Telephony, type TelephonyLogger } from '../../src/telephony/telephony';
import { telephonyMigrations } from '../../src/telephony/telephony-migrations';
import { selectSipSubprotocol, sipWebSocketRoutes } from '../../src/telephony/transport/sip-websocket-route';
import { uuidV7Ids } from '../../src/uuid-v7';
import { ALL_MIGRATIONS, testClock, testHasher, type TestClock } from './test-server';

export { DEMO_SIP_PASSWORD };

/** SIP settings for tests: loopback, a known realm and nonce secret, generous limits. */
export function testSipConfig(overrides: Partial<SipConfig> = {}): SipConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    tlsPort: 0,
    tlsCert: undefined,
    tlsKey: undefined,
    realm: 'switchboard',
    digestAlgorithms: ['SHA-256', 'MD5'],
    nonceSecret: 'test-nonce-secret-0123456789',
    rateLimitPerSecond: 1000,
    rateLimitBurst: 1000,
    banAfterAuthFailures: 1000,
    banSeconds: 600,
    dropScanners: true,
    ...overrides,
  };
}

export interface SipTestStack {
  readonly telephony: Telephony;
  readonly database: Database;
  readonly metrics: Registry;
  readonly clock: TestClock;
  readonly ports: { udp: number; tcp: number; tls?: number };
  /** The HTTP port serving `/sip` over WebSocket, when `http` was asked for. */
  readonly httpPort?: number;
  /** The (tenant, user) ids of a demo agent (`agent1` owns extension 1001). */
  agent(username: string): Promise<{ tenantId: string; userId: string }>;
  /** The value of a metric series, 0 when absent. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export interface SipTestStackOptions {
  readonly sip?: Partial<SipConfig>;
  readonly limits?: Partial<TransportLimits>;
  readonly policy?: Partial<RegisterPolicy>;
  readonly http?: boolean;
  /** Serve `/sip` over HTTPS with this certificate: SIP over secure WebSocket (WSS). */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
  /** The clock runs on real time unless a test moves it. */
  readonly realTime?: boolean;
  /** Server transactions alive at once per source (the 503 limit). */
  readonly maxServerTransactionsPerSource?: number;
  /** Telephony's log; by default only errors, on the console. */
  readonly logger?: TelephonyLogger;
}

/** Starts the stack; call `close()` in `afterAll`. */
export async function startSipTestStack(options: SipTestStackOptions = {}): Promise<SipTestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sip-'));
  const database = await openDatabase({ dataDir });
  await migrate(database, { ...ALL_MIGRATIONS, ...telephonyMigrations });
  const clock = options.realTime === false ? testClock() : realClock();
  // Open around the clock: these tests run on real time, at any hour.
  await seedDemoShop({
    database,
    hasher: testHasher,
    ids: uuidV7Ids(clock),
    clock,
    hours: { opens: '00:00', closes: '24:00' },
  });
  const sip = testSipConfig(options.sip);
  await seedDemoSipCredentials({ database, realm: sip.realm, clock, hash: nodeDigestHash });
  const metrics = new Registry();
  const telephony = createTelephony({
    sip,
    database,
    clock,
    logger: options.logger ?? {
      info: () => undefined,
      warn: () => undefined,
      error: (o, m) => console.error(m, o),
    },
    metricsRegistry: metrics,
    ...(options.limits ? { limits: options.limits } : {}),
    registerPolicy: { ...DEFAULT_REGISTER_POLICY, ...options.policy },
    ...(options.maxServerTransactionsPerSource === undefined
      ? {}
      : { maxServerTransactionsPerSource: options.maxServerTransactionsPerSource }),
    webSocketProtocol: options.https === undefined ? 'WS' : 'WSS',
  });
  const ports = await telephony.start();
  const app =
    options.http === true || options.https !== undefined
      ? await startHttp(telephony, options.https)
      : undefined;
  const address = app?.server.address();
  return {
    telephony,
    database,
    metrics,
    clock,
    ports,
    ...(address && typeof address === 'object' ? { httpPort: address.port } : {}),
    async agent(username) {
      const row = await database.db
        .selectFrom('users')
        .select(['id', 'tenant_id'])
        .where('username', '=', username)
        .executeTakeFirstOrThrow();
      return { tenantId: row.tenant_id as string, userId: row.id as string };
    },
    async metric(name, labels = {}) {
      const metric = await metrics.getSingleMetric(name)?.get();
      const match = metric?.values.filter((v) =>
        Object.entries(labels).every(([k, value]) => String(v.labels[k]) === value),
      );
      return (match ?? []).reduce((sum, v) => sum + v.value, 0);
    },
    async close() {
      await app?.close();
      await telephony.stop();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A real-time clock that can still be moved forward (ban and expiry tests). */
function realClock(): TestClock {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => void (offset += ms) };
}

async function startHttp(
  telephony: Telephony,
  https?: { readonly cert: Buffer; readonly key: Buffer },
): Promise<FastifyInstance> {
  // An HTTPS server serves the same routes; only Fastify's generic type tells them apart.
  const app = Fastify((https === undefined ? {} : { https }) as object);
  await app.register(websocket, { options: { handleProtocols: selectSipSubprotocol } });
  await app.register(sipWebSocketRoutes, { transport: telephony.webSocket });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return app;
}
