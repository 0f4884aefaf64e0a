import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server';
import { hashSecret } from './secret-tokens';

const DAY = 86_400_000;
let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const me = (headers: Record<string, string>) => server.app.inject({ url: '/api/v1/me', headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function createToken(cookie: string, payload: Record<string, unknown> = { name: 'script' }) {
  return server.app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: { cookie }, payload });
}

async function userId(admin: string, username: string): Promise<string> {
  const users = (await server.app.inject({ url: '/api/v1/users', headers: { cookie: admin } })).json();
  return (users as { id: string; username: string }[]).find((u) => u.username === username)!.id;
}

async function audit(action: string) {
  const rows = await server.database.db
    .selectFrom('audit_log')
    .select(['actor', 'target_id', 'details'])
    .where('action', '=', action)
    .execute();
  return rows.map((r) => ({ ...r, details: r.details === null ? null : JSON.parse(r.details) }));
}

describe('API token lifetime', () => {
  it('defaults to the configured maximum of 90 days, after which the token stops working', async () => {
    expect(server.config.auth.apiTokenMaxDays).toBe(90);
    const cookie = await server.login('agent1', 'demo-agent');
    const created = await createToken(cookie);
    expect(created.statusCode).toBe(201);
    const { token, expiresAt } = created.json();
    expect(Date.parse(expiresAt)).toBe(server.clock.now() + 90 * DAY);
    server.clock.advance(90 * DAY - 1);
    expect((await me(bearer(token))).statusCode).toBe(200);
    server.clock.advance(2);
    expect((await me(bearer(token))).statusCode).toBe(401);
  });

  it('refuses a lifetime above the maximum with a coded problem', async () => {
    const cookie = await server.login('agent1', 'demo-agent');
    const res = await createToken(cookie, { name: 'forever', expiresInDays: 3650 });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'IDENTITY.TOKEN_LIFETIME_TOO_LONG' });
    expect(await server.database.db.selectFrom('api_tokens').select('id').execute()).toEqual([]);
  });

  it('ends tokens stored without an expiry once they are older than the maximum', async () => {
    const tenant = (await server.identity.tenants.findBySlug('demo'))!;
    const agent1 = (await server.identity.users.list(tenant.id)).find((u) => u.username === 'agent1')!;
    const token = 'sbt_stored-before-lifetimes-were-capped';
    await server.database.db
      .insertInto('api_tokens')
      .values({
        id: 'legacy-token',
        tenant_id: agent1.tenantId,
        user_id: agent1.id,
        name: 'legacy',
        secret_hash: hashSecret(token),
        created_at: new Date(server.clock.now()).toISOString(),
        expires_at: null,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    expect((await me(bearer(token))).statusCode).toBe(200);
    server.clock.advance(90 * DAY + 1);
    expect((await me(bearer(token))).statusCode).toBe(401);
  });
});

describe('ending credentials', () => {
  it("revokes a user's API tokens with their sessions when an admin resets the password, and audits it", async () => {
    const admin = await server.login('admin', 'demo-admin');
    const cookie = await server.login('agent1', 'demo-agent');
    const { token } = (await createToken(cookie)).json();
    const id = await userId(admin, 'agent1');
    const reset = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${id}`,
      headers: { cookie: admin },
      payload: { password: 'brand-new-password' },
    });
    expect(reset.statusCode).toBe(200);
    expect((await me({ cookie })).statusCode).toBe(401);
    expect((await me(bearer(token))).statusCode).toBe(401);
    expect(await audit('auth.credentials_revoked')).toEqual([
      {
        actor: 'admin',
        target_id: id,
        details: { reason: 'password_reset', endedSessions: 1, revokedTokens: 1 },
      },
    ]);
  });

  it('revokes them when the user is disabled, and enabling the user again does not revive them', async () => {
    const admin = await server.login('admin', 'demo-admin');
    const { token } = (await createToken(await server.login('agent2', 'demo-agent'))).json();
    const id = await userId(admin, 'agent2');
    const patch = (disabled: boolean) =>
      server.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${id}`,
        headers: { cookie: admin },
        payload: { disabled },
      });
    expect((await patch(true)).statusCode).toBe(200);
    expect((await patch(false)).statusCode).toBe(200);
    expect((await me(bearer(token))).statusCode).toBe(401);
    expect((await audit('auth.credentials_revoked'))[0]?.details).toMatchObject({
      reason: 'user_disabled',
      revokedTokens: 1,
    });
  });

  it("logs the caller out everywhere: every session and token of theirs, nobody else's", async () => {
    const here = await server.login('agent1', 'demo-agent');
    const elsewhere = await server.login('agent1', 'demo-agent');
    const { token } = (await createToken(elsewhere)).json();
    const other = await server.login('agent2', 'demo-agent');
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout-all',
      headers: { cookie: here },
    });
    expect(res.statusCode).toBe(204);
    expect(res.cookies.find((c) => c.name === 'sb_session')?.value).toBe('');
    for (const headers of [{ cookie: here }, { cookie: elsewhere }, bearer(token)])
      expect((await me(headers)).statusCode).toBe(401);
    expect((await me({ cookie: other })).statusCode).toBe(200);
    expect(await audit('auth.logged_out_everywhere')).toEqual([
      { actor: 'agent1', target_id: expect.any(String), details: { endedSessions: 2, revokedTokens: 1 } },
    ]);
  });

  it('works with a bearer token too, which is then revoked itself', async () => {
    const { token } = (await createToken(await server.login('agent3', 'demo-agent'))).json();
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout-all',
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(204);
    expect((await me(bearer(token))).statusCode).toBe(401);
  });
});
