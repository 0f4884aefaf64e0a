/**
 * The real-time context wired together: the statistics projection, the WebSocket fan-out and
 * their routes. It listens to the routing host's stored events through one listener (statistics
 * first, so a snapshot taken on an event already counts it).
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock, DomainEvent, TenantId, Timers } from '@switchboard/kernel';
import type { ContactFlow } from '../contact-flow/contact-flow';
import type { RoutingEventListener } from '../contact-flow/tenant-routing-host';
import type { IdentityServices } from '../identity/identity';
import { RoutingConfigRepository } from '../routing-config/routing-config-repository';
import type { RoutingConfigTables } from '../routing-config/routing-config-tables';
import type { Database } from '../store/database';
import type { CallEventPublisher } from '../call-actions/call-action-journal';
import type { ScreenPopPublisher } from '../voice/voice-ports';
import type { ConnectionLimits } from './client-connection';
import { eventsRoute } from './events-route';
import { RealtimeHub } from './realtime-hub';
import { StatisticsProjection } from './statistics-projection';
import { statisticsRoutes } from './statistics-routes';
import { StatisticsService, type DisplayNames } from './statistics-service';

/** What the real-time context is built from. */
export interface RealtimeOptions {
  readonly database: Database;
  readonly identity: Pick<IdentityServices, 'users'>;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: { error(obj: object, msg: string): void };
  /** Where "today" starts for statistics, minutes east of UTC (Asia/Shanghai: 480). */
  readonly utcOffsetMinutes?: number;
  readonly statisticsIntervalMs?: number;
  readonly statisticsMinGapMs?: number;
  readonly limits?: ConnectionLimits;
  /** Origins besides the server's own whose pages may open the event stream. */
  readonly allowedOrigins?: readonly string[];
  /** Event-stream sockets one user may hold on this node; default 5. */
  readonly maxConnectionsPerUser?: number;
}

/** What the routes need from routing. */
export interface RealtimeRouteDeps {
  readonly ensureTenant: (tenantId: TenantId) => Promise<unknown>;
  readonly agentQueues: (tenantId: TenantId, agentId: string) => Promise<readonly string[]>;
}

export interface Realtime {
  readonly projection: StatisticsProjection;
  readonly statistics: StatisticsService;
  readonly hub: RealtimeHub;
  /** Give this to the routing host. */
  readonly listener: RoutingEventListener;
  /** Give this to voice: pushes each rung agent their screen pop. */
  readonly screenPops: ScreenPopPublisher;
  /** Give this to the call actions: pushes their stored outcomes. */
  readonly callEvents: CallEventPublisher;
  /** Registers `/api/v1/stats/*` and the `/api/v1/events` WebSocket. */
  registerRoutes(app: FastifyInstance, deps: RealtimeRouteDeps): Promise<void>;
  stop(): void;
}

/** Builds the context. */
export function createRealtime(options: RealtimeOptions): Realtime {
  const projection = new StatisticsProjection(options.utcOffsetMinutes ?? 0);
  const repository = new RoutingConfigRepository(options.database.db as Kysely<RoutingConfigTables>);
  const names = async (tenantId: TenantId): Promise<DisplayNames> => {
    const [queues, users] = await Promise.all([
      repository.listQueues(tenantId),
      options.identity.users.list(tenantId),
    ]);
    return {
      queues: new Map(queues.map((q) => [q.id, q.name])),
      agents: new Map(users.map((u) => [u.id as string, u.displayName])),
    };
  };
  const statistics = new StatisticsService(projection, names, options.clock);
  const hub = new RealtimeHub({
    statistics,
    clock: options.clock,
    timers: options.timers,
    logger: options.logger,
    ...(options.statisticsIntervalMs === undefined ? {} : { intervalMs: options.statisticsIntervalMs }),
    ...(options.statisticsMinGapMs === undefined ? {} : { minGapMs: options.statisticsMinGapMs }),
  });
  const listener: RoutingEventListener = {
    reset: (tenantId) => {
      projection.reset(tenantId);
      hub.reset();
    },
    fold: (tenantId: TenantId, events: readonly DomainEvent[], live: boolean) => {
      projection.fold(tenantId, events, live);
      hub.fold(tenantId, events, live);
    },
  };
  return {
    projection,
    statistics,
    hub,
    listener,
    screenPops: {
      publish: ({ tenantId, contactId, agentId, screenPop }) =>
        hub.publishScreenPop(tenantId, { type: 'screen-pop', contactId, agentId, screenPop }),
    },
    callEvents: { publish: (tenantId, event, agents) => hub.publishEvent(tenantId, event, agents) },
    registerRoutes: async (app, deps) => {
      await app.register(statisticsRoutes, { statistics, agentQueues: deps.agentQueues });
      await app.register(eventsRoute, {
        hub,
        clock: options.clock,
        timers: options.timers,
        ensureTenant: deps.ensureTenant,
        ...(options.limits ? { limits: options.limits } : {}),
        ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
        ...(options.maxConnectionsPerUser === undefined
          ? {}
          : { maxConnectionsPerUser: options.maxConnectionsPerUser }),
      });
    },
    stop: () => hub.stop(),
  };
}

/**
 * The agent API and the real-time routes as one part for `buildServer`: the WebSocket and the
 * statistics start the tenant's routing on demand and show an agent the queues they qualify for.
 */
export function contactCenterRoutes(
  flow: Pick<ContactFlow, 'host' | 'setup' | 'registerRoutes'>,
  realtime: Pick<Realtime, 'registerRoutes'>,
): { registerRoutes(app: FastifyInstance): Promise<void> } {
  return {
    async registerRoutes(app) {
      await flow.registerRoutes(app);
      await realtime.registerRoutes(app, {
        ensureTenant: (tenantId) => flow.host.tenant(tenantId),
        agentQueues: async (tenantId, agentId) => (await flow.setup(tenantId)).profileOf(agentId).queues,
      });
    },
  };
}
