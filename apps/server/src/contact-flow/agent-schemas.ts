/** TypeBox schemas of the agent API, mirroring `@switchboard/contracts`' `agent-api.ts`. */
import { Type } from 'typebox';
import { NOT_READY_REASONS } from '@switchboard/contracts';

const STATUSES = ['ready', 'reserved', 'busy', 'wrap-up', 'not-ready', 'logged-out'] as const;
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const Channel = Type.String({
  minLength: 1,
  maxLength: 32,
  pattern: '^[a-z][a-z0-9-]*$',
  description: 'voice, chat, email…',
});

export const ReasonSchema = Type.Enum(NOT_READY_REASONS, {
  description: 'not-ready reason (示忙原因); RONA and login are set by the system',
});

export const AgentStateSchema = Type.Object({
  agentId: Type.String(),
  loggedIn: Type.Boolean(),
  since: NullableNumber,
  queues: Type.Array(Type.String()),
  channels: Type.Array(
    Type.Object({
      channel: Type.String(),
      capacity: Type.Integer(),
      status: Type.Enum(STATUSES),
      ready: Type.Boolean(),
      reason: Type.Union([Type.String(), Type.Null()]),
      since: Type.Number(),
      contacts: Type.Array(
        Type.Object({
          contactId: Type.String(),
          queueId: Type.String(),
          phase: Type.Enum(['reserved', 'busy', 'held', 'wrap-up'] as const),
          since: Type.Number(),
          wrapUpUntil: NullableNumber,
        }),
      ),
    }),
  ),
});

export const LoginBodySchema = Type.Object(
  {
    channels: Type.Optional(
      Type.Array(Type.Object({ channel: Channel, capacity: Type.Integer({ minimum: 1, maximum: 20 }) }), {
        minItems: 1,
        maxItems: 8,
      }),
    ),
    ready: Type.Optional(Type.Boolean({ description: 'start ready instead of not ready' })),
  },
  { additionalProperties: false },
);

export const ChannelBodySchema = Type.Object(
  { channel: Type.Optional(Channel) },
  { additionalProperties: false },
);

export const NotReadyBodySchema = Type.Object(
  { reason: ReasonSchema, channel: Type.Optional(Channel) },
  { additionalProperties: false },
);

export const ExtendWrapUpBodySchema = Type.Object(
  {
    seconds: Type.Integer({ minimum: 1, maximum: 3600 }),
    contactId: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const CompleteWrapUpBodySchema = Type.Object(
  {
    contactId: Type.Optional(Type.String({ minLength: 1 })),
    dispositionCode: Type.String({ minLength: 1, maxLength: 64, description: 'disposition (小结) code' }),
    notes: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);

export const ForceStateBodySchema = Type.Object(
  {
    state: Type.Union([Type.Literal('ready'), Type.Literal('not-ready')]),
    reason: Type.Optional(ReasonSchema),
    channel: Type.Optional(Channel),
  },
  { additionalProperties: false },
);

export const AgentIdParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
