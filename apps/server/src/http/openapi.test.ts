import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { err, rejection } from '@switchboard/kernel';
import { registerAccessControl } from '../identity/access-control';
import { registerOpenApi } from './openapi';

describe('the docs routes', () => {
  it('are public, and a route that only starts with the same letters is not', async () => {
    const app = Fastify();
    await app.register(cookie);
    registerAccessControl(app, {
      authenticate: async () => err(rejection('AUTH.UNAUTHENTICATED', 'no')),
      sessionCookieName: 'sb_session',
    });
    await registerOpenApi(app, { version: 'test', sessionCookieName: 'sb_session' });
    app.get('/docsearch', async () => ({ private: true }));
    await app.ready();
    expect((await app.inject('/docs/json')).statusCode).toBe(200);
    expect((await app.inject('/docs')).statusCode).toBe(200);
    expect((await app.inject('/docsearch')).statusCode).toBe(401);
    await app.close();
  });
});
