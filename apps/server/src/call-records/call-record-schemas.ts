/** TypeBox schemas of the call-record API. */
import { Type } from 'typebox';

const OUTCOMES = ['live', 'answered', 'voicemail', 'callback', 'abandoned', 'self-service'] as const;
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const CallListQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'arrived at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'arrived before' })),
    queueId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    outcome: Type.Optional(Type.Enum(OUTCOMES)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,15}$', description: 'nextCursor of the previous page' }),
    ),
  },
  { additionalProperties: false },
);

export const ContactIdParams = Type.Object({ contactId: Type.String({ minLength: 1, maxLength: 128 }) });

export const CallSummarySchema = Type.Object({
  contactId: Type.String(),
  callId: Type.String(),
  arrivedAt: Type.String(),
  endedAt: Nullable(Type.String()),
  dialed: Type.String(),
  caller: Type.Object({
    masked: Type.String({ description: '138****8000' }),
    e164: Nullable(Type.String({ description: 'supervisors, admins and QA only' })),
  }),
  outcome: Type.Enum(OUTCOMES),
  queueIds: Type.Array(Type.String()),
  agentIds: Type.Array(Type.String()),
  waitMs: Nullable(Type.Number()),
  hangUp: Nullable(Type.Object({ party: Type.String(), cause: Type.String(), stage: Type.String() })),
  disposition: Nullable(Type.Object({ code: Type.String(), notes: Type.String() })),
  mos: Nullable(
    Type.Number({
      description: 'lowest MOS heard on the call, either way on any leg (G.107 estimate, 1–4.5)',
    }),
  ),
});

export const CallPageSchema = Type.Object({
  items: Type.Array(CallSummarySchema),
  nextCursor: Nullable(Type.String()),
});

export const CallDetailSchema = Type.Object({
  summary: CallSummarySchema,
  timeline: Type.Array(
    Type.Object({
      at: Type.String(),
      kind: Type.String({
        description: 'call.arrived, ivr.menu_choice, queue.entered, offer.timed_out, call.held…',
      }),
      agentId: Nullable(Type.String()),
      detail: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
  recordings: Nullable(
    Type.Array(
      Type.Object({
        id: Type.String(),
        startedAt: Type.String(),
        durationMs: Nullable(Type.Number()),
        status: Type.String(),
        href: Type.String({ description: 'audited audio endpoint' }),
      }),
    ),
  ),
});
