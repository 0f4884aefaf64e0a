/**
 * Builds the HTTP server from already-open parts. No I/O happens here besides what Fastify does on
 * `listen`, so tests build the same server and drive it with `inject`.
 */
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { Clock } from '@switchboard/kernel';
import type { Config } from './config/config';
import { CallRecordRepository } from './call-records/call-record-repository';
import { callRecordRoutes } from './call-records/call-record-routes';
import { CallRecordService } from './call-records/call-record-service';
import { maskPhoneNumber } from './customers/caller-identity';
import { createCustomers } from './customers/customers';
import { customerRoutes } from './customers/customer-routes';
import { registerErrorHandling } from './http/error-handling';
import { closeConnectionsWhileStopping } from './http/graceful-shutdown';
import { registerHealthRoute, type Readiness } from './http/health';
import { registerMetrics } from './http/metrics';
import { registerOpenApi } from './http/openapi';
import { requestLogSerializers } from './http/request-log';
import { registerAccessControl } from './identity/access-control';
import { registerIdentityRoutes, SESSION_COOKIE_NAME, type IdentityServices } from './identity/identity';
import { RoutingConfigRepository } from './routing-config/routing-config-repository';
import { recordingsRoot } from './recordings/call-recordings';
import { RecordingRepository } from './recordings/recording-repository';
import { recordingRoutes } from './recordings/recording-routes';
import type { RecordingsTables } from './recordings/recordings-tables';
import { routingConfigRoutes } from './routing-config/routing-config-routes';
import type { Database } from './store/database';
import type { EventStoreTables } from './store/event-store-migrations';
import type { TelephonyTables } from './telephony/telephony-tables';
import { selectSipSubprotocol, sipWebSocketRoutes } from './telephony/transport/sip-websocket-route';
import { NO_TRUNK_RUNTIME, TrunkAdmin, type TrunkRuntimePort } from './telephony/trunks/trunk-admin';
import { trunkRoutes } from './telephony/trunks/trunk-routes';
import { uuidV7Ids } from './uuid-v7';
import type { WebSocketTransport } from './telephony/transport/websocket-transport';

export interface ServerParts {
  readonly config: Config;
  readonly logger: FastifyBaseLogger;
  readonly database: Database;
  readonly identity: IdentityServices;
  readonly readiness: Readiness;
  readonly clock: Clock;
  readonly version: string;
  /** For tests that read metrics; a fresh registry otherwise. */
  readonly metricsRegistry?: Registry;
  /** SIP over WebSocket (RFC 7118), mounted at `/sip` when given. */
  readonly sipWebSocket?: WebSocketTransport;
  /** PEM certificate chain and key (read from `config.http.tlsCert`/`tlsKey`): serve HTTPS and WSS. */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
  /** Agent API, statistics and the `/api/v1/events` WebSocket (contact-flow and realtime). */
  readonly contactCenter?: { registerRoutes(app: FastifyInstance): Promise<void> };
  /** The SIP side of the trunks (reload after changes, status); the API alone reports none running. */
  readonly trunks?: TrunkRuntimePort;
}

/** The Fastify instance with every context's routes, not yet listening. */
export async function buildServer(parts: ServerParts): Promise<FastifyInstance> {
  const { config } = parts;
  const app = Fastify({
    // Request lines log the path without its query string and with phone numbers masked.
    loggerInstance: parts.logger.child({}, { serializers: requestLogSerializers(maskPhoneNumber) }),
    // The proxies' addresses, never `true`: Fastify would then take the left-most X-Forwarded-For
    // entry, which the client writes (forged audit IPs, login-throttle bypass).
    trustProxy: config.http.trustProxy.length > 0 ? [...config.http.trustProxy] : false,
    genReqId: () => randomUUID(),
    // Reject unknown properties (so typos are named) and report every invalid field, not the first.
    ajv: { customOptions: { removeAdditional: false, allErrors: true } },
    // Keep-alive connections are closed once idle during shutdown instead of holding it open.
    forceCloseConnections: 'idle',
    // An HTTPS server is an HTTP server to every route; only Fastify's generic type tells them apart.
    ...((parts.https === undefined ? {} : { https: parts.https }) as object),
  });
  registerErrorHandling(app);
  closeConnectionsWhileStopping(app, parts.readiness);
  await app.register(cookie);
  // One WebSocket server for every upgrade route; 256 KiB bounds a frame before any handler sees it.
  await app.register(websocket, {
    options: { maxPayload: 256 * 1024, handleProtocols: selectSipSubprotocol },
  });
  // The gate goes in before any route so that no route can be added outside it.
  registerAccessControl(app, {
    authenticate: (credential) => parts.identity.login.authenticate(credential),
    sessionCookieName: SESSION_COOKIE_NAME,
  });
  await registerOpenApi(app, { version: parts.version, sessionCookieName: SESSION_COOKIE_NAME });
  registerMetrics(app, {
    token: config.http.metricsToken,
    ...(parts.metricsRegistry ? { registry: parts.metricsRegistry } : {}),
  });
  registerHealthRoute(app, {
    readiness: parts.readiness,
    probe: async () => {
      await (parts.database.db as Kysely<unknown>).selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    },
    version: parts.version,
    startedAt: parts.clock.now(),
    now: () => parts.clock.now(),
  });
  await registerIdentityRoutes(app, parts.identity, config.auth);
  await app.register(routingConfigRoutes, { repository: new RoutingConfigRepository(parts.database.db) });
  await app.register(customerRoutes, {
    services: createCustomers({ database: parts.database }),
    audit: parts.identity.audit,
    clock: parts.clock,
  });
  await app.register(trunkRoutes, {
    admin: new TrunkAdmin(
      parts.database.db as Kysely<TelephonyTables>,
      parts.identity.audit,
      uuidV7Ids(parts.clock),
      parts.clock,
      parts.trunks ?? NO_TRUNK_RUNTIME,
    ),
  });
  await app.register(callRecordRoutes, {
    records: new CallRecordService(
      new CallRecordRepository(parts.database.db as Kysely<EventStoreTables>),
      new RecordingRepository(parts.database.db as Kysely<RecordingsTables>),
    ),
  });
  await app.register(recordingRoutes, {
    repository: new RecordingRepository(parts.database.db as Kysely<RecordingsTables>),
    root: recordingsRoot(config.db.dataDir),
    audit: parts.identity.audit,
  });
  if (parts.sipWebSocket) {
    await app.register(sipWebSocketRoutes, {
      transport: parts.sipWebSocket,
      trustProxy: config.http.trustProxy,
      allowedOrigins: config.http.allowedOrigins,
    });
  }
  if (parts.contactCenter) await parts.contactCenter.registerRoutes(app);
  return app;
}
