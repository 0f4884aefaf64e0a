/**
 * The contact-flow context wired together: per-tenant routing hosts fed from the routing
 * configuration tables, the agent and contact services, and the agent API routes. `main.ts` and
 * tests build it the same way; telephony plugs in through {@link TelephonyPort}.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock, IdGenerator, Timers } from '@switchboard/kernel';
import type { IdentityServices } from '../identity/identity';
import { QueuePolicyRepository } from '../routing-config/queue-policy-repository';
import type { QueuePolicyTables } from '../routing-config/queue-policy-tables';
import { RoutingConfigRepository } from '../routing-config/routing-config-repository';
import type { RoutingConfigTables } from '../routing-config/routing-config-tables';
import type { Database } from '../store/database';
import { EventStore } from '../store';
import { agentRoutes } from './agent-routes';
import { AgentService } from './agent-service';
import { ContactService } from './contact-service';
import { RoutingHost } from './routing-host';
import { tableRoutingSetup, type QueueDefaults, type RoutingSetupSource } from './routing-setup';
import type { HostLogger, RoutingEventListener } from './tenant-routing-host';
import { noDeviceTelephony, type TelephonyPort } from './telephony-port';

/** What the contact flow is built from. */
export interface ContactFlowOptions {
  readonly database: Database;
  readonly identity: Pick<IdentityServices, 'users' | 'audit'>;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly ids: IdGenerator;
  readonly logger: HostLogger;
  /** Statistics and the real-time fan-out. */
  readonly listener: RoutingEventListener;
  /** Devices; logs only until the telephony layer provides one. */
  readonly telephony?: TelephonyPort;
  /** An event store to share (tests inject failing ones); one over `database` otherwise. */
  readonly store?: EventStore;
  readonly queueDefaults?: QueueDefaults;
  readonly invariantCheckMs?: number;
}

/** The running context. */
export interface ContactFlow {
  readonly host: RoutingHost;
  readonly agents: AgentService;
  /** For the telephony and IVR layers: enqueue, answer, end, abandon. */
  readonly contacts: ContactService;
  readonly setup: RoutingSetupSource;
  /** Registers the agent API. */
  registerRoutes(app: FastifyInstance): Promise<void>;
  /** Restores every routing tenant from the log and starts timers. */
  start(): Promise<void>;
  /** Stores what is queued, then stops timers. */
  stop(): Promise<void>;
}

/** Builds the context; nothing runs until `start`. */
export function createContactFlow(options: ContactFlowOptions): ContactFlow {
  const repository = new RoutingConfigRepository(options.database.db as Kysely<RoutingConfigTables>);
  const policies = new QueuePolicyRepository(options.database.db as Kysely<QueuePolicyTables>);
  const setup = tableRoutingSetup(repository, options.queueDefaults, policies);
  const host = new RoutingHost({
    store: options.store ?? new EventStore(options.database, { clock: options.clock }),
    ids: options.ids,
    clock: options.clock,
    timers: options.timers,
    telephony: options.telephony ?? noDeviceTelephony(options.logger),
    logger: options.logger,
    setup,
    listener: options.listener,
    listTenants: () => repository.listRoutingTenants(),
    ...(options.invariantCheckMs === undefined ? {} : { invariantCheckMs: options.invariantCheckMs }),
  });
  const agents = new AgentService({
    host,
    setup,
    users: options.identity.users,
    audit: options.identity.audit,
    ids: options.ids,
    clock: options.clock,
  });
  return {
    host,
    agents,
    contacts: new ContactService(host, options.ids),
    setup,
    registerRoutes: async (app) => {
      await app.register(agentRoutes, { agents });
    },
    start: () => host.start(),
    stop: () => host.stop(),
  };
}
