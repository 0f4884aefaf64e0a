/**
 * A real server for HTTP tests, driven through Fastify's `inject`: the production `buildServer` over
 * a migrated SQLite database in a temp dir (or any opened database), with the demo shop seeded and a
 * cheap password hash so tests stay fast. A test may bring its own clock and mount more parts (the
 * contact center in `contact-center-server.ts`) beside the HTTP API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { unwrap, type Clock, type IdGenerator, type TenantId, type UserId } from '@switchboard/kernel';
import { loadConfig, type AuthConfig, type Config } from '../../src/config/config';
import { seedDemoShop } from '../../src/demo/seed-demo-shop';
import { Readiness } from '../../src/http/health';
import { createIdentity, type IdentityServices } from '../../src/identity/identity';
import { TenantRepository } from '../../src/identity/tenant-repository';
import { UserRepository } from '../../src/identity/user-repository';
import { serverMigrations } from '../../src/migrations';
import { buildServer, type ServerParts } from '../../src/server';
import { migrate, openDatabase, type Database } from '../../src/store/database';
import { uuidV7Ids } from '../../src/uuid-v7';
import { testHasher } from './test-hasher';

/** Every migration the server runs. */
export const ALL_MIGRATIONS = serverMigrations;

export { testHasher };

/** A clock tests can move. */
export interface TestClock extends Clock {
  advance(ms: number): void;
}

export function testClock(start = Date.parse('2026-11-23T08:00:00Z')): TestClock {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

export interface TestServer {
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly identity: IdentityServices;
  readonly readiness: Readiness;
  readonly config: Config;
  readonly clock: TestClock;
  readonly metrics: Registry;
  /** Logs in and returns the `cookie` header value carrying the session. */
  login(username: string, password: string, tenant?: string): Promise<string>;
  close(): Promise<void>;
}

/** What a mount is built from: the server's migrated, seeded database and its services. */
export interface TestServerCore {
  readonly database: Database;
  readonly identity: IdentityServices;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /** The demo shop's tenant; undefined when the demo shop was not seeded. */
  readonly demoTenantId: TenantId | undefined;
}

/** Parts mounted beside the HTTP API; stopped before the server closes. */
export interface TestServerMount {
  readonly routes: NonNullable<ServerParts['contactCenter']>;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  readonly auth?: Partial<AuthConfig>;
  readonly seedDemo?: boolean;
  readonly database?: Database;
  readonly ids?: IdGenerator;
  readonly metricsToken?: string;
  /** More environment variables for the configuration (`TRUST_PROXY`, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** The server's clock; a `VirtualClock` when timers must move only when the test says so. */
  readonly clock?: TestClock;
  /** Builds parts to mount beside the HTTP API, once the database is migrated and seeded. */
  readonly mount?: (core: TestServerCore) => Promise<TestServerMount>;
  /** Listens on an ephemeral loopback port, for clients that need a socket, not just `inject`. */
  readonly listen?: boolean;
}

/** Builds a ready server; call `close()` in `afterEach`/`afterAll`. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-http-'));
  const env = { ...options.env, ...(options.metricsToken ? { METRICS_TOKEN: options.metricsToken } : {}) };
  const base = unwrap(loadConfig([], env, dataDir));
  const config: Config = { ...base, auth: { ...base.auth, ...options.auth } };
  const database = options.database ?? (await openDatabase({ dataDir }));
  await migrate(database, ALL_MIGRATIONS);
  const clock = options.clock ?? testClock();
  const ids = options.ids ?? uuidV7Ids(clock);
  const identity = await createIdentity({ database, auth: config.auth, clock, ids, hasher: testHasher });
  const demo =
    (options.seedDemo ?? true) ? await seedDemoShop({ database, hasher: testHasher, ids, clock }) : undefined;
  const logger = pino({ level: 'silent' });
  const mounted = await options.mount?.({ database, identity, ids, logger, demoTenantId: demo?.tenantId });
  const readiness = new Readiness();
  const metrics = new Registry();
  const app = await buildServer({
    config,
    logger,
    database,
    identity,
    readiness,
    clock,
    version: 'test',
    metricsRegistry: metrics,
    ...(mounted ? { contactCenter: mounted.routes } : {}),
  });
  if (options.listen) await app.listen({ host: '127.0.0.1', port: 0 });
  else await app.ready();
  readiness.markReady();
  return {
    app,
    database,
    identity,
    readiness,
    config,
    clock,
    metrics,
    async login(username, password, tenant = 'demo') {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { tenant, username, password },
      });
      if (res.statusCode !== 200)
        throw new Error(`login ${tenant}/${username} failed: ${res.statusCode} ${res.body}`);
      return sessionCookie(res);
    },
    async close() {
      await mounted?.stop();
      await app.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The `name=value` pair of the session cookie set by a login response. */
export function sessionCookie(res: LightMyRequestResponse): string {
  const cookie = res.cookies.find((c) => c.name === 'sb_session');
  if (cookie === undefined) throw new Error('no session cookie in response');
  return `sb_session=${cookie.value}`;
}

/** Adds a second tenant with one admin, for isolation tests. Returns the admin's id. */
export async function addTenantWithAdmin(
  server: TestServer,
  slug: string,
  username: string,
  password: string,
): Promise<string> {
  const db = server.database.db;
  const now = new Date(server.clock.now()).toISOString();
  const tenantId = `tenant-${slug}` as TenantId;
  await new TenantRepository(db).insert({ id: tenantId, slug, name: `${slug} Ltd` }, now);
  const userId = `user-${slug}-${username}` as UserId;
  const user = {
    id: userId,
    tenantId,
    username,
    displayName: username,
    departmentId: null,
    roles: ['admin'] as const,
    createdAt: now,
    disabledAt: null,
  };
  await new UserRepository(db).insert(user, await testHasher.hash(password));
  return userId;
}
