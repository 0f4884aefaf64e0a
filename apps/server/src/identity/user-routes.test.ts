import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTenantWithAdmin, startTestServer, type TestServer } from '../../test/support/test-server';

let server: TestServer;
let admin: string;
let agent: string;
let otherAdmin: string;

beforeAll(async () => {
  server = await startTestServer();
  await addTenantWithAdmin(server, 'acme', 'boss', 'acme-boss-pass');
  admin = await server.login('admin', 'demo-admin');
  agent = await server.login('agent1', 'demo-agent');
  otherAdmin = await server.login('boss', 'acme-boss-pass', 'acme');
});
afterAll(() => server.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
const call = (cookie: string, method: Method, url: string, payload?: unknown) =>
  server.app.inject({
    method,
    url,
    headers: { cookie },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

async function userId(username: string): Promise<string> {
  const users = (await call(admin, 'GET', '/api/v1/users')).json() as { id: string; username: string }[];
  return users.find((u) => u.username === username)!.id;
}

async function lastAudit(action: string) {
  return server.database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

describe('user administration', () => {
  it('lists the tenant users to an admin, without password hashes', async () => {
    const res = await call(admin, 'GET', '/api/v1/users');
    expect(res.statusCode).toBe(200);
    expect(res.json().map((u: { username: string }) => u.username)).toEqual([
      'admin',
      'agent1',
      'agent2',
      'agent3',
      'agent4',
      'agent5',
      'supervisor',
    ]);
    expect(res.body).not.toMatch(/scrypt|password/i);
  });

  it('refuses an agent with 403', async () => {
    const res = await call(agent, 'GET', '/api/v1/users');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'AUTH.FORBIDDEN' });
  });

  it('creates a user who can then log in, and audits it', async () => {
    const res = await call(admin, 'POST', '/api/v1/users', {
      username: 'QA1',
      displayName: '质检 QA',
      password: 'qa-password-1',
      roles: ['qa'],
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username: 'qa1', roles: ['qa'], disabled: false });
    await server.login('qa1', 'qa-password-1');
    const entry = await lastAudit('user.created');
    expect(entry).toMatchObject({
      actor: 'admin',
      target_type: 'user',
      target_id: res.json().id,
      tenant_id: expect.any(String),
    });
  });

  it('refuses a taken user name with 409 and a short password naming the field', async () => {
    const taken = await call(admin, 'POST', '/api/v1/users', {
      username: 'agent1',
      displayName: 'x',
      password: 'long-enough',
      roles: ['agent'],
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('IDENTITY.USERNAME_TAKEN');
    const short = await call(admin, 'POST', '/api/v1/users', {
      username: 'newbie',
      displayName: 'x',
      password: 'short',
      roles: ['agent'],
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors).toEqual([expect.objectContaining({ field: 'password' })]);
    const badRole = await call(admin, 'POST', '/api/v1/users', {
      username: 'newbie',
      displayName: 'x',
      password: 'long-enough',
      roles: ['root'],
    });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().errors[0].field).toBe('roles.0');
  });

  it('changes roles, which takes effect on the next request and is audited with before and after', async () => {
    const id = await userId('agent2');
    const agent2 = await server.login('agent2', 'demo-agent');
    expect((await call(agent2, 'GET', '/api/v1/entry-points')).statusCode).toBe(403);
    const res = await call(admin, 'PUT', `/api/v1/users/${id}/roles`, { roles: ['agent', 'supervisor'] });
    expect(res.statusCode).toBe(200);
    expect(res.json().roles).toEqual(['agent', 'supervisor']);
    expect((await call(agent2, 'GET', '/api/v1/entry-points')).statusCode).toBe(200);
    const entry = await lastAudit('user.roles_changed');
    expect(JSON.parse(entry!.details!)).toEqual({ before: ['agent'], after: ['agent', 'supervisor'] });
  });

  it('disables a user, ending their sessions, and enables them again', async () => {
    const id = await userId('agent5');
    const session = await server.login('agent5', 'demo-agent');
    const res = await call(admin, 'PATCH', `/api/v1/users/${id}`, { disabled: true });
    expect(res.json().disabled).toBe(true);
    expect((await call(session, 'GET', '/api/v1/me')).statusCode).toBe(401);
    const relogin = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { tenant: 'demo', username: 'agent5', password: 'demo-agent' },
    });
    expect(relogin.statusCode).toBe(401);
    expect((await lastAudit('user.disabled'))?.target_id).toBe(id);
    await call(admin, 'PATCH', `/api/v1/users/${id}`, { disabled: false });
    await server.login('agent5', 'demo-agent');
    expect((await lastAudit('user.enabled'))?.target_id).toBe(id);
  });

  it('keeps one enabled admin per tenant', async () => {
    const id = await userId('admin');
    const demote = await call(admin, 'PUT', `/api/v1/users/${id}/roles`, { roles: ['supervisor'] });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().code).toBe('IDENTITY.LAST_ADMIN');
    const disable = await call(admin, 'PATCH', `/api/v1/users/${id}`, { disabled: true });
    expect(disable.json().code).toBe('IDENTITY.LAST_ADMIN');
  });

  it('refuses a password equal to the user name, and resets one otherwise', async () => {
    const created = await call(admin, 'POST', '/api/v1/users', {
      username: 'operator7',
      displayName: 'x',
      password: 'OPERATOR7',
      roles: ['staff'],
    });
    expect(created.statusCode).toBe(422);
    expect(created.json()).toMatchObject({ code: 'IDENTITY.WEAK_PASSWORD' });
    const id = await userId('agent3');
    const reset = await call(admin, 'PATCH', `/api/v1/users/${id}`, { password: 'new-agent3-pass' });
    expect(reset.statusCode).toBe(200);
    await server.login('agent3', 'new-agent3-pass');
    expect((await lastAudit('user.password_reset'))?.target_id).toBe(id);
  });
});

describe('tenant isolation', () => {
  it("answers another tenant's user ids with 404, exactly like ids that do not exist", async () => {
    const demoUser = await userId('agent1');
    const foreign = await call(otherAdmin, 'GET', `/api/v1/users/${demoUser}`);
    const missing = await call(otherAdmin, 'GET', '/api/v1/users/does-not-exist');
    expect(foreign.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(foreign.json().code).toBe(missing.json().code);
    expect(foreign.body).not.toContain('agent1');
    for (const [method, url, payload] of [
      ['PATCH', `/api/v1/users/${demoUser}`, { disabled: true }],
      ['PUT', `/api/v1/users/${demoUser}/roles`, { roles: ['admin'] }],
    ] as const) {
      expect((await call(otherAdmin, method, url, payload)).statusCode).toBe(404);
    }
    expect((await call(admin, 'GET', `/api/v1/users/${demoUser}`)).json().disabled).toBe(false);
  });

  it('lists only the own tenant’s users, departments, queues and entry points', async () => {
    expect(
      (await call(otherAdmin, 'GET', '/api/v1/users')).json().map((u: { username: string }) => u.username),
    ).toEqual(['boss']);
    expect((await call(otherAdmin, 'GET', '/api/v1/departments')).json()).toEqual([]);
    expect((await call(otherAdmin, 'GET', '/api/v1/queues')).json()).toEqual([]);
    expect((await call(otherAdmin, 'GET', '/api/v1/entry-points')).json()).toEqual([]);
  });

  it("cannot put a user into another tenant's department", async () => {
    const departments = (await call(admin, 'GET', '/api/v1/departments')).json() as { id: string }[];
    const res = await call(otherAdmin, 'POST', '/api/v1/users', {
      username: 'mole',
      displayName: 'x',
      password: 'long-enough',
      roles: ['agent'],
      departmentId: departments[0]!.id,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('IDENTITY.DEPARTMENT_NOT_FOUND');
  });
});

describe('departments and the audit log', () => {
  it('creates, renames and deletes an empty department; refuses deleting one with members', async () => {
    const created = await call(admin, 'POST', '/api/v1/departments', { name: '质检部 QA' });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    expect((await call(admin, 'POST', '/api/v1/departments', { name: '质检部 QA' })).statusCode).toBe(409);
    expect((await call(admin, 'PATCH', `/api/v1/departments/${id}`, { name: '质检组 QA' })).json().name).toBe(
      '质检组 QA',
    );
    expect((await call(admin, 'DELETE', `/api/v1/departments/${id}`)).statusCode).toBe(204);
    const departments = (await call(admin, 'GET', '/api/v1/departments')).json() as { id: string }[];
    const inUse = await call(admin, 'DELETE', `/api/v1/departments/${departments[0]!.id}`);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().code).toBe('IDENTITY.DEPARTMENT_IN_USE');
  });

  it('shows the tenant its own audit entries, newest first, and pages with before', async () => {
    const page = (await call(admin, 'GET', '/api/v1/audit-log?limit=2')).json() as {
      id: string;
      action: string;
    }[];
    expect(page).toHaveLength(2);
    expect(page[0]!.id > page[1]!.id).toBe(true);
    const next = (await call(admin, 'GET', `/api/v1/audit-log?limit=2&before=${page[1]!.id}`)).json() as {
      id: string;
    }[];
    expect(next[0]!.id < page[1]!.id).toBe(true);
    const foreign = (await call(otherAdmin, 'GET', '/api/v1/audit-log?limit=500')).json() as {
      actor: string;
    }[];
    expect(foreign.every((e) => e.actor === 'boss')).toBe(true);
    expect((await call(admin, 'GET', '/api/v1/audit-log?limit=0')).statusCode).toBe(400);
  });
});
