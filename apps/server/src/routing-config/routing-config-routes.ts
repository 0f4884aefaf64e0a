import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problemResponses } from '../http/problem-details';
import { principalOf } from '../identity/access-control';
import type { RoutingConfigRepository } from './routing-config-repository';

const SkillSchema = Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() });
const QueueSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  requiredSkills: Type.Array(
    Type.Object({ skillId: Type.String(), code: Type.String(), minLevel: Type.Integer() }),
  ),
});
const EntryPointSchema = Type.Object({
  id: Type.String(),
  number: Type.String({ description: 'dialed number, e.g. 4008001234' }),
  name: Type.String(),
  flowId: Type.Union([Type.String(), Type.Null()], {
    description: 'IVR flow answering the number, once attached',
  }),
});

/** Read endpoints of the routing configuration, scoped to the caller's tenant. */
export async function routingConfigRoutes(
  root: FastifyInstance,
  options: { repository: RoutingConfigRepository },
): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { repository } = options;
  const managers = { access: ['admin', 'supervisor'] as const };

  app.get(
    '/api/v1/queues',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['routing'],
        summary: 'Queues of the tenant with their required skills',
        response: { 200: Type.Array(QueueSchema), ...problemResponses(401) },
      },
    },
    async (request) => repository.listQueues(principalOf(request).tenantId),
  );

  app.get(
    '/api/v1/skills',
    {
      config: managers,
      schema: {
        tags: ['routing'],
        summary: 'Skills of the tenant',
        response: { 200: Type.Array(SkillSchema), ...problemResponses(401, 403) },
      },
    },
    async (request) => repository.listSkills(principalOf(request).tenantId),
  );

  app.get(
    '/api/v1/entry-points',
    {
      config: managers,
      schema: {
        tags: ['routing'],
        summary: 'Hotline numbers (entry points) of the tenant',
        response: { 200: Type.Array(EntryPointSchema), ...problemResponses(401, 403) },
      },
    },
    async (request) => repository.listEntryPoints(principalOf(request).tenantId),
  );
}
