/**
 * The one place where failures become HTTP answers: malformed JSON, schema violations, unknown
 * routes, domain rejections and bugs. Everything leaves as an RFC 9457 problem document.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, rejection, type Rejection } from '@switchboard/kernel';
import { sendProblem, type FieldError } from './problem-details';
import { statusForCode } from './problem-status';

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Installs the JSON parser, the error handler and the not-found handler on the root instance. */
export function registerErrorHandling(app: FastifyInstance): void {
  installJsonParser(app);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      rejection('HTTP.NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => handleError(error, request, reply));
}

function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { problem, status } = classify(error, request);
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
  } else {
    request.log.info({ code: problem.code, status }, loggedMessage(problem));
  }
  return sendProblem(request, reply, problem, status);
}

/**
 * The message for the log line of a refusal. The JSON parser's message quotes the broken body,
 * which may hold a password or a phone number: the client gets it, the log does not.
 */
function loggedMessage(problem: Rejection): string {
  return problem.code === 'HTTP.MALFORMED_JSON' ? 'Request body is not valid JSON' : problem.message;
}

function classify(error: FastifyError, request: FastifyRequest): { problem: Rejection; status: number } {
  if (error instanceof DomainError) {
    const { status, known } = statusForCode(error.code);
    if (!known) request.log.warn({ code: error.code }, 'rejection code has no HTTP status mapping');
    return { problem: error.toRejection(), status };
  }
  if (Array.isArray(error.validation)) {
    return {
      problem: validationProblem(error.validation as AjvError[], error.validationContext ?? 'body'),
      status: 400,
    };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return protocol('HTTP.MALFORMED_JSON', 'Request body is empty but Content-Type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return protocol('HTTP.MALFORMED_JSON', 'Request body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return protocol(
        'HTTP.UNSUPPORTED_MEDIA_TYPE',
        `Content-Type ${request.headers['content-type'] ?? '(none)'} is not supported; send application/json`,
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return protocol('HTTP.PAYLOAD_TOO_LARGE', 'Request body is too large');
  }
  const status = error.statusCode ?? 500;
  if (status === 429) return { problem: rejection('HTTP.TOO_MANY_REQUESTS', error.message), status };
  // Fastify's own 4xx messages describe the request, never server internals, so they may be shown.
  if (status >= 400 && status < 500) return { problem: rejection('HTTP.BAD_REQUEST', error.message), status };
  return {
    problem: rejection(
      'HTTP.INTERNAL_ERROR',
      `An unexpected error occurred; quote request id ${request.id} when reporting it`,
    ),
    status: 500,
  };
}

function protocol(code: string, message: string): { problem: Rejection; status: number } {
  return { problem: rejection(code, message), status: statusForCode(code).status };
}

/** Names every invalid field, so a client can point at the form input to fix. */
function validationProblem(errors: readonly AjvError[], part: string): Rejection {
  const fields = errors.map((e) => fieldError(e, part));
  const summary = fields.map((f) => `${f.field === '' ? part : f.field} ${f.message}`).join('; ');
  return rejection('HTTP.VALIDATION_FAILED', `Invalid ${part}: ${summary}`, { errors: fields });
}

function fieldError(e: AjvError, part: string): FieldError {
  // For `required` and `additionalProperties` Ajv points at the parent object; name the child instead.
  const child =
    e.keyword === 'required'
      ? e.params['missingProperty']
      : e.keyword === 'additionalProperties'
        ? e.params['additionalProperty']
        : undefined;
  const pointer = typeof child === 'string' ? `${e.instancePath}/${child}` : e.instancePath;
  const field = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
  const message =
    e.keyword === 'additionalProperties' ? 'is not an allowed property' : (e.message ?? 'is invalid');
  return { in: part, field, pointer, message: e.keyword === 'required' ? 'is required' : message };
}

/**
 * Replaces the JSON parser with one that keeps Fastify's prototype-poisoning protection but says
 * where the JSON is broken, which the stock parser does not.
 */
function installJsonParser(app: FastifyInstance): void {
  const stock = app.getDefaultJsonParser('error', 'error');
  // JSON only: text/plain is one of the bodies a cross-site form can send without a CORS preflight.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    stock(request, body as string, (error, value) => {
      if ((error as FastifyError | null)?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        done(
          new DomainError(
            'HTTP.MALFORMED_JSON',
            `Request body is not valid JSON: ${jsonSyntaxMessage(body as string)}`,
          ),
          undefined,
        );
        return;
      }
      done(error, value);
    });
  });
}

function jsonSyntaxMessage(text: string): string {
  try {
    JSON.parse(text);
    // Valid JSON rejected by the stock parser: it carried __proto__ or constructor.prototype.
    return 'forbidden property __proto__ or constructor.prototype';
  } catch (e) {
    return (e as Error).message;
  }
}
