import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problemResponses, sendProblem } from '../http/problem-details';
import { actorOf } from './access-control';
import { CreateUserBody, RolesBody, UpdateUserBody, UserIdParams, UserSchema } from './identity-schemas';
import { userView } from './identity-views';
import type { IdentityServices } from './identity';

const ADMIN = { access: ['admin'] as const };

/** Admin API for the users of the caller's tenant. */
export async function userRoutes(
  root: FastifyInstance,
  options: { services: IdentityServices },
): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { users, userAdmin } = options.services;

  app.get(
    '/api/v1/users',
    {
      config: ADMIN,
      schema: {
        tags: ['users'],
        summary: 'Users of the tenant',
        response: { 200: Type.Array(UserSchema), ...problemResponses(401, 403) },
      },
    },
    async (request) => (await users.list(actorOf(request).principal.tenantId)).map(userView),
  );

  app.get(
    '/api/v1/users/:userId',
    {
      config: ADMIN,
      schema: {
        tags: ['users'],
        summary: 'One user',
        params: UserIdParams,
        response: { 200: UserSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const user = await users.findById(actorOf(request).principal.tenantId, request.params.userId);
      if (user === undefined) {
        return sendProblem(request, reply, {
          code: 'IDENTITY.USER_NOT_FOUND',
          message: `No user ${request.params.userId}`,
        });
      }
      return userView(user);
    },
  );

  app.post(
    '/api/v1/users',
    {
      config: ADMIN,
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        body: CreateUserBody,
        response: { 201: UserSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const result = await userAdmin.create(actorOf(request), request.body);
      return result.ok
        ? reply.code(201).send(userView(result.value))
        : sendProblem(request, reply, result.error);
    },
  );

  app.patch(
    '/api/v1/users/:userId',
    {
      config: ADMIN,
      schema: {
        tags: ['users'],
        summary: 'Change display name or department, reset the password, disable or enable',
        params: UserIdParams,
        body: UpdateUserBody,
        response: { 200: UserSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const result = await userAdmin.update(actorOf(request), request.params.userId, request.body);
      return result.ok ? userView(result.value) : sendProblem(request, reply, result.error);
    },
  );

  app.put(
    '/api/v1/users/:userId/roles',
    {
      config: ADMIN,
      schema: {
        tags: ['users'],
        summary: 'Replace the roles of a user',
        params: UserIdParams,
        body: RolesBody,
        response: { 200: UserSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await userAdmin.changeRoles(actorOf(request), request.params.userId, request.body.roles);
      return result.ok ? userView(result.value) : sendProblem(request, reply, result.error);
    },
  );
}
