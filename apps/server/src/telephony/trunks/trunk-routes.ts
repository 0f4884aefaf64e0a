import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { problemResponses, sendProblem } from '../../http/problem-details';
import { actorOf } from '../../identity/access-control';
import { trunkView } from './trunk';
import { providerOf, type TrunkAdmin } from './trunk-admin';
import type { TrunkStatus } from './trunk-runtime';
import {
  CreateTrunkBody,
  TrunkIdParams,
  TrunkSchema,
  TrunkStatusSchema,
  UpdateTrunkBody,
} from './trunk-schemas';
import type { TrunkPatch } from './trunk-validation';

const ADMIN = { access: ['admin'] as const };
const TAGS = ['trunks'];

/** `/api/v1/trunks`: the SIP trunks of the caller's tenant, for its admins. */
export async function trunkRoutes(root: FastifyInstance, options: { admin: TrunkAdmin }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { admin } = options;

  app.get(
    '/api/v1/trunks',
    {
      config: ADMIN,
      schema: {
        tags: TAGS,
        summary: 'SIP trunks of the tenant (passwords are never returned)',
        response: { 200: Type.Array(TrunkSchema), ...problemResponses(401, 403) },
      },
    },
    async (request) => (await admin.list(actorOf(request))).map(trunkView),
  );

  app.get(
    '/api/v1/trunks/:trunkId',
    {
      config: ADMIN,
      schema: {
        tags: TAGS,
        summary: 'One SIP trunk',
        params: TrunkIdParams,
        response: { 200: TrunkSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const found = await admin.get(actorOf(request), request.params.trunkId);
      return found.ok ? trunkView(found.value) : sendProblem(request, reply, found.error);
    },
  );

  app.get(
    '/api/v1/trunks/:trunkId/status',
    {
      config: ADMIN,
      schema: {
        tags: TAGS,
        summary: 'Registration and OPTIONS keepalive state of a SIP trunk on this node',
        params: TrunkIdParams,
        response: { 200: TrunkStatusSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const status = await admin.status(actorOf(request), request.params.trunkId);
      return status.ok ? statusView(status.value) : sendProblem(request, reply, status.error);
    },
  );

  app.post(
    '/api/v1/trunks',
    {
      config: ADMIN,
      schema: {
        tags: TAGS,
        summary: 'Create a SIP trunk',
        body: CreateTrunkBody,
        response: { 201: TrunkSchema, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const created = await admin.create(actorOf(request), request.body);
      return created.ok
        ? reply.code(201).send(trunkView(created.value))
        : sendProblem(request, reply, created.error);
    },
  );

  app.patch(
    '/api/v1/trunks/:trunkId',
    {
      config: ADMIN,
      schema: {
        tags: TAGS,
        summary: 'Change a SIP trunk (omitted fields stay; null clears provider, proxy or account)',
        params: TrunkIdParams,
        body: UpdateTrunkBody,
        response: { 200: TrunkSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const updated = await admin.update(actorOf(request), request.params.trunkId, patchOf(request.body));
      return updated.ok ? trunkView(updated.value) : sendProblem(request, reply, updated.error);
    },
  );

  app.delete(
    '/api/v1/trunks/:trunkId',
    {
      config: ADMIN,
      schema: {
        tags: TAGS,
        summary: 'Delete a SIP trunk (it unregisters from its provider)',
        params: TrunkIdParams,
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const deleted = await admin.delete(actorOf(request), request.params.trunkId);
      return deleted.ok ? reply.code(204).send(null) : sendProblem(request, reply, deleted.error);
    },
  );
}

/** The update body as a patch, with the provider's defaults filled in. */
function patchOf(body: UpdateTrunkBody): TrunkPatch {
  const { provider, ...rest } = body;
  if (provider === undefined || provider === null)
    return { ...rest, ...(provider === null ? { provider } : {}) };
  return { ...rest, provider: providerOf(provider) };
}

/** Times as ISO strings, as the rest of the API writes them (undefined members are left out). */
function statusView(status: TrunkStatus): Static<typeof TrunkStatusSchema> {
  const iso = (ms: number | undefined): string | undefined =>
    ms === undefined ? undefined : new Date(ms).toISOString();
  const { registration: r, reachability: k, ...rest } = status;
  return {
    ...rest,
    providerAddresses: [...status.providerAddresses],
    ...(r === undefined ? {} : { registration: { ...r, expiresAt: iso(r.expiresAt) } }),
    reachability: { ...k, lastCheckedAt: iso(k.lastCheckedAt) },
  };
}
