/** TypeBox schemas of the live-call API: targets, modes and the live call view. */
import { Type } from 'typebox';

const Id = Type.String({ minLength: 1, maxLength: 128 });

const AgentTarget = Type.Object(
  { kind: Type.Literal('agent'), agentId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false, description: 'a colleague, rung on their registered devices' },
);
const QueueTarget = Type.Object(
  { kind: Type.Literal('queue'), queueId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false, description: 'a queue: the caller waits there for its next agent' },
);
const NumberTarget = Type.Object(
  {
    kind: Type.Literal('number'),
    number: Type.String({
      pattern: '^\\+?[0-9]{3,20}$',
      description: 'an outside number (E.164 or national), dialled through an outbound trunk',
    }),
  },
  { additionalProperties: false },
);

export const ContactIdParams = Type.Object({ contactId: Id });

export const TransferBodySchema = Type.Object(
  { target: Type.Union([AgentTarget, QueueTarget, NumberTarget]) },
  { additionalProperties: false },
);

export const ConsultBodySchema = Type.Object(
  { target: Type.Union([AgentTarget, NumberTarget]) },
  { additionalProperties: false },
);

const Mode = Type.Union([Type.Literal('listen'), Type.Literal('whisper'), Type.Literal('barge')], {
  description:
    '监听 listen (hears both, heard by none), 密语 whisper (heard by the agent), 强插 barge (heard by both)',
});

export const MonitorBodySchema = Type.Object({ mode: Mode }, { additionalProperties: false });

const TargetView = Type.Union([
  Type.Object({ kind: Type.Literal('agent'), agentId: Type.String() }),
  Type.Object({ kind: Type.Literal('queue'), queueId: Type.String() }),
  Type.Object({ kind: Type.Literal('number'), number: Type.String() }),
]);

export const LiveCallSchema = Type.Object({
  contactId: Type.String(),
  callId: Type.String(),
  callerNumber: Type.String({ description: 'masked, 138****8000' }),
  arrivedAt: Type.Number(),
  agentId: Type.Union([Type.String(), Type.Null()]),
  routingContactId: Type.Union([Type.String(), Type.Null()]),
  held: Type.Boolean(),
  recording: Type.Union([Type.Object({ paused: Type.Boolean() }), Type.Null()]),
  consultation: Type.Union([Type.Object({ target: TargetView, connected: Type.Boolean() }), Type.Null()]),
  transfer: Type.Union([Type.Object({ target: TargetView }), Type.Null()]),
  supervisors: Type.Array(Type.Object({ supervisorId: Type.String(), mode: Mode, joined: Type.Boolean() })),
});

export const LiveCallListSchema = Type.Object({ items: Type.Array(LiveCallSchema) });
