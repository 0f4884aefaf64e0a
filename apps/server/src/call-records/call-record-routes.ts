/**
 * The call-record API: `GET /api/v1/calls` lists the tenant's calls (time range, queue, agent,
 * outcome; newest first, paged with a cursor) and `GET /api/v1/calls/:contactId` shows one call
 * with its timeline. Agents see their own calls; supervisors, admins and QA every call of the
 * tenant. Everything is read from the event log at request time.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import { rejection } from '@switchboard/kernel';
import { problemResponses, sendProblem } from '../http/problem-details';
import { principalOf } from '../identity/access-control';
import type { CallOutcome } from './call-timeline';
import { CallDetailSchema, CallListQuery, CallPageSchema, ContactIdParams } from './call-record-schemas';
import type { CallRecordService } from './call-record-service';

const VIEWERS = { access: ['agent', 'supervisor', 'admin', 'qa'] as const };
const tags = ['calls'];

/** Registers the call list and the call detail. */
export async function callRecordRoutes(
  root: FastifyInstance,
  options: { records: CallRecordService },
): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { records } = options;

  app.get(
    '/api/v1/calls',
    {
      config: VIEWERS,
      schema: {
        tags,
        summary: 'Call records (通话记录): filter by time, queue, agent and outcome; newest first',
        querystring: CallListQuery,
        response: { 200: CallPageSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const from = q.from === undefined ? undefined : Date.parse(q.from);
      const to = q.to === undefined ? undefined : Date.parse(q.to);
      if (from !== undefined && to !== undefined && from >= to)
        return sendProblem(req, reply, rejection('HTTP.BAD_REQUEST', '`from` must be before `to`'));
      const page = await records.list(principalOf(req), {
        limit: q.limit ?? 20,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        ...(q.queueId === undefined ? {} : { queueId: q.queueId }),
        ...(q.agentId === undefined ? {} : { agentId: q.agentId }),
        ...(q.outcome === undefined ? {} : { outcome: q.outcome as CallOutcome }),
        ...(q.cursor === undefined ? {} : { cursor: Number(q.cursor) }),
      });
      return page.ok ? (page.value as Static<typeof CallPageSchema>) : sendProblem(req, reply, page.error);
    },
  );

  app.get(
    '/api/v1/calls/:contactId',
    {
      config: VIEWERS,
      schema: {
        tags,
        summary:
          'One call: summary, timeline (IVR path, queue, offers, holds, transfers, hang-up) and recordings',
        params: ContactIdParams,
        response: { 200: CallDetailSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const detail = await records.get(principalOf(req), req.params.contactId);
      return detail.ok
        ? (detail.value as Static<typeof CallDetailSchema>)
        : sendProblem(req, reply, detail.error);
    },
  );
}
