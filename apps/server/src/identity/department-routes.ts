import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problemResponses, sendProblem } from '../http/problem-details';
import { actorOf } from './access-control';
import { DepartmentBody, DepartmentIdParams, DepartmentSchema } from './identity-schemas';
import { departmentView } from './identity-views';
import type { IdentityServices } from './identity';

/** Departments: admins manage them, supervisors read them. */
export async function departmentRoutes(
  root: FastifyInstance,
  options: { services: IdentityServices },
): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { departments } = options.services;
  const admin = { access: ['admin'] as const };

  app.get(
    '/api/v1/departments',
    {
      config: { access: ['admin', 'supervisor'] },
      schema: {
        tags: ['departments'],
        summary: 'Departments of the tenant',
        response: { 200: Type.Array(DepartmentSchema), ...problemResponses(401, 403) },
      },
    },
    async (request) => (await departments.list(actorOf(request))).map(departmentView),
  );

  app.post(
    '/api/v1/departments',
    {
      config: admin,
      schema: {
        tags: ['departments'],
        summary: 'Create a department',
        body: DepartmentBody,
        response: { 201: DepartmentSchema, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const result = await departments.create(actorOf(request), request.body.name);
      return result.ok
        ? reply.code(201).send(departmentView(result.value))
        : sendProblem(request, reply, result.error);
    },
  );

  app.patch(
    '/api/v1/departments/:departmentId',
    {
      config: admin,
      schema: {
        tags: ['departments'],
        summary: 'Rename a department',
        params: DepartmentIdParams,
        body: DepartmentBody,
        response: { 200: DepartmentSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await departments.rename(
        actorOf(request),
        request.params.departmentId,
        request.body.name,
      );
      return result.ok ? departmentView(result.value) : sendProblem(request, reply, result.error);
    },
  );

  app.delete(
    '/api/v1/departments/:departmentId',
    {
      config: admin,
      schema: {
        tags: ['departments'],
        summary: 'Delete an empty department',
        params: DepartmentIdParams,
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await departments.delete(actorOf(request), request.params.departmentId);
      return result.ok ? reply.code(204).send(null) : sendProblem(request, reply, result.error);
    },
  );
}
