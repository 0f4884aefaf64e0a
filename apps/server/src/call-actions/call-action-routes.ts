/**
 * The live-call API. `/api/v1/calls/:contactId/*` acts on a call of the caller's tenant: agents on
 * the calls they are on, supervisors and admins on any (audited). Actions whose outcome comes later
 * (a transfer's target answering, a supervisor's phone ringing) answer 202 with the call as it is
 * now; the outcome follows on `/api/v1/events` and in the call's detail. Refusals are problem
 * documents with a `CALL.*` code naming the reason.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import type { Rejection, Result } from '@switchboard/kernel';
import { problemResponses, sendProblem } from '../http/problem-details';
import { actorOf, principalOf } from '../identity/access-control';
import type { CallActionRequest, LiveCallView } from './call-access';
import type { CallActionService } from './call-action-service';
import {
  ConsultBodySchema,
  ContactIdParams,
  LiveCallListSchema,
  LiveCallSchema,
  MonitorBodySchema,
  TransferBodySchema,
} from './call-action-schemas';
import type { SupervisorCallService } from './supervisor-call-service';
import type { TransferActions } from './transfer-actions';

const ON_CALLS = { access: ['agent', 'supervisor', 'admin'] as const };
const MANAGERS = { access: ['supervisor', 'admin'] as const };
const errors = problemResponses(400, 401, 403, 404, 409, 503);
const now = { 200: LiveCallSchema, ...errors };
const later = { 202: LiveCallSchema, ...errors };
const tags = ['calls'];
const supervisorTags = ['supervisor'];

function callRequest(request: FastifyRequest): CallActionRequest {
  return { ...actorOf(request), requestId: request.id };
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  result: Result<LiveCallView, Rejection>,
  status = 200,
): Static<typeof LiveCallSchema> | FastifyReply {
  if (!result.ok) return sendProblem(request, reply, result.error);
  reply.code(status);
  // The view's readonly arrays are the same JSON as the schema's arrays.
  return result.value as Static<typeof LiveCallSchema>;
}

/** Options of {@link callActionRoutes}. */
export interface CallActionRoutesOptions {
  readonly actions: CallActionService;
  readonly transfers: TransferActions;
  readonly supervisors: SupervisorCallService;
}

/** Registers the agent's call controls and the supervisor's call actions. */
export async function callActionRoutes(
  root: FastifyInstance,
  options: CallActionRoutesOptions,
): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { actions, transfers, supervisors } = options;
  const params = ContactIdParams;

  app.get(
    '/api/v1/calls/live',
    {
      config: ON_CALLS,
      schema: {
        tags,
        summary: 'Live calls: the agent’s own, or every call of the tenant for supervisors',
        response: { 200: LiveCallListSchema, ...problemResponses(401, 403) },
      },
    },
    async (req) => ({ items: actions.list(principalOf(req)) as Static<typeof LiveCallSchema>[] }),
  );
  app.get(
    '/api/v1/calls/live/:contactId',
    { config: ON_CALLS, schema: { tags, summary: 'One live call', params, response: now } },
    async (req, reply) => send(req, reply, actions.get(principalOf(req), req.params.contactId)),
  );

  const simple = [
    [
      'hold',
      'Put the caller on hold with music (保持)',
      (r: CallActionRequest, id: string) => actions.hold(r, id),
    ],
    [
      'resume',
      'Take the caller off hold (恢复)',
      (r: CallActionRequest, id: string) => actions.resume(r, id),
    ],
    ['hang-up', 'Hang up the call (挂断)', (r: CallActionRequest, id: string) => actions.hangUp(r, id)],
    [
      'consultation/complete',
      'Complete the attended transfer (咨询转): the agent leaves',
      (r: CallActionRequest, id: string) => transfers.completeConsultation(r, id),
    ],
    [
      'consultation/cancel',
      'End the consultation and take the caller off hold',
      (r: CallActionRequest, id: string) => transfers.cancelConsultation(r, id),
    ],
    [
      'conference',
      'Three-way call (三方通话) with the consulted party',
      (r: CallActionRequest, id: string) => transfers.conference(r, id),
    ],
    [
      'recording/pause',
      'Pause the recording (card numbers); silence is recorded instead',
      (r: CallActionRequest, id: string) => actions.setRecordingPaused(r, id, true),
    ],
    [
      'recording/resume',
      'Resume the recording',
      (r: CallActionRequest, id: string) => actions.setRecordingPaused(r, id, false),
    ],
  ] as const;
  for (const [path, summary, run] of simple) {
    app.post(
      `/api/v1/calls/:contactId/${path}`,
      { config: ON_CALLS, schema: { tags, summary, params, response: now } },
      async (req, reply) => send(req, reply, await run(callRequest(req), req.params.contactId)),
    );
  }

  app.post(
    '/api/v1/calls/:contactId/transfer',
    {
      config: ON_CALLS,
      schema: {
        tags,
        summary: 'Blind transfer (盲转) to an agent, a queue or an outside number',
        description: 'Answers 202: the outcome follows as call.transfer_completed or call.transfer_failed.',
        params,
        body: TransferBodySchema,
        response: later,
      },
    },
    async (req, reply) =>
      send(
        req,
        reply,
        await transfers.transfer(callRequest(req), req.params.contactId, req.body.target),
        202,
      ),
  );
  app.post(
    '/api/v1/calls/:contactId/consultation',
    {
      config: ON_CALLS,
      schema: {
        tags,
        summary: 'Consult an agent or an outside number (咨询) while the caller waits on hold',
        params,
        body: ConsultBodySchema,
        response: later,
      },
    },
    async (req, reply) =>
      send(req, reply, await transfers.consult(callRequest(req), req.params.contactId, req.body.target), 202),
  );

  app.post(
    '/api/v1/calls/:contactId/monitor',
    {
      config: MANAGERS,
      schema: {
        tags: supervisorTags,
        summary: 'Listen, whisper or barge (监听/密语/强插): rings your device, then joins (audited)',
        params,
        body: MonitorBodySchema,
        response: later,
      },
    },
    async (req, reply) =>
      send(req, reply, await supervisors.monitor(callRequest(req), req.params.contactId, req.body.mode), 202),
  );
  app.post(
    '/api/v1/calls/:contactId/monitor/mode',
    {
      config: MANAGERS,
      schema: {
        tags: supervisorTags,
        summary: 'Switch between listen, whisper and barge (audited)',
        params,
        body: MonitorBodySchema,
        response: now,
      },
    },
    async (req, reply) =>
      send(req, reply, await supervisors.changeMode(callRequest(req), req.params.contactId, req.body.mode)),
  );
  app.post(
    '/api/v1/calls/:contactId/monitor/stop',
    {
      config: MANAGERS,
      schema: { tags: supervisorTags, summary: 'Leave a monitored call (audited)', params, response: now },
    },
    async (req, reply) =>
      send(req, reply, await supervisors.stopMonitor(callRequest(req), req.params.contactId)),
  );
  app.post(
    '/api/v1/calls/:contactId/force-release',
    {
      config: MANAGERS,
      schema: {
        tags: supervisorTags,
        summary: 'Force release (强拆): hang the call up (audited)',
        params,
        response: now,
      },
    },
    async (req, reply) =>
      send(req, reply, await supervisors.forceRelease(callRequest(req), req.params.contactId)),
  );
  app.post(
    '/api/v1/calls/:contactId/take-over',
    {
      config: MANAGERS,
      schema: {
        tags: supervisorTags,
        summary: 'Take over (强转/代接): transfer the caller to your own device (audited)',
        params,
        response: later,
      },
    },
    async (req, reply) =>
      send(req, reply, await supervisors.takeOver(callRequest(req), req.params.contactId), 202),
  );
}
