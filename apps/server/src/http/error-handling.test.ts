import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '@switchboard/kernel';
import { registerErrorHandling } from './error-handling';
import { PROBLEM_CONTENT_TYPE, sendProblem } from './problem-details';

let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify({ ajv: { customOptions: { removeAdditional: false, allErrors: true } } });
  registerErrorHandling(app);
  const body = Type.Object(
    {
      name: Type.String({ minLength: 1 }),
      items: Type.Array(Type.Object({ qty: Type.Integer({ minimum: 1 }) })),
    },
    { additionalProperties: false },
  );
  app.post('/orders', { schema: { body } }, async () => ({ ok: true }));
  app.get(
    '/orders/:id',
    { schema: { params: Type.Object({ id: Type.String({ pattern: '^[0-9]+$' }) }) } },
    async () => ({}),
  );
  app.get('/conflict', async (request, reply) =>
    sendProblem(request, reply, { code: 'IDENTITY.USERNAME_TAKEN', message: 'taken' }),
  );
  app.get('/thrown-rejection', async () => {
    throw new DomainError('AUTH.FORBIDDEN', 'not for you');
  });
  app.get('/unmapped', async () => {
    throw new DomainError('BILLING.OVERDRAWN', 'no credit');
  });
  app.get('/bug', async () => {
    throw new Error('SQLITE_CORRUPT: database disk image is malformed at /var/lib/secret/path.db');
  });
  await app.ready();
});
afterAll(() => app.close());

const post = (payload: string, contentType = 'application/json') =>
  app.inject({ method: 'POST', url: '/orders', payload, headers: { 'content-type': contentType } });

describe('problem documents', () => {
  it('answers malformed JSON with 400 naming the syntax error', async () => {
    const res = await post('{"name": "x",');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    const problem = res.json();
    expect(problem).toMatchObject({
      status: 400,
      code: 'HTTP.MALFORMED_JSON',
      type: 'urn:switchboard:problem:HTTP.MALFORMED_JSON',
      title: 'Bad Request',
      instance: '/orders',
    });
    expect(problem.detail).toMatch(/^Request body is not valid JSON: .*JSON/);
  });

  it('answers an empty JSON body with 400', async () => {
    const res = await post('');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('HTTP.MALFORMED_JSON');
  });

  it('refuses prototype-poisoning bodies', async () => {
    const res = await post('{"name":"x","items":[],"__proto__":{"admin":true}}');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('HTTP.MALFORMED_JSON');
  });

  it('names every invalid field of a schema-invalid body', async () => {
    const res = await post(JSON.stringify({ name: '', items: [{ qty: 0 }], colour: 'red' }));
    expect(res.statusCode).toBe(400);
    const problem = res.json();
    expect(problem.code).toBe('HTTP.VALIDATION_FAILED');
    const fields = problem.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['colour', 'items.0.qty', 'name']);
    expect(problem.errors.find((e: { field: string }) => e.field === 'items.0.qty')).toMatchObject({
      in: 'body',
      pointer: '/items/0/qty',
    });
    expect(problem.detail).toContain('items.0.qty');
  });

  it('names a missing required field', async () => {
    const res = await post(JSON.stringify({ items: [] }));
    expect(res.json().errors).toEqual([
      { in: 'body', field: 'name', pointer: '/name', message: 'is required' },
    ]);
  });

  it('names invalid path parameters', async () => {
    const res = await app.inject({ method: 'GET', url: '/orders/abc' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ in: 'params', field: 'id' });
  });

  it('answers 415 for a body that is not JSON', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const res = await post('name=x', type);
      expect(res.statusCode).toBe(415);
      expect(res.json().code).toBe('HTTP.UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(res.json()).toMatchObject({ code: 'HTTP.NOT_FOUND', instance: '/nowhere' });
  });

  it('maps rejection codes through the one status table', async () => {
    expect((await app.inject('/conflict')).statusCode).toBe(409);
    const thrown = await app.inject('/thrown-rejection');
    expect(thrown.statusCode).toBe(403);
    expect(thrown.json()).toMatchObject({ code: 'AUTH.FORBIDDEN', detail: 'not for you' });
  });

  it('answers 422 for a rejection code nobody mapped', async () => {
    const res = await app.inject('/unmapped');
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('BILLING.OVERDRAWN');
  });

  it('answers a bug with 500 and a request id, without leaking its message', async () => {
    const res = await app.inject('/bug');
    expect(res.statusCode).toBe(500);
    const problem = res.json();
    expect(problem.code).toBe('HTTP.INTERNAL_ERROR');
    expect(res.body).not.toMatch(/SQLITE|secret|stack/);
    expect(problem.detail).toContain(problem.requestId);
  });
});

describe('log lines of refused requests', () => {
  it('do not quote a malformed body, which may hold a password', async () => {
    const lines: string[] = [];
    const logged = Fastify({
      logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } },
    });
    registerErrorHandling(logged);
    logged.post('/login', async () => ({}));
    await logged.ready();
    const res = await logged.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/json' },
      payload: `{"username":"admin","password":'Sup3r-Secret'}`,
    });
    await logged.close();
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain('Sup3r');
    expect(lines.join('')).toContain('HTTP.MALFORMED_JSON');
    expect(lines.join('')).not.toContain('Sup3r');
  });
});
