import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionCookie, startTestServer, type TestServer } from '../../test/support/test-server';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({
    auth: { loginMaxFailuresPerUser: 3, loginMaxFailuresPerIp: 6, loginWindowSeconds: 60 },
  });
});
afterEach(() => server.close());

const login = (body: Record<string, unknown>, remoteAddress = '198.51.100.7') =>
  server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body, remoteAddress });

async function auditActions(): Promise<
  { action: string; actor: string | null; ip: string | null; details: string | null }[]
> {
  return server.database.db
    .selectFrom('audit_log')
    .select(['action', 'actor', 'ip', 'details'])
    .orderBy('id')
    .execute();
}

describe('login', () => {
  it('opens a session in an HTTP-only, SameSite=Strict cookie and answers who logged in', async () => {
    const res = await login({ tenant: 'demo', username: 'agent1', password: 'demo-agent' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      user: { username: 'agent1', roles: ['agent'] },
      tenant: { slug: 'demo' },
    });
    const cookie = res.cookies.find((c) => c.name === 'sb_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', maxAge: 12 * 3600 });
    expect(cookie.secure).toBeFalsy();
    const me = await server.app.inject({ url: '/api/v1/me', headers: { cookie: sessionCookie(res) } });
    expect(me.json()).toMatchObject({
      user: { username: 'agent1' },
      tenant: { slug: 'demo', name: 'Demo Shop 示例商城' },
      authenticatedWith: 'session',
    });
  });

  it('matches tenant and user name case-insensitively', async () => {
    const res = await login({ tenant: 'DEMO', username: 'Agent1', password: 'demo-agent' });
    expect(res.statusCode).toBe(200);
  });

  it('answers unknown tenant, unknown user and wrong password identically', async () => {
    const bodies = [
      { tenant: 'nope', username: 'agent1', password: 'demo-agent' },
      { tenant: 'demo', username: 'ghost', password: 'demo-agent' },
      { tenant: 'demo', username: 'agent1', password: 'wrong-password' },
    ];
    const answers = [];
    for (const [i, body] of bodies.entries()) {
      const res = await login(body, `198.51.100.${10 + i}`);
      const { requestId: _ignored, ...problem } = res.json();
      answers.push({ status: res.statusCode, problem, cookie: res.cookies.length });
    }
    expect(answers[0]).toEqual({
      status: 401,
      problem: expect.objectContaining({ code: 'AUTH.INVALID_CREDENTIALS' }),
      cookie: 0,
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('records successes and failures, with the reason, in the audit log', async () => {
    await login({ tenant: 'demo', username: 'agent1', password: 'demo-agent' });
    await login({ tenant: 'demo', username: 'agent1', password: 'bad-password' });
    await login({ tenant: 'demo', username: 'ghost', password: 'bad-password' });
    const entries = await auditActions();
    expect(entries.map((e) => [e.action, e.actor, e.ip])).toEqual([
      ['auth.login_succeeded', 'agent1', '198.51.100.7'],
      ['auth.login_failed', 'agent1', '198.51.100.7'],
      ['auth.login_failed', 'ghost', '198.51.100.7'],
    ]);
    expect(JSON.parse(entries[1]!.details!)).toMatchObject({ reason: 'wrong_password' });
    expect(JSON.parse(entries[2]!.details!)).toMatchObject({ reason: 'unknown_user' });
  });

  it('throttles a user name after repeated failures, even with the right password, then forgives', async () => {
    for (let i = 0; i < 3; i++) {
      expect(
        (await login({ tenant: 'demo', username: 'agent2', password: 'nope-nope' }, `203.0.113.${i}`))
          .statusCode,
      ).toBe(401);
    }
    const blocked = await login(
      { tenant: 'demo', username: 'agent2', password: 'demo-agent' },
      '203.0.113.99',
    );
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('AUTH.TOO_MANY_ATTEMPTS');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Other accounts are unaffected.
    expect(
      (await login({ tenant: 'demo', username: 'agent3', password: 'demo-agent' }, '203.0.113.99'))
        .statusCode,
    ).toBe(200);
    server.clock.advance(61_000);
    expect(
      (await login({ tenant: 'demo', username: 'agent2', password: 'demo-agent' }, '203.0.113.99'))
        .statusCode,
    ).toBe(200);
  });

  it('throttles one address spraying many accounts', async () => {
    for (let i = 0; i < 6; i++)
      await login({ tenant: 'demo', username: `user${i}`, password: 'guess-guess' }, '192.0.2.50');
    const res = await login({ tenant: 'demo', username: 'agent1', password: 'demo-agent' }, '192.0.2.50');
    expect(res.statusCode).toBe(429);
  });

  it('counts guesses sent in parallel before any of them fails', async () => {
    // Many guesses at once, the right password last: all would pass a check made before the
    // first failure is recorded. The per-user limit is 3.
    const passwords = [...Array.from({ length: 9 }, (_, i) => `guess-${i}-x`), 'demo-agent'];
    const answers = await Promise.all(
      passwords.map((password, i) =>
        login({ tenant: 'demo', username: 'agent4', password }, `203.0.113.${100 + i}`),
      ),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    expect(statuses.at(-1)).toBe(429);
  });

  it('names the missing field of an incomplete login', async () => {
    const res = await login({ tenant: 'demo', username: 'agent1' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      expect.objectContaining({ field: 'password', message: 'is required' }),
    ]);
  });
});

describe('logout', () => {
  it('ends the session, clears the cookie and is audited', async () => {
    const cookie = await server.login('supervisor', 'demo-supervisor');
    const res = await server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
    expect(res.statusCode).toBe(204);
    expect(res.cookies.find((c) => c.name === 'sb_session')?.value).toBe('');
    expect((await server.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
    expect((await auditActions()).map((e) => e.action)).toContain('auth.logged_out');
  });
});

describe('sessions', () => {
  it('expire after the configured lifetime', async () => {
    const cookie = await server.login('agent1', 'demo-agent');
    server.clock.advance(12 * 3600 * 1000 + 1);
    expect((await server.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
  });
});

describe('API tokens', () => {
  it('are shown once, work as bearer credentials, are listed without the secret, and stop working when revoked', async () => {
    const cookie = await server.login('agent1', 'demo-agent');
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      headers: { cookie },
      payload: { name: 'wallboard', expiresInDays: 30 },
    });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^sbt_/);
    const bearer = { authorization: `Bearer ${token}` };
    const me = await server.app.inject({ url: '/api/v1/me', headers: bearer });
    expect(me.json()).toMatchObject({ user: { username: 'agent1' }, authenticatedWith: 'token' });
    const listed = await server.app.inject({ url: '/api/v1/auth/tokens', headers: bearer });
    expect(listed.json()).toEqual([expect.objectContaining({ id, name: 'wallboard' })]);
    expect(listed.body).not.toContain(token);
    const stored = await server.database.db
      .selectFrom('api_tokens')
      .select('secret_hash')
      .executeTakeFirstOrThrow();
    expect(stored.secret_hash).not.toContain(token.slice(4));
    expect(
      (await server.app.inject({ method: 'DELETE', url: `/api/v1/auth/tokens/${id}`, headers: { cookie } }))
        .statusCode,
    ).toBe(204);
    expect((await server.app.inject({ url: '/api/v1/me', headers: bearer })).statusCode).toBe(401);
    expect((await auditActions()).map((e) => e.action)).toEqual(
      expect.arrayContaining(['auth.token_created', 'auth.token_revoked']),
    );
  });

  it('cannot be revoked by another non-admin user, who is told it does not exist', async () => {
    const owner = await server.login('agent1', 'demo-agent');
    const { id } = (
      await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/tokens',
        headers: { cookie: owner },
        payload: { name: 'x' },
      })
    ).json();
    const other = await server.login('agent2', 'demo-agent');
    const res = await server.app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/tokens/${id}`,
      headers: { cookie: other },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('IDENTITY.TOKEN_NOT_FOUND');
  });

  it('expire', async () => {
    const cookie = await server.login('agent1', 'demo-agent');
    const { token } = (
      await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/tokens',
        headers: { cookie },
        payload: { name: 'short', expiresInDays: 1 },
      })
    ).json();
    server.clock.advance(86_400_000 + 1);
    expect(
      (await server.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(401);
  });
});
