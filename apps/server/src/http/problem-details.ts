/**
 * RFC 9457 problem details: every error the API sends has this shape and the media type
 * `application/problem+json`. The stable rejection code travels as the `code` extension member and
 * in the `type` URI, so clients switch on it instead of parsing prose.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { Rejection } from '@switchboard/kernel';
import { statusForCode } from './problem-status';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One invalid input field (RFC 9457 §3 extension, in the style of its `errors` example). */
export const FieldErrorSchema = Type.Object({
  in: Type.String({ description: 'body, querystring, params or headers' }),
  field: Type.String({ description: 'dotted path of the field, empty for the whole part' }),
  pointer: Type.String({ description: 'JSON pointer into that part' }),
  message: Type.String(),
});
export type FieldError = Static<typeof FieldErrorSchema>;

/** The problem document, as documented in OpenAPI. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'urn:switchboard:problem:<code>' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'stable code such as AUTH.INVALID_CREDENTIALS' }),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldErrorSchema)),
  },
  { $id: 'Problem', additionalProperties: true },
);
export type Problem = Static<typeof ProblemSchema>;

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Builds the problem document for a rejection; `status` overrides the table only for protocol errors. */
export function problemFor(
  rejection: Rejection,
  request: FastifyRequest,
  status = statusForCode(rejection.code).status,
): Problem {
  const errors = rejection.details?.['errors'] as FieldError[] | undefined;
  return {
    type: `urn:switchboard:problem:${rejection.code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail: rejection.message,
    code: rejection.code,
    instance: request.url.split('?')[0] ?? request.url,
    requestId: request.id,
    ...(errors === undefined ? {} : { errors }),
  };
}

/**
 * Sends a rejection as a problem document. Route response schemas are bypassed on purpose: they
 * describe success bodies and would strip the problem's members.
 */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  rejection: Rejection,
  status?: number,
): FastifyReply {
  const problem = problemFor(rejection, request, status);
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .serializer((payload: unknown) => JSON.stringify(payload))
    .send(problem);
}

/** OpenAPI response entries for the listed error statuses, all pointing at {@link ProblemSchema}. */
export function problemResponses(...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: TITLES[s] ?? 'Error',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: Type.Ref('Problem') } },
      },
    ]),
  );
}
