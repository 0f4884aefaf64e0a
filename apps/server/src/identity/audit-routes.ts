import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problemResponses } from '../http/problem-details';
import { actorOf } from './access-control';
import { AuditEntrySchema, AuditQuery } from './identity-schemas';
import type { IdentityServices } from './identity';

/** The tenant's audit log, for its admins; paged newest first. */
export async function auditRoutes(
  root: FastifyInstance,
  options: { services: IdentityServices },
): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { audit } = options.services;

  app.get(
    '/api/v1/audit-log',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['audit'],
        summary: 'Audit entries of the tenant, newest first',
        querystring: AuditQuery,
        response: { 200: Type.Array(AuditEntrySchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => audit.list(actorOf(request).principal.tenantId, request.query),
  );
}
