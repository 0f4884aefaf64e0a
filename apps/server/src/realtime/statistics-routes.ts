/**
 * `GET /api/v1/stats/queues` and `/api/v1/stats/agents`: the same lines supervisors receive over
 * the WebSocket. Supervisors and admins see the whole tenant; an agent sees their own line and the
 * queues they serve.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { TenantId } from '@switchboard/kernel';
import { problemResponses } from '../http/problem-details';
import { principalOf } from '../identity/access-control';
import type { Principal } from '../identity/identity-model';
import type { StatisticsService } from './statistics-service';

const STATUSES = ['ready', 'reserved', 'busy', 'wrap-up', 'not-ready', 'logged-out'] as const;
const Nullable = (schema: ReturnType<typeof Type.Number>) => Type.Union([schema, Type.Null()]);
const ByStatus = Type.Object(Object.fromEntries(STATUSES.map((s) => [s, Type.Number()])));

const IntervalSchema = Type.Object({
  offered: Type.Integer({ description: 'contacts that entered the queue, counted when their wait ended' }),
  answered: Type.Integer(),
  answeredWithinThreshold: Type.Integer(),
  abandoned: Type.Integer(),
  serviceLevel: Nullable(Type.Number({ description: 'answered within T / offered (abandons fail)' })),
  asaSeconds: Nullable(Type.Number({ description: 'mean wait of answered contacts' })),
  meanWaitSeconds: Nullable(Type.Number({ description: 'mean wait of all offered, abandons included' })),
  abandonRate: Nullable(Type.Number({ description: 'abandoned / offered' })),
});

const QueueLineSchema = Type.Object({
  queueId: Type.String(),
  name: Type.String(),
  waiting: Type.Integer(),
  ringing: Type.Integer(),
  callbacksWaiting: Type.Integer(),
  longestWaitSeconds: Type.Number(),
  serviceLevelTarget: Type.Object({ thresholdSeconds: Type.Number(), targetPercent: Type.Number() }),
  today: IntervalSchema,
  last15Minutes: IntervalSchema,
  last30Minutes: IntervalSchema,
  agents: ByStatus,
});

const AgentLineSchema = Type.Object({
  agentId: Type.String(),
  displayName: Type.String(),
  channel: Type.String(),
  status: Type.Enum(STATUSES),
  statusSince: Type.Number(),
  secondsByStatus: ByStatus,
  notReadySecondsByReason: Type.Record(Type.String(), Type.Number()),
  handled: Type.Integer(),
  ahtSeconds: Nullable(Type.Number({ description: '(talk + hold + wrap-up) / handled' })),
  occupancy: Nullable(Type.Number({ description: 'handle / (handle + available)' })),
});

/** Options of {@link statisticsRoutes}. */
export interface StatisticsRoutesOptions {
  readonly statistics: StatisticsService;
  /** Queues an agent serves, for an agent's restricted view. */
  readonly agentQueues: (tenantId: TenantId, agentId: string) => Promise<readonly string[]>;
}

const seesTenant = (p: Principal): boolean => p.roles.some((r) => r === 'supervisor' || r === 'admin');

/** Registers the statistics endpoints. */
export async function statisticsRoutes(
  root: FastifyInstance,
  options: StatisticsRoutesOptions,
): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const access = { access: ['admin', 'supervisor', 'agent'] as const };

  app.get(
    '/api/v1/stats/queues',
    {
      config: access,
      schema: {
        tags: ['statistics'],
        summary: 'Real-time queue statistics (an agent sees the queues they serve)',
        response: { 200: Type.Array(QueueLineSchema), ...problemResponses(401, 403) },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const only = seesTenant(p) ? undefined : await options.agentQueues(p.tenantId, p.userId);
      return options.statistics.queues(p.tenantId, only);
    },
  );

  app.get(
    '/api/v1/stats/agents',
    {
      config: access,
      schema: {
        tags: ['statistics'],
        summary: 'Real-time agent statistics for today (an agent sees their own line)',
        response: { 200: Type.Array(AgentLineSchema), ...problemResponses(401, 403) },
      },
    },
    async (request) => {
      const p = principalOf(request);
      return options.statistics.agents(p.tenantId, seesTenant(p) ? undefined : p.userId);
    },
  );
}
