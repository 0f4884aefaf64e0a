/**
 * The agent API. `/api/v1/agent/*` acts on the caller (role `agent`); `/api/v1/agents/:id/*` lets a
 * supervisor or admin force an agent of their tenant, audited. Refusals are routing rejections
 * (`ROUTING.*`) sent as problem documents.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import type { Rejection, Result } from '@switchboard/kernel';
import type { AgentStateView } from '@switchboard/contracts';
import { problemResponses, sendProblem } from '../http/problem-details';
import { actorOf, principalOf } from '../identity/access-control';
import {
  AgentIdParamsSchema,
  AgentStateSchema,
  ChannelBodySchema,
  CompleteWrapUpBodySchema,
  ExtendWrapUpBodySchema,
  ForceStateBodySchema,
  LoginBodySchema,
  NotReadyBodySchema,
} from './agent-schemas';
import type { AgentRequest, AgentService } from './agent-service';

const AGENT = { access: ['agent'] as const };
const MANAGERS = { access: ['supervisor', 'admin'] as const };
const response = { 200: AgentStateSchema, ...problemResponses(400, 401, 403, 404, 409, 422, 503) };
const tags = ['agent'];

function agentRequest(request: FastifyRequest): AgentRequest {
  return { ...actorOf(request), requestId: request.id };
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  result: Result<AgentStateView, Rejection>,
): Static<typeof AgentStateSchema> | FastifyReply {
  // The contract's readonly arrays are the same JSON as the schema's arrays.
  return result.ok
    ? (result.value as Static<typeof AgentStateSchema>)
    : sendProblem(request, reply, result.error);
}

/** Registers the agent's own endpoints and the supervisor's forcing endpoints. */
export async function agentRoutes(root: FastifyInstance, options: { agents: AgentService }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { agents } = options;

  app.get(
    '/api/v1/agent/state',
    { config: AGENT, schema: { tags, summary: 'The caller’s routing state', response } },
    async (req, reply) => {
      const { tenantId, userId } = principalOf(req);
      return send(req, reply, await agents.state(tenantId, userId));
    },
  );
  app.post(
    '/api/v1/agent/login',
    { config: AGENT, schema: { tags, summary: 'Log in to routing (签入)', body: LoginBodySchema, response } },
    async (req, reply) => send(req, reply, await agents.logIn(agentRequest(req), req.body)),
  );
  app.post(
    '/api/v1/agent/logout',
    { config: AGENT, schema: { tags, summary: 'Log out of routing (签出)', response } },
    async (req, reply) => send(req, reply, await agents.act(agentRequest(req), { type: 'LogOutAgent' })),
  );
  app.post(
    '/api/v1/agent/ready',
    { config: AGENT, schema: { tags, summary: 'Become ready (示闲)', body: ChannelBodySchema, response } },
    async (req, reply) =>
      send(req, reply, await agents.act(agentRequest(req), { type: 'SetAgentReady', ...req.body })),
  );
  app.post(
    '/api/v1/agent/not-ready',
    {
      config: AGENT,
      schema: { tags, summary: 'Become not ready (示忙)', body: NotReadyBodySchema, response },
    },
    async (req, reply) =>
      send(req, reply, await agents.act(agentRequest(req), { type: 'SetAgentNotReady', ...req.body })),
  );
  app.post(
    '/api/v1/agent/wrap-up/extend',
    {
      config: AGENT,
      schema: { tags, summary: 'Extend wrap-up (话后处理)', body: ExtendWrapUpBodySchema, response },
    },
    async (req, reply) =>
      send(req, reply, await agents.act(agentRequest(req), { type: 'ExtendWrapUp', ...req.body })),
  );
  app.post(
    '/api/v1/agent/wrap-up/complete',
    {
      config: AGENT,
      schema: {
        tags,
        summary: 'End wrap-up with a disposition (小结)',
        body: CompleteWrapUpBodySchema,
        response,
      },
    },
    async (req, reply) => send(req, reply, await agents.completeWrapUp(agentRequest(req), req.body)),
  );
  app.post(
    '/api/v1/agents/:id/force-state',
    {
      config: MANAGERS,
      schema: {
        tags,
        summary: 'Force an agent ready or not ready (audited)',
        params: AgentIdParamsSchema,
        body: ForceStateBodySchema,
        response,
      },
    },
    async (req, reply) =>
      send(req, reply, await agents.forceState(agentRequest(req), req.params.id, req.body)),
  );
  app.post(
    '/api/v1/agents/:id/force-logout',
    {
      config: MANAGERS,
      schema: { tags, summary: 'Force an agent’s logout (audited)', params: AgentIdParamsSchema, response },
    },
    async (req, reply) => send(req, reply, await agents.forceLogout(agentRequest(req), req.params.id)),
  );
}
